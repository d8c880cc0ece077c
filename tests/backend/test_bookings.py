"""Queue booking rules, idempotency, lookup and cancel (SQLite back office)."""

from __future__ import annotations

import uuid

import aiohttp
import pytest

from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import (
    EARLY_MPP,
    QUEUE_MPP,
    booking_body,
    days_from_today,
    get_json,
    local_now,
    next_weekday,
    post_booking,
    post_json,
)

SUNDAY = 6


def citizen() -> str:
    return f"test:{uuid.uuid4().hex[:12]}"


async def test_book_then_read(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    day = next_weekday(0)
    body = booking_body(day, citizen(), mpp_id="mpp-kab-tegal")
    status, booking, _ = await post_booking(http, backoffice.url, body)
    assert status == 201
    assert booking["code"].startswith("TGL-") and len(booking["code"]) == len("TGL-7K3QXM")
    assert {key: booking[key] for key in ("mpp_id", "mpp_name", "service", "service_label", "date", "weekday",
                                          "opens", "closes", "status", "demo")} == {
        "mpp_id": "mpp-kab-tegal", "mpp_name": "MPP Kabupaten Tegal", "service": "ktp_el", "service_label": "KTP-el",
        "date": day.isoformat(), "weekday": "Senin", "opens": "08:00", "closes": "15:00", "status": "active",
        "demo": True}
    assert booking["queue_number"] >= 1
    status, again = await get_json(http, f"{backoffice.url}/bookings/{booking['code'].lower()}",
                                   citizen_ref=body["citizen_ref"])
    assert (status, again) == (200, booking)


async def test_a_booking_is_only_shown_to_its_citizen(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    _, booking, _ = await post_booking(http, backoffice.url, booking_body(days_from_today(4), citizen()))
    for code, ref in ((booking["code"], "someone-else"), ("UJI-AAAAAA", "someone-else")):
        status, body = await get_json(http, f"{backoffice.url}/bookings/{code}", citizen_ref=ref)
        assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await get_json(http, f"{backoffice.url}/bookings/{booking['code']}")
    assert (status, body["error"]["fields"]) == (422, {"citizen_ref": "Wajib diisi."})


async def test_retry_with_the_same_key_replays(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    body, key = booking_body(days_from_today(5), citizen()), uuid.uuid4().hex
    first_status, first, _ = await post_booking(http, backoffice.url, body, key)
    status, replay, headers = await post_booking(http, backoffice.url, body, key)
    assert (first_status, status, headers.get("Idempotent-Replayed")) == (201, 200, "true")
    assert replay == first
    status, error, _ = await post_booking(http, backoffice.url, {**body, "service": "kk"}, key)
    assert (status, error["error"]["code"]) == (422, "idempotency_key_reused")


async def test_one_active_booking_per_citizen_and_day(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    body = booking_body(days_from_today(6), citizen())
    _, first, _ = await post_booking(http, backoffice.url, body)
    status, error, _ = await post_booking(http, backoffice.url, body)
    assert (status, error["error"]["code"]) == (409, "already_booked")
    assert error["booking"] == first
    status, _, _ = await post_booking(http, backoffice.url, {**body, "service": "kk"})
    assert status == 201, "another service the same day is fine"


async def test_cancel_frees_the_place_once(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    day, ref = days_from_today(7), citizen()
    availability = f"{backoffice.url}/mpps/{QUEUE_MPP}/availability"
    _, booking, _ = await post_booking(http, backoffice.url, booking_body(day, ref, service="ikd"))
    assert (await get_json(http, availability, service="ikd", date=day.isoformat()))[1]["booked"] == 1
    cancel = f"{backoffice.url}/bookings/{booking['code']}/cancel"
    for _ in range(2):
        status, cancelled = await post_json(http, cancel, {"citizen_ref": ref})
        assert (status, cancelled["status"], cancelled["code"]) == (200, "cancelled", booking["code"])
    assert (await get_json(http, availability, service="ikd", date=day.isoformat()))[1]["booked"] == 0
    status, rebooked, _ = await post_booking(http, backoffice.url, booking_body(day, ref, service="ikd"))
    assert status == 201
    assert rebooked["queue_number"] == booking["queue_number"] + 1, "queue numbers are never reused"
    status, error = await post_json(http, cancel, {"citizen_ref": "someone-else"})
    assert (status, error["error"]["code"]) == (404, "not_found")


@pytest.mark.parametrize(("days", "code"), [(-1, "date_in_past"), (31, "too_far_ahead")])
async def test_dates_out_of_range(backoffice: BackOffice, http: aiohttp.ClientSession, days: int, code: str) -> None:
    status, error, _ = await post_booking(http, backoffice.url, booking_body(days_from_today(days), citizen()))
    assert (status, error["error"]["code"]) == (422, code)
    assert error["error"]["message"]


async def test_thirty_days_ahead_is_allowed(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, _, _ = await post_booking(http, backoffice.url, booking_body(days_from_today(30), citizen()))
    assert status == 201


async def test_closed_day(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    body = booking_body(next_weekday(SUNDAY), citizen(), mpp_id="mpp-kab-tegal")
    status, error, _ = await post_booking(http, backoffice.url, body)
    assert (status, error["error"]["code"]) == (422, "closed_day")


async def test_today_after_closing_time(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    if local_now().strftime("%H:%M") < "00:02":
        pytest.skip("the test MPP closes at 00:01; too close to call")
    body = booking_body(days_from_today(0), citizen(), mpp_id=EARLY_MPP)
    status, error, _ = await post_booking(http, backoffice.url, body)
    assert (status, error["error"]["code"]) == (422, "closed_day")
    assert "hari ini" in error["error"]["message"]


async def test_today_while_open(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    if local_now().strftime("%H:%M") >= "23:58":
        pytest.skip("the test MPP closes at 23:59; too close to call")
    status, _, _ = await post_booking(http, backoffice.url, booking_body(days_from_today(0), citizen()))
    assert status == 201


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"mpp_id": "mpp-kab-atlantis"}, 404, "unknown_mpp"),
    ({"service": "akta_kematian"}, 422, "unknown_service"),
    ({"service": "paspor"}, 422, "unknown_service"),
])
async def test_unknown_mpp_or_service(backoffice: BackOffice, http: aiohttp.ClientSession, change: dict[str, str],
                                      status: int, code: str) -> None:
    answer, error, _ = await post_booking(http, backoffice.url, {**booking_body(days_from_today(2), citizen()),
                                                                 **change})
    assert (answer, error["error"]["code"]) == (status, code)


async def test_body_validation_names_the_fields(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    body = {"mpp_id": 7, "date": "2025-02-30", "citizen_ref": "", "colour": "blue"}
    status, error, _ = await post_booking(http, backoffice.url, body)
    assert status == 422
    assert error["error"]["code"] == "invalid_request"
    assert error["error"]["fields"] == {
        "mpp_id": "Jenis nilainya tidak sesuai.", "service": "Wajib diisi.",
        "date": "Tanggal tersebut tidak ada di kalender.", "citizen_ref": "Minimal 1 karakter.",
        "colour": "Isian ini tidak dikenal."}


@pytest.mark.parametrize("payload", ["{not json", "[1, 2]", ""])
async def test_malformed_json_is_400(backoffice: BackOffice, http: aiohttp.ClientSession, payload: str) -> None:
    headers = {"Idempotency-Key": uuid.uuid4().hex, "Content-Type": "application/json"}
    async with http.post(f"{backoffice.url}/bookings", data=payload, headers=headers) as response:
        assert response.status == 400
        assert (await response.json())["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("headers", [{}, {"Idempotency-Key": ""}, {"Idempotency-Key": "k" * 101}])
async def test_idempotency_key_is_required(backoffice: BackOffice, http: aiohttp.ClientSession,
                                           headers: dict[str, str]) -> None:
    body = booking_body(days_from_today(2), citizen())
    async with http.post(f"{backoffice.url}/bookings", json=body, headers=headers) as response:
        assert response.status == 400
        assert (await response.json())["error"]["code"] == "idempotency_key_required"
