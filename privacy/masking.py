"""Masking NIKs, phone numbers and e-mail addresses (UU 27/2022 on Pelindungan Data Pribadi).

Masked values keep just enough for a person to recognise their own data
("3201********0002", "0812****7890", "b***@gmail.com") and never the whole
number. :func:`mask_personal_data` finds them inside free text: chat messages,
log lines, transcripts exported for training.

Matching is deliberately generous for NIKs (any 16 digits, with single spaces,
dots or dashes between them, count as a NIK) and careful for phone numbers, so
that application numbers such as PMH-081120-0001 and dates stay readable.
"""

from __future__ import annotations

import re

MASK = "*"
NIK_LENGTH = 16

# 16 digits, single separators allowed anywhere between them, not part of a longer digit run.
NIK_PATTERN = re.compile(r"(?<![0-9])[0-9](?:[ .\-]?[0-9]){15}(?![0-9])")

# Indonesian mobile numbers: 0 / 62 / +62, then 8 and 8-11 more digits (10-13 digits in the 08.. form).
# Not preceded by a word character or "+", nor by "X-" / "X." (the middle of "PMH-081120-0001" or "2024-08-12").
PHONE_PATTERN = re.compile(r"(?<![\w+])(?<!\w[.\-])(?:\+62|62|0)[ .\-]?8(?:[ .\-]?[0-9]){8,11}(?![0-9])")

# Pragmatic, not RFC 5322: local part, "@", a domain with at least one dot.
EMAIL_PATTERN = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")

_PHONE_PREFIX = re.compile(r"(?:\+62|62|0)8[0-9]{2}")


def _digits(text: str) -> str:
    return "".join(char for char in text if char in "0123456789")


def mask_nik(nik: str) -> str:
    """ "3201 0101 0190 0002" -> "3201********0002": the region of issue and the serial stay, the rest goes.

    Separators are dropped. Anything shorter than 12 digits is masked completely,
    so a mistyped number never shows more than 8 of its digits.
    """
    digits = _digits(nik)
    if len(digits) < 12:
        return MASK * len(digits)
    return digits[:4] + MASK * (len(digits) - 8) + digits[-4:]


def mask_phone(phone: str) -> str:
    """ "0812-3456-7890" -> "0812****7890", "+62 812 3456 7890" -> "+62812****7890".

    The country/operator prefix (0812, 62812, +62812) and the last 4 digits stay
    (the last 3 for short numbers, so that at least 3 digits are always hidden).
    """
    plus = "+" if phone.lstrip().startswith("+") else ""
    digits = plus + _digits(phone)
    prefix_match = _PHONE_PREFIX.match(digits)
    prefix = prefix_match.group(0) if prefix_match else digits[: len(plus) + 2]
    rest = digits[len(prefix) :]
    keep = 4 if len(rest) >= 8 else 3 if len(rest) >= 6 else 0
    return prefix + MASK * (len(rest) - keep) + rest[len(rest) - keep :]


def mask_email(email: str) -> str:
    """ "budi.santoso@gmail.com" -> "b***@gmail.com"."""
    local, _, domain = email.rpartition("@")
    return f"{local[:1]}{MASK * 3}@{domain}"


def mask_personal_data(text: str) -> str:
    """Mask every NIK-like number, Indonesian mobile number and e-mail address in ``text``.

    NIKs go first: a 16-digit run is never a phone number (those have at most 14).
    Masking is idempotent: masked values are not found again.
    """
    text = NIK_PATTERN.sub(lambda match: mask_nik(match.group(0)), text)
    text = PHONE_PATTERN.sub(lambda match: mask_phone(match.group(0)), text)
    return EMAIL_PATTERN.sub(lambda match: mask_email(match.group(0)), text)
