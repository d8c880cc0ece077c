"""Dates as citizens write them, resolved against a fixed today (Sunday 29 November 2026)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from actions.calendar_dates import find_visit_date, indonesian_date, parse_birth_date, resolve_expression
from calendar_words import MONTH_WORDS, RELATIVE_DAYS, RELATIVE_NO_DAY, WEEKDAY_WORDS

SUNDAY = date(2026, 11, 29)
THURSDAY = date(2026, 12, 3)


@pytest.mark.parametrize(("expression", "today", "expected"), [
    ("hari ini", SUNDAY, SUNDAY),
    ("besok", SUNDAY, date(2026, 11, 30)),
    ("bsk", SUNDAY, date(2026, 11, 30)),
    ("lusa", SUNDAY, date(2026, 12, 1)),
    ("senin", SUNDAY, date(2026, 11, 30)),
    ("senin depan", SUNDAY, date(2026, 11, 30)),
    ("hari rabu", SUNDAY, date(2026, 12, 2)),
    ("kamis", THURSDAY, date(2026, 12, 10)),  # a bare weekday is the next one, not today
    ("kamis ini", THURSDAY, THURSDAY),
    ("minggu", SUNDAY, date(2026, 12, 6)),
    ("12 agustus", SUNDAY, date(2027, 8, 12)),  # already past this year: next year
    ("12 desember", SUNDAY, date(2026, 12, 12)),
    ("3 des", SUNDAY, date(2026, 12, 3)),
    ("tgl 5", SUNDAY, date(2026, 12, 5)),  # the 5th of this month is past: next month
    ("tanggal 30", SUNDAY, date(2026, 11, 30)),
    ("12/12", SUNDAY, date(2026, 12, 12)),
    ("1 januari 2020", SUNDAY, date(2020, 1, 1)),
    ("12/12/2030", SUNDAY, date(2030, 12, 12)),
])
def test_visit_expressions_resolve_to_the_day_citizens_mean(expression: str, today: date, expected: date) -> None:
    assert resolve_expression(expression, today) == expected


@pytest.mark.parametrize("expression", ["minggu depan", "bulan depan", "31 februari", "tgl 31 bulan 13"])
def test_expressions_that_name_no_single_day_resolve_to_nothing(expression: str) -> None:
    assert resolve_expression(expression, SUNDAY) is None


@pytest.mark.parametrize("word", sorted(MONTH_WORDS))
def test_every_month_word_is_found_and_understood(word: str) -> None:
    month = MONTH_WORDS[word]
    next_twelfth = date(2026 if month == 12 else 2027, month, 12)  # today is 29 November 2026
    assert find_visit_date(f"antre 12 {word} ya", SUNDAY) == (f"12 {word}", next_twelfth)


@pytest.mark.parametrize("word", sorted(WEEKDAY_WORDS))
def test_every_weekday_word_is_found_and_understood(word: str) -> None:
    ahead = (WEEKDAY_WORDS[word] - SUNDAY.weekday()) % 7 or 7
    assert find_visit_date(f"bisa hari {word}?", SUNDAY) == (f"hari {word}", SUNDAY + timedelta(days=ahead))


@pytest.mark.parametrize("word", sorted([*RELATIVE_DAYS, *RELATIVE_NO_DAY]))
def test_every_relative_day_is_found_and_names_a_day_or_none(word: str) -> None:
    day = SUNDAY + timedelta(days=RELATIVE_DAYS[word]) if word in RELATIVE_DAYS else None
    assert find_visit_date(f"kalau {word} bisa?", SUNDAY) == (word, day)


def test_a_date_is_found_inside_a_sentence_and_iso_dates_from_buttons_too() -> None:
    assert find_visit_date("booking ktp di tegal besok ya", SUNDAY) == ("besok", date(2026, 11, 30))
    assert find_visit_date("2026-12-03", SUNDAY) == ("2026-12-03", THURSDAY)
    assert find_visit_date("di tegal aja", SUNDAY) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("17-08-1990", date(1990, 8, 17)),
    ("17/8/90", date(1990, 8, 17)),
    ("17 agustus 1990", date(1990, 8, 17)),
    ("tgl lahir 1990-08-17", date(1990, 8, 17)),
    ("05/03/06", date(2006, 3, 5)),
    ("lahir 5 mei 2030", None),  # in the future
    ("17 agustus", None),  # a birth date needs its year
    ("30-02-1990", None),
    ("tanggal 99 bulan 99", None),
])
def test_birth_dates_need_a_year_and_a_real_past_day(text: str, expected: date | None) -> None:
    assert parse_birth_date(text, SUNDAY) == expected


def test_dates_are_said_in_indonesian() -> None:
    assert indonesian_date(SUNDAY) == "Minggu, 29 November 2026"
    assert indonesian_date(date(2025, 8, 1)) == "Jumat, 1 Agustus 2025"
