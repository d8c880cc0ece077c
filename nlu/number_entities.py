"""Telling NIKs, STR numbers and application numbers apart in a message.

A NIK and an STR number are both long digit strings; the words just before
the number decide ("nik saya ...", "no str ..."), then the topic of the
message. Digit strings of a wrong length are still returned when the context
names them, so that the citizen can be told what is wrong with the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APPLICATION_NUMBER = re.compile(r"(?i)(?<![\w])pmh[\s\-]?(\d{6})[\s\-]?(\d{4})(?!\d)")
DIGIT_RUN = re.compile(r"(?<![\w\-])\d(?:[ .\-]?\d){7,19}(?![\w])")
NIK_WORDS = re.compile(r"(?i)\b(nik|ktp|kependudukan|induk)\b")
STR_WORDS = re.compile(r"(?i)\b(str|registrasi)\b")
LICENCE_TOPIC = re.compile(r"(?i)\b(str|sip|izin praktik|izin praktek|nakes|konsil|kki)\b")
NIK_LENGTH = 16


@dataclass(frozen=True)
class NumberEntity:
    """An identifier found in a message."""

    entity: str
    value: str
    start: int
    end: int


def _kind_of_number(text: str, start: int, digits: str) -> str | None:
    before = text[max(0, start - 40) : start]
    nik_hits = [m.end() for m in NIK_WORDS.finditer(before)]
    str_hits = [m.end() for m in STR_WORDS.finditer(before)]
    if nik_hits or str_hits:
        return "nik" if max(nik_hits, default=-1) > max(str_hits, default=-1) else "str_number"
    if len(digits) == NIK_LENGTH:
        return "str_number" if LICENCE_TOPIC.search(text) else "nik"
    return None


def find_numbers(text: str) -> list[NumberEntity]:
    """Return application numbers, NIKs and STR numbers in ``text``."""
    found = [
        NumberEntity("application_number", f"PMH-{m.group(1)}-{m.group(2)}", m.start(), m.end())
        for m in APPLICATION_NUMBER.finditer(text)
    ]
    taken = [(entity.start, entity.end) for entity in found]
    for match in DIGIT_RUN.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in taken):
            continue
        digits = re.sub(r"\D", "", match.group(0))
        kind = _kind_of_number(text, match.start(), digits)
        if kind:
            found.append(NumberEntity(kind, digits, match.start(), match.end()))
    return sorted(found, key=lambda entity: entity.start)
