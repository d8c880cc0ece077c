"""Local time in Indonesia as citizens read it: WIB/WITA/WIT, today's date where an MPP is, and
weekday names (``calendar_words.WEEKDAYS``, here for the gateway's service hours)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from calendar_words import WEEKDAYS

__all__ = ["DEFAULT_TIMEZONE", "TIMEZONE_LABELS", "WEEKDAYS", "local_today", "timezone_label"]

# where no region says otherwise (most MPPs, and the KKI's and DPMPTSP's calendar days): WIB
DEFAULT_TIMEZONE = "Asia/Jakarta"
TIMEZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}


def timezone_label(timezone: str) -> str:
    """WIB, WITA or WIT."""
    return TIMEZONE_LABELS.get(timezone, "")


def local_today(timezone: str, now: datetime | None = None) -> date:
    """The date in ``timezone`` (an IANA name: "Asia/Makassar") at ``now`` (aware), by default now."""
    zone = ZoneInfo(timezone)
    return (datetime.now(zone) if now is None else now.astimezone(zone)).date()
