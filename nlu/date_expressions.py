"""Finding dates as citizens type them: "besok", "senin depan", "12 agustus", "tgl 5".

Only the span is found here; the value is the expression in lowercase,
and the action that books a visit turns it into a calendar date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MONTH = (
    r"jan(?:uari)?|feb(?:ruari)?|mar(?:et)?|apr(?:il)?|mei|jun(?:i)?|jul(?:i)?|"
    r"agu(?:stus)?|agt|ags|sep(?:t(?:ember)?)?|okt(?:ober)?|nov(?:ember)?|des(?:ember)?"
)
_WEEKDAY = r"senin|selasa|rabu|kamis|jum'?at|jumat|sabtu|minggu|ahad"
_RELATIVE = r"hari ini|besok|bsk|besuk|sesuk|tomorrow|lusa|minggu depan|pekan depan|bulan depan|nanti siang|nanti sore"
DATE = re.compile(
    rf"(?i)(?<![\w])(?:"
    rf"(?:tgl\.?|tanggal)\s*\d{{1,2}}(?:\s+(?:{_MONTH}))?(?:\s+\d{{4}})?"
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
