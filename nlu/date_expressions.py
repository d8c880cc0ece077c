"""Finding dates as citizens type them: "besok", "senin depan", "12 agustus", "tgl 5".

Only the span is found here; the value is the expression in lowercase,
and the action that books a visit turns it into a calendar date. The words
(months, weekdays, "besok", "lusa") are those of ``calendar_words``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from calendar_words import DAY_OF_MONTH, MONTH_WORDS, RELATIVE_DAYS, RELATIVE_NO_DAY, WEEKDAY_WORDS


def _any_of(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_MONTH = _any_of(MONTH_WORDS)
_WEEKDAY = _any_of(WEEKDAY_WORDS)
_RELATIVE = _any_of([*RELATIVE_DAYS, *RELATIVE_NO_DAY])
DATE = re.compile(
    rf"(?i)(?<![\w])(?:"
    rf"{DAY_OF_MONTH}\s*\d{{1,2}}(?:\s+(?:{_MONTH}))?(?:\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+(?:{_MONTH})(?:\s+\d{{4}})?"
    rf"|\d{{1,2}}[/\-]\d{{1,2}}(?:[/\-]\d{{2,4}})?"
    rf"|(?:hari\s+)?(?:{_WEEKDAY})(?:\s+(?:depan|besok|ini|minggu depan))?"
    rf"|{_RELATIVE}"
    rf")(?![\w])"
)


@dataclass(frozen=True)
class DateExpression:
    """A date expression and its span."""

    value: str
    start: int
    end: int


DURATION_BEFORE = re.compile(r"\d\s*$")


def find_dates(text: str) -> list[DateExpression]:
    """Return the date expressions in ``text`` ("2 minggu lalu" is a duration, not a date)."""
    return [
        DateExpression(" ".join(m.group(0).lower().split()), m.start(), m.end())
        for m in DATE.finditer(text)
        if not (m.group(0).lower().startswith("minggu") and DURATION_BEFORE.search(text[: m.start()]))
    ]
