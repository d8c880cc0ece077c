"""The MPP directory: services, MPPs by region, nearest MPP, one MPP, availability."""

from __future__ import annotations

import aiohttp
import pytest

from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import QUEUE_CAPACITY, QUEUE_MPP, days_from_today, get_json, next_weekday

INAUGURATED_2023 = {
    "mpp-kab-aceh-besar": "11.06", "mpp-kab-humbang-hasundutan": "12.16", "mpp-kab-musi-rawas": "16.05",
    "mpp-kota-tangerang": "36.71", "mpp-kab-bandung-barat": "32.17", "mpp-kab-cirebon": "32.09",
    "mpp-kab-pangandaran": "32.18", "mpp-kab-tegal": "33.28", "mpp-kab-kubu-raya": "61.12",
    "mpp-kab-pangkajene-kepulauan": "73.10", "mpp-kab-soppeng": "73.12", "mpp-kab-wajo": "73.13",
    "mpp-kab-poso": "72.02", "mpp-kab-konawe": "74.02",
}
SUNDAY = 6


async def test_services_are_the_contract_codes(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/services")
    assert status == 200
    assert [service["code"] for service in body["services"]] == [
        "ktp_el", "kk", "akta_kelahiran", "akta_kematian", "akta_perkawinan", "pindah", "kia", "ikd", "sip"]
    assert {service["area"] for service in body["services"]} == {"adminduk", "nakes"}
    assert all(service["label"] for service in body["services"])


async def test_all_fourteen_mpps_with_their_region_codes(backoffice: BackOffice,
                                                         http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps")
    assert status == 200
    found = {mpp["id"]: mpp for mpp in body["mpps"]}
    assert {mpp_id: found[mpp_id]["region_code"] for mpp_id in INAUGURATED_2023} == INAUGURATED_2023
    for mpp_id in INAUGURATED_2023:
        mpp = found[mpp_id]
        assert mpp["address"] is None, "street addresses are unknown and must not be invented"
        assert (mpp["hours_source"], mpp["demo"]) == ("demo", True)
        assert mpp["hours"] and mpp["services"]


@pytest.mark.parametrize(("region_code", "expected"), [
    ("32", {"mpp-kab-bandung-barat", "mpp-kab-cirebon", "mpp-kab-pangandaran"}),
    ("33.28", {"mpp-kab-tegal"}),
    ("33.28.05", {"mpp-kab-tegal"}),
    ("31.71", set()),
])
async def test_mpps_by_region(backoffice: BackOffice, http: aiohttp.ClientSession, region_code: str,
                              expected: set[str]) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps", region_code=region_code)
    assert status == 200
    assert {mpp["id"] for mpp in body["mpps"]} == expected


async def test_one_mpp(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, mpp = await get_json(http, f"{backoffice.url}/mpps/mpp-kab-wajo")
    assert status == 200
    assert mpp["name"] == "MPP Kabupaten Wajo"
    assert (mpp["region_name"], mpp["province_code"], mpp["province_name"]) == (
        "Kabupaten Wajo", "73", "Sulawesi Selatan")
    assert mpp["timezone"] == "Asia/Makassar"
    assert mpp["hours"][0] == {"weekday": 0, "day": "Senin", "opens": "08:00", "closes": "15:00"}
    assert SUNDAY not in {day["weekday"] for day in mpp["hours"]}
    assert {"code": "ktp_el", "label": "KTP-el", "daily_capacity": 40} in mpp["services"]


async def test_unknown_mpp(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/mpp-kab-atlantis")
    assert (status, body["error"]["code"]) == (404, "unknown_mpp")


@pytest.mark.parametrize(("region_code", "match", "expected"), [
    ("33.28.05", "kabkota", ["mpp-kab-tegal"]),  # a kecamatan is cut to its kab/kota
    ("33.28", "kabkota", ["mpp-kab-tegal"]),
    ("33.01", "province", ["mpp-kab-tegal"]),  # Cilacap has none; Jawa Tengah has Tegal
    ("73.71", "province", ["mpp-kab-pangkajene-kepulauan", "mpp-kab-soppeng", "mpp-kab-wajo"]),
    ("31.71.01", "none", []),
])
async def test_nearest_mpp(backoffice: BackOffice, http: aiohttp.ClientSession, region_code: str, match: str,
                           expected: list[str]) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/nearest", region_code=region_code)
    assert status == 200
    assert (body["match"], [mpp["id"] for mpp in body["mpps"]]) == (match, expected)


@pytest.mark.parametrize(("params", "message"), [
    ({}, "Wajib diisi."),
    ({"region_code": "3328"}, "Kode wilayah harus berformat 33, 33.28 atau 33.28.05 (kode Kemendagri)."),
    ({"region_code": "33.99"}, "Kode wilayah tidak dikenal."),
])
async def test_nearest_needs_a_known_region(backoffice: BackOffice, http: aiohttp.ClientSession,
                                            params: dict[str, str], message: str) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/nearest", **params)
    assert status == 422
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["fields"] == {"region_code": message}


async def test_availability_of_an_open_day(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    day = days_from_today(20)
    status, body = await get_json(http, f"{backoffice.url}/mpps/{QUEUE_MPP}/availability", service="kia",
                                  date=day.isoformat())
    assert status == 200
    assert body == {"mpp_id": QUEUE_MPP, "service": "kia", "date": day.isoformat(), "open": True, "reason": None,
                    "capacity": QUEUE_CAPACITY, "booked": 0, "remaining": QUEUE_CAPACITY}


@pytest.mark.parametrize(("days", "reason"), [(-1, "date_in_past"), (31, "too_far_ahead")])
async def test_availability_says_why_not(backoffice: BackOffice, http: aiohttp.ClientSession, days: int,
                                         reason: str) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/{QUEUE_MPP}/availability", service="kia",
                                  date=days_from_today(days).isoformat())
    assert status == 200
    assert (body["open"], body["reason"], body["remaining"]) == (False, reason, 0)


async def test_availability_on_a_closed_day(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/mpp-kab-tegal/availability", service="ktp_el",
                                  date=next_weekday(SUNDAY).isoformat())
    assert (status, body["open"], body["reason"]) == (200, False, "closed_day")


@pytest.mark.parametrize(("mpp_id", "service", "code"), [
    ("mpp-kab-humbang-hasundutan", "akta_perkawinan", "unknown_service"),  # not offered there
    ("mpp-kab-tegal", "paspor", "unknown_service"),
    ("mpp-kab-atlantis", "ktp_el", "unknown_mpp"),
])
async def test_availability_of_unknown_things(backoffice: BackOffice, http: aiohttp.ClientSession, mpp_id: str,
                                              service: str, code: str) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/{mpp_id}/availability", service=service,
                                  date=days_from_today(3).isoformat())
    assert (status, body["error"]["code"]) == (404, code)


async def test_availability_validates_the_query(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mpps/{QUEUE_MPP}/availability", date="14-07-2025")
    assert status == 422
    assert body["error"]["fields"] == {"service": "Wajib diisi.", "date": "Tanggal harus berformat YYYY-MM-DD."}
