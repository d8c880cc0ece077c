"""Mobile-service schedules per kecamatan and ADM kiosks per kab/kota."""

from __future__ import annotations

import re

import aiohttp
import pytest

from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import days_from_today, get_json


async def test_mobile_services_of_a_kabkota(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mobile-services", region_code="33.28")
    assert status == 200
    schedules = body["schedules"]
    assert {visit["kecamatan_name"] for visit in schedules} == {"Bumijawa", "Margasari"}
    assert all(visit["region_code"] == "33.28" and visit["region_name"] == "Kabupaten Tegal" for visit in schedules)
    assert all(visit["date"] >= days_from_today(0).isoformat() and visit["demo"] for visit in schedules)
    assert [visit["date"] for visit in schedules] == sorted(visit["date"] for visit in schedules)
    assert all(not re.search(r"\bJl\.|\bJalan\b|\d", visit["location"]) for visit in schedules), "no street addresses"
    assert len(schedules) >= 6


async def test_mobile_services_of_a_kecamatan_from_a_day(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    start = days_from_today(14)
    status, body = await get_json(http, f"{backoffice.url}/mobile-services", region_code="33.28.02",
                                  **{"from": start.isoformat()})
    assert status == 200
    assert body["schedules"]
    for visit in body["schedules"]:
        assert (visit["kecamatan_code"], visit["location"]) == ("33.28.02", "Kantor Kecamatan Bumijawa")
        assert visit["date"] >= start.isoformat()
        assert visit["services"] == ["ktp_el", "kk", "akta_kelahiran"]


@pytest.mark.parametrize(("params", "field"), [({"from": "besok"}, "from"), ({"region_code": "99.99"}, "region_code")])
async def test_mobile_services_validation(backoffice: BackOffice, http: aiohttp.ClientSession,
                                          params: dict[str, str], field: str) -> None:
    status, body = await get_json(http, f"{backoffice.url}/mobile-services", **params)
    assert (status, list(body["error"]["fields"])) == (422, [field])


async def test_kiosks_of_a_kabkota(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/kiosks", region_code="33.28.05")
    assert status == 200
    assert [(kiosk["name"], kiosk["location"]) for kiosk in body["kiosks"]] == [
        ("ADM Disdukcapil Kabupaten Tegal", "Kantor Disdukcapil Kabupaten Tegal"),
        ("ADM Gedung MPP Kabupaten Tegal", "Gedung MPP Kabupaten Tegal"),
    ]
    kiosk = body["kiosks"][0]
    assert kiosk["demo"] is True and "ktp_el" in kiosk["documents"]
    assert kiosk["hours"][0] == {"weekday": 0, "day": "Senin", "opens": "08:00", "closes": "15:00"}


async def test_kiosks_everywhere_there_is_an_mpp(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    _, kiosks = await get_json(http, f"{backoffice.url}/kiosks")
    _, mpps = await get_json(http, f"{backoffice.url}/mpps")
    assert {kiosk["region_code"] for kiosk in kiosks["kiosks"]} >= {
        mpp["region_code"] for mpp in mpps["mpps"] if not mpp["id"].startswith("mpp-uji")}
