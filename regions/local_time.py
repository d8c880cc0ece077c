"""Local time in Indonesia as citizens read it: WIB/WITA/WIT and weekday names."""

from __future__ import annotations

TIMEZONE_LABELS = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def timezone_label(timezone: str) -> str:
    """WIB, WITA or WIT."""
    return TIMEZONE_LABELS.get(timezone, "")
