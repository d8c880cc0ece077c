"""Loading the operator's MPP directory CSV with ``python -m backend load-directory``."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import EARLY_MPP, TEST_ROWS, booking_body, days_from_today, get_json, post_booking
from test_support.backoffice_helpers import write_directory as directory_csv


async def test_a_bad_row_changes_nothing(backoffice: BackOffice, http: aiohttp.ClientSession,
                                         tmp_path: Path) -> None:
    _, before = await get_json(http, f"{backoffice.url}/mpps")
    bad = directory_csv(tmp_path / "bad.csv", rows=(
        TEST_ROWS[0].replace("UJI", "UJ1"),
        "mpp-uji-rusak,MPP Uji Rusak,33.99,Asia/Jakarta,URK,,,8-15,,,,,,,demo,ktp_el:0;paspor:3,kartu_tani,yes",
    ))
    result = backoffice.cli("load-directory", str(bad), check=False)
    assert result.returncode == 1
    lines = len(bad.read_text().splitlines())
    assert f'baris {lines - 1}: code_prefix "UJ1" harus 3 huruf kapital' in result.stderr
    for problem in ('kode wilayah "33.99"', 'jam buka hours_mon "8-15"', 'kuota layanan "ktp_el"', 'demo "yes"',
                    'loket "kartu_tani" tidak ada di katalog layanan'):
        assert f"baris {lines}: " in result.stderr and problem in result.stderr
    assert "tidak diubah" in result.stderr
    assert await get_json(http, f"{backoffice.url}/mpps") == (200, before)


async def test_other_agencies_counters_are_listed_or_unknown(backoffice: BackOffice,
                                                             http: aiohttp.ClientSession) -> None:
    _, listed = await get_json(http, f"{backoffice.url}/mpps/mpp-uji-antrean")
    _, unknown = await get_json(http, f"{backoffice.url}/mpps/{EARLY_MPP}")
    assert listed["counters"] == ["paspor", "skck"]
    assert unknown["counters"] is None  # an empty cell: not known, which is not "none"


async def test_a_missing_column_is_reported(backoffice: BackOffice, tmp_path: Path) -> None:
    csv = tmp_path / "columns.csv"
    csv.write_text("id,name\nmpp-x,MPP X\n", encoding="utf-8")
    result = backoffice.cli("load-directory", str(csv), check=False)
    assert result.returncode == 1
    assert "baris 1: kolom region_code" in result.stderr


async def test_reload_changes_capacity_and_unlists_missing_mpps(backoffice: BackOffice, http: aiohttp.ClientSession,
                                                                tmp_path: Path) -> None:
    day = days_from_today(3)
    _, booking, _ = await post_booking(http, backoffice.url, booking_body(day, "csv-test", mpp_id=EARLY_MPP))
    bigger = (TEST_ROWS[0].replace("ktp_el:5", "ktp_el:7"),)
    try:
        backoffice.cli("load-directory", str(directory_csv(tmp_path / "new.csv", rows=bigger)))
        status, _ = await get_json(http, f"{backoffice.url}/mpps/{EARLY_MPP}")
        assert status == 404, "an MPP missing from the file leaves the directory"
        status, kept = await get_json(http, f"{backoffice.url}/bookings/{booking['code']}", citizen_ref="csv-test")
        assert (status, kept["mpp_name"]) == (200, "MPP Uji Pagi"), "its bookings stay readable"
        _, queue_mpp = await get_json(http, f"{backoffice.url}/mpps/mpp-uji-antrean")
        assert {"code": "ktp_el", "label": "KTP-el", "daily_capacity": 7} in queue_mpp["services"]
    finally:
        backoffice.cli("load-directory", str(directory_csv(tmp_path / "standard.csv")))
    status, _ = await get_json(http, f"{backoffice.url}/mpps/{EARLY_MPP}")
    assert status == 200
