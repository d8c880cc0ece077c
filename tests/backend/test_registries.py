"""The NIK structure of the demo residents, and the licence registry (the NIK registry: test_residents.py)."""

from __future__ import annotations

import asyncio
from datetime import date

import aiohttp
import pytest

from backend.seed import make_nik
from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import post_json

DEMO_NIK = "3328051205900001"  # r01 in backend/demo_data.yml
DEMO_NIK_WOMAN = "3328054308950002"  # r02: born on the 3rd, so day 43


def test_nik_structure() -> None:
    assert make_nik("33.28.05", date(1990, 5, 12), "L", 1) == DEMO_NIK
    assert make_nik("33.28.05", date(1995, 8, 3), "P", 2) == DEMO_NIK_WOMAN


async def test_personal_data_never_reaches_the_log(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    await post_json(http, f"{backoffice.url}/residents/check", {"nik": DEMO_NIK, "citizen_ref": "log-test"})
    async with http.get(f"{backoffice.url}/bookings/UJI-AAAAAA", params={"citizen_ref": "wa:6281234567890"}):
        pass
    for _ in range(50):  # the access log line is written after the answer
        log = backoffice.log_path.read_text(encoding="utf-8")
        if "GET /bookings/UJI-AAAAAA 404" in log:
            break
        await asyncio.sleep(0.05)
    assert "GET /bookings/UJI-AAAAAA 404" in log
    assert DEMO_NIK not in log and "6281234567890" not in log


@pytest.mark.parametrize(("number", "expected"), [
    ("3320250100012345", {"kind": "str", "status": "aktif", "valid_until": None, "issuer": "KKI",
                          "profession": "Perawat", "holder_name_masked": "S***** R*****"}),
    ("1120 2303 0004 5678", {"kind": "str", "status": "tidak_aktif", "valid_until": None}),
    ("503/0123/sip-p/dpmptsp/2025", {"kind": "sip", "status": "aktif", "valid_until": "2030-03-14",
                                     "issuer": "DPMPTSP Kabupaten Tegal"}),
    ("503/0789/SIP-D/DPMPTSP/2019", {"kind": "sip", "status": "tidak_aktif", "status_label": "Tidak aktif"}),
    ("503/0321/SIP-A/DPMPTSP/2023", {"kind": "sip", "status": "dicabut", "status_label": "Dicabut"}),
])
async def test_licence_lookup(backoffice: BackOffice, http: aiohttp.ClientSession, number: str,
                              expected: dict[str, object]) -> None:
    status, body = await post_json(http, f"{backoffice.url}/licences/lookup", {"number": number})
    assert status == 200
    assert {key: body[key] for key in expected} == expected
    assert body["demo"] is True


async def test_unknown_licence(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await post_json(http, f"{backoffice.url}/licences/lookup", {"number": "503/9999/SIP/X/2020"})
    assert (status, body["error"]["code"]) == (404, "not_found")
    status, body = await post_json(http, f"{backoffice.url}/licences/lookup", {"number": ""})
    assert (status, body["error"]["fields"]) == (422, {"number": "Minimal 1 karakter."})
