"""The second factor that confirms a NIK registration: the KK number or the mother's maiden name.

The NIK encodes the birth date, so the birth date is no second factor here.
Factors are compared after normalisation (the KK number: its 16 digits; the
name: case and spaces ignored) and stored only as salted scrypt hashes, so the
registry never keeps a mother's maiden name in clear. A check always costs one
scrypt, also for an unknown NIK or a missing factor (against a dummy hash), so
the time of an answer does not tell whether the NIK is registered.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from enum import Enum

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1  # ~30 ms of CPU per hash on purpose
_SCHEME = "scrypt"
_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"\s+")
KK_NUMBER_LENGTH = 16


class Factor(str, Enum):
    """Which second factor a citizen gave."""

    KK_NUMBER = "kk_number"
    MOTHER_MAIDEN_NAME = "mother_maiden_name"


def normalise(factor: Factor, value: str) -> str:
    """The form a factor is hashed in: the KK number's digits; the name in lower case without spaces."""
    if factor is Factor.KK_NUMBER:
        return _NOT_DIGIT.sub("", value)
    return _SPACE.sub("", unicodedata.normalize("NFKC", value)).casefold()


def hash_factor(factor: Factor, value: str) -> str:
    """``scrypt$n$r$p$salt$digest`` of the normalised value, with a fresh salt."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(factor, value, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return f"{_SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def factor_matches(factor: Factor, value: str, stored: str | None) -> bool:
    """Whether ``value`` is the factor hashed in ``stored``; costs one scrypt even when nothing is stored."""
    scheme, n, r, p, salt, digest = (stored or _DUMMY_HASH).split("$")
    candidate = _scrypt(factor, value, bytes.fromhex(salt), int(n), int(r), int(p))
    return stored is not None and scheme == _SCHEME and hmac.compare_digest(candidate.hex(), digest)


def _scrypt(factor: Factor, value: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(normalise(factor, value).encode(), salt=salt, n=n, r=r, p=p)


_DUMMY_HASH = hash_factor(Factor.MOTHER_MAIDEN_NAME, secrets.token_hex(8))
