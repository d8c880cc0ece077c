"""Today's date where an MPP is (regions.local_time.local_today, used by the actions and the back office)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from regions.local_time import local_today, timezone_label

# 23:30 WIB on Friday 4 December 2026: already Saturday in WITA (UTC+8) and WIT (UTC+9)
MOMENT = datetime(2026, 12, 4, 16, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("zone", "label", "expected"), [
    ("Asia/Jakarta", "WIB", date(2026, 12, 4)),
    ("Asia/Pontianak", "WIB", date(2026, 12, 4)),
    ("Asia/Makassar", "WITA", date(2026, 12, 5)),
    ("Asia/Jayapura", "WIT", date(2026, 12, 5)),
])
def test_today_is_the_date_in_the_mpps_time_zone(zone: str, label: str, expected: date) -> None:
    assert timezone_label(zone) == label
    assert local_today(zone, MOMENT) == expected


def test_the_day_changes_at_local_midnight() -> None:
    midnight_wit = datetime(2026, 12, 5, tzinfo=ZoneInfo("Asia/Jayapura"))
    assert local_today("Asia/Jayapura", midnight_wit - timedelta(microseconds=1)) == date(2026, 12, 4)
    assert local_today("Asia/Jayapura", midnight_wit) == date(2026, 12, 5)
    assert local_today("Asia/Jakarta", midnight_wit) == date(2026, 12, 4)  # 22:00 WIB


def test_without_a_moment_it_is_today_in_that_zone() -> None:
    before = datetime.now(ZoneInfo("Asia/Makassar")).date()
    today = local_today("Asia/Makassar")
    assert today in {before, before + timedelta(days=1)}  # the clock may pass midnight in between
