"""Turning what citizens write into calendar dates, and dates into Indonesian words.

A visit date is relative to today ("besok", "senin depan", "12 Agustus",
"tgl 5"); a birth date is absolute and needs its year ("17-08-1990",
"17 Agustus 1990", "1990-08-17").
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from calendar_words import DAY_OF_MONTH, MONTHS, RELATIVE_DAYS, WEEKDAY_WORDS, WEEKDAYS, month_number
from nlu.date_expressions import find_dates

_DAY_MONTH_NAME = re.compile(rf"{DAY_OF_MONTH}?\s*(\d{{1,2}})\s+([a-z]+)(?:\s+(\d{{4}}))?")
_NUMERIC = re.compile(r"(\d{1,4})[/\-.](\d{1,2})(?:[/\-.](\d{2,4}))?")
_DAY_ONLY = re.compile(rf"{DAY_OF_MONTH}\s*(\d{{1,2}})$")


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_weekday(today: date, weekday: int, strictly_after: bool) -> date:
    ahead = (weekday - today.weekday()) % 7
    if ahead == 0 and strictly_after:
        ahead = 7
    return today + timedelta(days=ahead)


def _upcoming(today: date, day: int, month: int | None) -> date | None:
    """The next date with this day (and month), today included."""
    if month is None:
        for offset in range(3):
            month_index = today.month - 1 + offset
            candidate = _safe_date(today.year + month_index // 12, month_index % 12 + 1, day)
            if candidate and candidate >= today:
                return candidate
        return None
    candidate = _safe_date(today.year, month, day)
    if candidate and candidate < today:
        candidate = _safe_date(today.year + 1, month, day)
    return candidate


def resolve_expression(expression: str, today: date) -> date | None:
    """The date a visit expression means, or None when it names no single day.

    "senin" and "senin depan" mean the next Monday after today; "kamis ini" on
    a Thursday is today. "minggu depan" or "bulan depan" name no day: None.
    """
    text = " ".join(expression.lower().split())
    if text.startswith("hari ") and text != "hari ini":
        text = text.removeprefix("hari ")
    if text in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[text])
    words = text.split()
    if words and words[0] in WEEKDAY_WORDS and not (words[0] == "minggu" and words[1:2] == ["depan"]):
        return _next_weekday(today, WEEKDAY_WORDS[words[0]], strictly_after=words[1:] != ["ini"])
    if match := _DAY_MONTH_NAME.fullmatch(text):
        month = month_number(match.group(2))
        if month is None:
            return None
        if match.group(3):
            return _safe_date(int(match.group(3)), month, int(match.group(1)))
        return _upcoming(today, int(match.group(1)), month)
    if match := _NUMERIC.fullmatch(text):
        day, month, year = int(match.group(1)), int(match.group(2)), match.group(3)
        if year:
            return _safe_date(int(year) + (2000 if len(year) == 2 else 0), month, day)
        return _upcoming(today, day, month)
    if match := _DAY_ONLY.fullmatch(text):
        return _upcoming(today, int(match.group(1)), None)
    return None


def find_visit_date(text: str, today: date) -> tuple[str, date | None] | None:
    """The first date expression in ``text`` and the date it means (None if it names no day).

    ISO dates ("2026-12-03", as buttons send them) are understood too.
    """
    if match := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", text):
        return match.group(0), _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    found = find_dates(text)
    if not found:
        return None
    return found[0].value, resolve_expression(found[0].value, today)


def parse_birth_date(text: str, today: date) -> date | None:
    """A birth date written with its year, or None ("17-08-1990", "17 agustus 1990", "1990-08-17", "17/8/90")."""
    lowered = " ".join(text.lower().split())
    if match := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", lowered):
        found = _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    elif match := re.search(r"\b(\d{1,2})[/\-. ](\d{1,2})[/\-. ](\d{2}|\d{4})\b", lowered):
        found = _safe_date(_full_year(match.group(3), today), int(match.group(2)), int(match.group(1)))
    elif match := re.search(r"\b(\d{1,2})\s+([a-z]+)\s+(\d{4})\b", lowered):
        month = month_number(match.group(2))
        found = _safe_date(int(match.group(3)), month, int(match.group(1))) if month else None
    else:
        return None
    return found if found and found <= today and found.year >= today.year - 130 else None


def _full_year(digits: str, today: date) -> int:
    if len(digits) == 4:
        return int(digits)
    year = 2000 + int(digits)
    return year if year <= today.year else year - 100


def indonesian_date(day: date) -> str:
    """'Senin, 30 November 2026'."""
    return f"{WEEKDAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"
