"""Service hours of a call-centre office (bot/handoff/service_hours.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from ruamel.yaml import YAML

from regions.local_time import WEEKDAYS, timezone_label

HOURS_FILE = Path(__file__).resolve().parent / "service_hours.yml"
DAY_KEYS = tuple(day.lower() for day in WEEKDAYS)


@dataclass(frozen=True)
class ServiceHours:
    """Opening intervals per weekday (Monday = 0) in the office's time zone."""

    office: str
    zone: str
    days: tuple[tuple[time, time] | None, ...]

    @classmethod
    def load(cls, office: str = "default", path: Path = HOURS_FILE) -> ServiceHours:
        offices = YAML(typ="safe").load(path.read_text(encoding="utf-8"))["offices"]
        if office not in offices:
            raise ValueError(f"office {office!r} is not in {path.name} (known: {', '.join(offices)})")
        config = offices[office]
        days = tuple(_interval(config["hours"].get(day)) for day in DAY_KEYS)
        return cls(office=str(config["name"]), zone=str(config["timezone"]), days=days)

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.zone))
        interval = self.days[local.weekday()]
        return interval is not None and interval[0] <= local.time() < interval[1]

    def next_opening(self, moment: datetime) -> datetime | None:
        """When agents are next at work, after ``moment`` (None when the office never opens)."""
        local = moment.astimezone(ZoneInfo(self.zone))
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            interval = self.days[day.weekday()]
            if interval is None:
                continue
            opens = datetime.combine(day, interval[0], tzinfo=ZoneInfo(self.zone))
            if opens > local:
                return opens
        return None

    def describe_opening(self, moment: datetime) -> str:
        """'Senin pukul 08.00 WIB' (or 'besok pukul ...' when it is tomorrow)."""
        opening = self.next_opening(moment)
        if opening is None:
            return "hari kerja berikutnya"
        local = moment.astimezone(ZoneInfo(self.zone))
        day = "hari ini" if opening.date() == local.date() else (
            "besok" if opening.date() == local.date() + timedelta(days=1) else WEEKDAYS[opening.weekday()])
        return f"{day} pukul {opening:%H.%M} {timezone_label(self.zone)}".strip()


def _interval(text: str | None) -> tuple[time, time] | None:
    if not text:
        return None
    start, end = (part.strip() for part in str(text).split("-"))
    return _clock(start), _clock(end)


def _clock(text: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    return time.max if (hours, minutes) == (24, 0) else time(hours, minutes)


def utc(moment: datetime) -> datetime:
    """A naive UTC timestamp (as stored) made aware."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
