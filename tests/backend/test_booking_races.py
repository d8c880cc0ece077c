"""Concurrent bookings on SQLite and PostgreSQL: no overbooking, no double booking, one booking per key."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import date

import aiohttp
import pytest
from sqlalchemy import func, select

from backend.models import Booking
from storage.database import make_engine
from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import (
    QUEUE_CAPACITY,
    QUEUE_MPP,
    booking_body,
    days_from_today,
    get_json,
    post_booking,
)

CONCURRENT = 40
OFFICES = ["backoffice", "backoffice_pg"]


@pytest.fixture(params=OFFICES)
def office(request: pytest.FixtureRequest) -> BackOffice:
    """Each race runs against the SQLite and the PostgreSQL back office."""
    found: BackOffice = request.getfixturevalue(request.param)
    return found


def active_bookings(office: BackOffice, day: date, service: str = "ktp_el") -> int:
    """Active bookings of the test MPP that day, counted in the database itself."""
    engine = make_engine(office.database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(Booking).where(
                Booking.mpp_id == QUEUE_MPP, Booking.service == service, Booking.date == day,
                Booking.status == "active")))
    finally:
        engine.dispose()


async def test_never_more_bookings_than_capacity(office: BackOffice) -> None:
    day = days_from_today(8)
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(
            post_booking(http, office.url, booking_body(day, f"race-{index}")) for index in range(CONCURRENT)))
        _, availability = await get_json(http, f"{office.url}/mpps/{QUEUE_MPP}/availability", service="ktp_el",
                                         date=day.isoformat())
    outcomes = Counter(status if status == 201 else body["error"]["code"] for status, body, _ in answers)
    assert outcomes == {201: QUEUE_CAPACITY, "fully_booked": CONCURRENT - QUEUE_CAPACITY}
    numbers = sorted(body["queue_number"] for status, body, _ in answers if status == 201)
    assert numbers == list(range(1, QUEUE_CAPACITY + 1))
    assert len({body["code"] for status, body, _ in answers if status == 201}) == QUEUE_CAPACITY
    assert (availability["booked"], availability["remaining"], availability["reason"]) == (
        QUEUE_CAPACITY, 0, "fully_booked")
    assert active_bookings(office, day) == QUEUE_CAPACITY


async def test_same_key_in_parallel_books_once(office: BackOffice) -> None:
    day, key = days_from_today(9), uuid.uuid4().hex
    body = booking_body(day, "race-same-key")
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(post_booking(http, office.url, body, key) for _ in range(CONCURRENT)))
    assert sorted(status for status, _, _ in answers) == [200] * (CONCURRENT - 1) + [201]
    assert len({body["code"] for _, body, _ in answers}) == 1
    assert active_bookings(office, day) == 1


async def test_same_citizen_in_parallel_books_once(office: BackOffice) -> None:
    day = days_from_today(10)
    body = booking_body(day, "race-same-citizen")
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(post_booking(http, office.url, body) for _ in range(CONCURRENT)))
    outcomes = Counter(status if status == 201 else body["error"]["code"] for status, body, _ in answers)
    assert outcomes == {201: 1, "already_booked": CONCURRENT - 1}
    assert active_bookings(office, day) == 1
