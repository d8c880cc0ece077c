"""Application lookup: the second factor, no oracle, and the lock after 5 failures."""

from __future__ import annotations

import re

import aiohttp
import pytest

from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import post_json

# Demo applications (docs/demo-data.md): number -> (birth date, status, kind, type).
DEMO = {
    "PMH-250612-0001": ("2006-03-05", "siap_diambil", "adminduk", "ktp_new"),
    "PMH-250703-0002": ("1990-05-12", "diproses", "adminduk", "kk_update"),
    "PMH-250715-0003": ("1995-08-03", "selesai", "adminduk", "birth_certificate"),
    "PMH-250801-0004": ("1992-04-01", "diterima", "adminduk", "ktp_replace"),
    "PMH-250818-0005": ("2002-02-14", "ditolak", "adminduk", "moving"),
    "PMH-250902-0006": ("1999-11-30", "diverifikasi", "nakes", "str"),
    "PMH-250910-0007": ("1988-01-21", "selesai", "nakes", "sip"),
    "PMH-251006-0008": ("1983-12-25", "ditolak", "nakes", "sip_renewal"),
}
LOCKED_IN_TEST = ("PMH-251020-0009", "1985-01-31")  # only the lockout test uses this one


def lookup_url(office: BackOffice) -> str:
    return f"{office.url}/applications/lookup"


@pytest.mark.parametrize("number", sorted(DEMO))
async def test_lookup_with_number_and_birth_date(backoffice: BackOffice, http: aiohttp.ClientSession,
                                                 number: str) -> None:
    birth_date, status, kind, kind_of = DEMO[number]
    code, body = await post_json(http, lookup_url(backoffice), {"number": number, "birth_date": birth_date})
    assert code == 200
    assert (body["number"], body["status"], body["kind"], body["type"], body["demo"]) == (
        number, status, kind, kind_of, True)
    assert re.fullmatch(r"\d{4}\*{8}\d{4}", body["nik_masked"])
    assert body["type_label"] and body["status_label"] and body["office"]
    assert body["history"][-1]["status"] == status
    assert [step["at"] for step in body["history"]] == sorted(step["at"] for step in body["history"])
    assert (body["reason"] is not None) == (status == "ditolak")
    assert "birth_date" not in body


async def test_number_is_case_insensitive(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    code, _ = await post_json(http, lookup_url(backoffice), {"number": " pmh-250703-0002 ", "birth_date": "1990-05-12"})
    assert code == 200


async def test_no_oracle(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    wrong_birth_date = await post_json(http, lookup_url(backoffice),
                                       {"number": "PMH-250715-0003", "birth_date": "1995-08-04"})
    unknown_number = await post_json(http, lookup_url(backoffice),
                                     {"number": "PMH-250715-0999", "birth_date": "1995-08-03"})
    assert wrong_birth_date == unknown_number
    assert wrong_birth_date[0] == 404
    assert wrong_birth_date[1]["error"]["code"] == "not_found"


async def test_locked_after_five_failures(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    number, birth_date = LOCKED_IN_TEST
    for day in range(1, 6):
        code, _ = await post_json(http, lookup_url(backoffice), {"number": number, "birth_date": f"2000-01-0{day}"})
        assert code == 404
    async with http.post(lookup_url(backoffice), json={"number": number, "birth_date": birth_date}) as response:
        assert response.status == 429, "even the right birth date waits once the number is locked"
        assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
        assert (await response.json())["error"]["code"] == "too_many_attempts"


@pytest.mark.parametrize(("body", "fields"), [
    ({"number": "PMH-250703-0002", "birth_date": "12-05-1990"}, {"birth_date": "Tanggal harus berformat YYYY-MM-DD."}),
    ({"birth_date": "1990-05-12"}, {"number": "Wajib diisi."}),
    ({"number": "PMH-250703-0002", "birth_date": 19900512}, {"birth_date": "Tanggal harus berformat YYYY-MM-DD."}),
])
async def test_lookup_validation(backoffice: BackOffice, http: aiohttp.ClientSession, body: dict[str, object],
                                 fields: dict[str, str]) -> None:
    code, answer = await post_json(http, lookup_url(backoffice), body)
    assert (code, answer["error"]["code"], answer["error"]["fields"]) == (422, "invalid_request", fields)


async def test_lookup_malformed_json(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    async with http.post(lookup_url(backoffice), data=b"\xff\xfe") as response:
        assert response.status == 400
        assert (await response.json())["error"]["code"] == "invalid_request"
