"""``python -m backend seed`` can run again: the demo rows are replaced, nothing is duplicated or lost."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import (
    booking_body,
    days_from_today,
    get_json,
    post_booking,
    post_json,
    write_directory,
)


async def test_seed_twice_changes_nothing(backoffice: BackOffice, http: aiohttp.ClientSession,
                                          tmp_path: Path) -> None:
    _, booking, _ = await post_booking(http, backoffice.url, booking_body(days_from_today(12), "seed-test"))
    _, kiosks = await get_json(http, f"{backoffice.url}/kiosks")
    _, schedules = await get_json(http, f"{backoffice.url}/mobile-services")
    try:
        for _ in range(2):
            backoffice.cli("seed")
    finally:
        backoffice.cli("load-directory", str(write_directory(tmp_path / "directory.csv")))
    assert await get_json(http, f"{backoffice.url}/kiosks") == (200, kiosks)
    assert await get_json(http, f"{backoffice.url}/mobile-services") == (200, schedules)
    status, _ = await post_json(http, f"{backoffice.url}/applications/lookup",
                                {"number": "PMH-250703-0002", "birth_date": "1990-05-12"})
    assert status == 200
    status, kept = await get_json(http, f"{backoffice.url}/bookings/{booking['code']}", citizen_ref="seed-test")
    assert (status, kept) == (200, booking), "a seed without --reset keeps bookings"
