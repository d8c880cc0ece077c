"""Service hours of a call-centre office: open or not, and when agents are back, in local time."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.handoff.hours import ServiceHours

HOURS = """
offices:
  tegal:
    name: Call center Tegal
    timezone: Asia/Jakarta
    hours: {senin: "08:00-16:00", selasa: "08:00-16:00", rabu: "08:00-16:00", kamis: "08:00-16:00",
            jumat: "08:00-11:30", sabtu: null, minggu: null}
  jayapura:
    name: Call center Jayapura
    timezone: Asia/Jayapura
    hours: {senin: "08:00-16:00", selasa: "08:00-16:00", rabu: "08:00-16:00", kamis: "08:00-16:00",
            jumat: "08:00-16:00", sabtu: null, minggu: null}
"""


@pytest.fixture
def hours_file(tmp_path: Path) -> Path:
    path = tmp_path / "service_hours.yml"
    path.write_text(HOURS, encoding="utf-8")
    return path


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def test_open_and_closed_in_the_offices_own_time_zone(hours_file: Path) -> None:
    tegal = ServiceHours.load("tegal", hours_file)
    assert tegal.is_open(utc("2026-11-30T01:00:00"))  # Monday 08:00 WIB
    assert not tegal.is_open(utc("2026-11-30T00:59:00"))  # Monday 07:59 WIB
    assert not tegal.is_open(utc("2026-12-04T04:30:00"))  # Friday 11:30 WIB: closed for Friday prayers
    jayapura = ServiceHours.load("jayapura", hours_file)
    assert jayapura.is_open(utc("2026-11-29T23:30:00"))  # Monday 08:30 WIT is still Sunday in UTC


def test_when_agents_are_back_is_said_the_way_citizens_read_it(hours_file: Path) -> None:
    tegal = ServiceHours.load("tegal", hours_file)
    assert tegal.describe_opening(utc("2026-12-04T10:00:00")) == "Senin pukul 08.00 WIB"  # Friday 17:00
    assert tegal.describe_opening(utc("2026-11-30T10:00:00")) == "besok pukul 08.00 WIB"  # Monday 17:00
    assert tegal.describe_opening(utc("2026-11-30T00:00:00")) == "hari ini pukul 08.00 WIB"  # Monday 07:00
    jayapura = ServiceHours.load("jayapura", hours_file)
    assert jayapura.describe_opening(utc("2026-11-28T03:00:00")) == "Senin pukul 08.00 WIT"  # Saturday


def test_an_unknown_office_is_refused_with_the_known_ones(hours_file: Path) -> None:
    with pytest.raises(ValueError, match="tegal, jayapura"):
        ServiceHours.load("bandung", hours_file)


def test_the_shipped_file_loads() -> None:
    assert ServiceHours.load().zone == "Asia/Jakarta"
    assert ServiceHours.load("always-open").is_open(utc("2026-11-29T18:00:00"))
