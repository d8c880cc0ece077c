"""Opening hours and the calendar rules of queue booking, in the MPP's own timezone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from backend.catalogue import Catalogue
from backend.schemas import HoursOut

MAX_DAYS_AHEAD = 30
_WINDOW = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

# {"0": ["08:00", "15:00"], ...} as stored in the JSON columns; Monday = "0".
StoredHours = Mapping[str, list[str]]


def utc_now() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(timezone.utc)


def naive_utc(moment: datetime) -> datetime:
    """A timestamp as stored in the database (naive UTC)."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def parse_window(text: str) -> tuple[str, str]:
    """``"08:00-15:00"`` -> ``("08:00", "15:00")``; raises ValueError when malformed or empty."""
    if not _WINDOW.match(text) or text[:5] >= text[6:]:
        raise ValueError(text)
    return text[:5], text[6:]


def hours_out(hours: StoredHours, catalogue: Catalogue) -> list[HoursOut]:
    """Stored hours as the API's list, Monday first."""
    return [HoursOut(weekday=int(day), day=catalogue.weekdays[int(day)], opens=window[0], closes=window[1])
            for day, window in sorted(hours.items(), key=lambda item: int(item[0]))]


def window_on(hours: StoredHours, day: date) -> tuple[str, str] | None:
    """The opening window on ``day``, or None when closed that weekday."""
    window = hours.get(str(day.weekday()))
    return (window[0], window[1]) if window else None


@dataclass(frozen=True)
class Refusal:
    """Why a day cannot be booked: the API error code and its message."""

    code: str
    message: str


DATE_IN_PAST = Refusal("date_in_past", "Tanggal yang dipilih sudah lewat. Silakan pilih hari ini atau hari berikutnya.")
TOO_FAR_AHEAD = Refusal("too_far_ahead",
                        f"Antrean hanya dapat diambil paling jauh {MAX_DAYS_AHEAD} hari ke depan.")
CLOSED_DAY = Refusal("closed_day", "MPP tutup pada hari yang dipilih. Silakan pilih hari lain.")
CLOSED_FOR_TODAY = Refusal("closed_day", "Layanan MPP untuk hari ini sudah tutup. Silakan pilih hari berikutnya.")


def refusal(hours: StoredHours, tz: str, day: date, now: datetime) -> Refusal | None:
    """Why ``day`` cannot be booked at ``now`` (MPP local time), or None when it can."""
    local = now.astimezone(ZoneInfo(tz))
    today = local.date()
    if day < today:
        return DATE_IN_PAST
    if day - today > timedelta(days=MAX_DAYS_AHEAD):
        return TOO_FAR_AHEAD
    window = window_on(hours, day)
    if window is None:
        return CLOSED_DAY
    if day == today and local.strftime("%H:%M") >= window[1]:
        return CLOSED_FOR_TODAY
    return None
