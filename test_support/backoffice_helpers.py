"""Shared pieces of the back-office tests: test MPPs, local dates, a booking call."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp

from backend.settings import DEFAULT_DIRECTORY_CSV

JAKARTA = "Asia/Jakarta"
# Test-only MPPs in Kota Yogyakarta (no real MPP there in the directory), appended to the real CSV:
# the first lists other agencies' counters, the second does not know them.
QUEUE_MPP = "mpp-uji-antrean"  # open every day 00:00-23:59, capacity 5 per service
EARLY_MPP = "mpp-uji-pagi"  # open every day 00:00-00:01: "today" is always after closing time
QUEUE_CAPACITY = 5
ALL_DAY = ",".join(["00:00-23:59"] * 7)
ONE_MINUTE = ",".join(["00:00-00:01"] * 7)
TEST_ROWS = (
    f"{QUEUE_MPP},MPP Uji Antrean,34.71,{JAKARTA},UJI,,,{ALL_DAY},demo,"
    f"ktp_el:{QUEUE_CAPACITY};kk:{QUEUE_CAPACITY};kia:{QUEUE_CAPACITY};ikd:{QUEUE_CAPACITY},paspor;skck,true",
    f"{EARLY_MPP},MPP Uji Pagi,34.71,{JAKARTA},UJP,,,{ONE_MINUTE},demo,ktp_el:{QUEUE_CAPACITY},,true",
)


def write_directory(path: Path, rows: tuple[str, ...] = TEST_ROWS, drop: str | None = None) -> Path:
    """The real directory CSV plus ``rows``, optionally without the line of MPP ``drop``."""
    lines = DEFAULT_DIRECTORY_CSV.read_text(encoding="utf-8").splitlines() + list(rows)
    path.write_text("\n".join(line for line in lines if not (drop and line.startswith(f"{drop},"))) + "\n",
                    encoding="utf-8")
    return path


def local_now(tz: str = JAKARTA) -> datetime:
    """The wall-clock time of an MPP's timezone."""
    return datetime.now(ZoneInfo(tz))


def days_from_today(days: int, tz: str = JAKARTA) -> date:
    """The MPP-local date ``days`` after today."""
    return local_now(tz).date() + timedelta(days=days)


def next_weekday(weekday: int, tz: str = JAKARTA) -> date:
    """The next date (after today) that falls on ``weekday`` (Monday = 0)."""
    today = local_now(tz).date()
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def booking_body(day: date, citizen: str, mpp_id: str = QUEUE_MPP, service: str = "ktp_el") -> dict[str, str]:
    """A POST /bookings body."""
    return {"mpp_id": mpp_id, "service": service, "date": day.isoformat(), "citizen_ref": citizen}


async def post_booking(http: aiohttp.ClientSession, base_url: str, body: Any,
                       key: str | None = None) -> tuple[int, dict[str, Any], dict[str, str]]:
    """POST /bookings with an idempotency key (a fresh one unless given); status, JSON body, headers."""
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    async with http.post(f"{base_url}/bookings", json=body, headers=headers) as response:
        return response.status, await response.json(), dict(response.headers)


async def get_json(http: aiohttp.ClientSession, url: str, **params: str) -> tuple[int, Any]:
    """GET ``url``; the status and the JSON body."""
    async with http.get(url, params=params) as response:
        return response.status, await response.json()


async def post_json(http: aiohttp.ClientSession, url: str, body: Any) -> tuple[int, Any]:
    """POST a JSON body; the status and the JSON body."""
    async with http.post(url, json=body) as response:
        return response.status, await response.json()
