"""NIK (Nomor Induk Kependudukan) validation as a pure function.

A NIK has 16 digits: province (1-2), kabupaten/kota (3-4), kecamatan (5-6) of
the place where it was first issued, date of birth DDMMYY (7-12; women add 40
to the day) and a serial number (13-16, from 0001). The region digits are
Kemendagri codes (see :mod:`regions.codes`).

The problems are written for the citizen: short, polite Indonesian that says
which digits are wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from calendar_words import MONTHS
from regions.codes import RegionCodes, load_region_codes

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40

Sex = Literal["perempuan", "laki-laki"]

# What citizens put between digit groups: "3201 0101 0190 0002", "32.01.01...", "3201-...".
_SEPARATORS = re.compile(r"[\s.\-\u2013\u2014]+")


@dataclass(frozen=True)
class NikProblem:
    """One thing wrong with a NIK: a stable ``code`` for programs and a ``message`` for people."""

    code: str
    message: str


@dataclass(frozen=True)
class NikCheck:
    """The result of :func:`check_nik`: what could be decoded and what is wrong.

    ``nik`` holds the digits without separators (empty if the text had other
    characters); it is kept out of ``repr`` so that logging a check does not
    leak the number.
    """

    nik: str = field(repr=False)
    problems: tuple[NikProblem, ...] = ()
    province: str | None = None
    kabkota: str | None = None
    kecamatan: str | None = None
    kecamatan_code: str | None = None
    birth_date: date | None = field(default=None, repr=False)
    sex: Sex | None = None
    serial: str | None = field(default=None, repr=False)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def problem_codes(self) -> tuple[str, ...]:
        return tuple(problem.code for problem in self.problems)


def _digits_label(first: int, last: int, digits: str) -> str:
    """ "Angka ke-7 sampai ke-12 (329905)" for 1-based positions ``first``..``last``."""
    return f"Angka ke-{first} sampai ke-{last} ({digits[first - 1 : last]})"


def _region_problem(nik: str, codes: RegionCodes) -> tuple[NikProblem | None, dict[str, str | None]]:
    """Check the three region levels; stop at the first unknown one (the deeper ones cannot be judged)."""
    province, kabkota, kecamatan = nik[0:2], f"{nik[0:2]}.{nik[2:4]}", f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}"
    found: dict[str, str | None] = {"province": codes.name(province), "kabkota": None, "kecamatan": None}
    if found["province"] is None:
        return NikProblem("unknown_province", f"{_digits_label(1, 2, nik)} bukan kode provinsi yang terdaftar."), found
    found["kabkota"] = codes.name(kabkota)
    if found["kabkota"] is None:
        message = f"{_digits_label(3, 4, nik)} bukan kode kabupaten/kota yang terdaftar di {found['province']}."
        return NikProblem("unknown_kabkota", message), found
    found["kecamatan"] = codes.name(kecamatan)
    if found["kecamatan"] is None:
        message = f"{_digits_label(5, 6, nik)} bukan kode kecamatan yang terdaftar di {found['kabkota']}."
        return NikProblem("unknown_kecamatan", message), found
    return None, found


def _date_reason(raw_day: int, month: int, year_digits: str) -> str:
    """Why DD-MM-YY (DD as written, women +40) is not a date in either century, in plain words."""
    day = raw_day - FEMALE_DAY_OFFSET if raw_day > FEMALE_DAY_OFFSET else raw_day
    if not 1 <= month <= 12:
        return f"bulan {month:02d} tidak ada"
    if raw_day > FEMALE_DAY_OFFSET + 31 or 31 < raw_day <= FEMALE_DAY_OFFSET:
        return f"tanggal {raw_day:02d} tidak ada (untuk perempuan tanggal ditambah 40, jadi paling besar 71)"
    if day == 0:
        return f"tanggal {raw_day:02d} tidak ada"
    if month == 2 and day == 29:
        return f"tahun {year_digits} bukan tahun kabisat, jadi tidak ada tanggal 29 Februari"
    return f"bulan {MONTHS[month - 1]} tidak punya tanggal {day}"


def _birth_date(nik: str, today: date) -> tuple[date | None, Sex | None, NikProblem | None]:
    """Decode digits 7-12; the century is the latest one that does not put the birth after ``today``."""
    raw_day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex: Sex = "perempuan" if raw_day > FEMALE_DAY_OFFSET else "laki-laki"
    day = raw_day - FEMALE_DAY_OFFSET if sex == "perempuan" else raw_day
    label = _digits_label(7, 12, nik)
    candidates: list[date] = []
    for century in (2000, 1900):
        try:
            candidates.append(date(century + year, month, day))
        except ValueError:
            continue
    if not candidates:
        reason = _date_reason(raw_day, month, nik[10:12])
        return None, None, NikProblem("invalid_birth_date", f"{label} bukan tanggal lahir yang valid: {reason}.")
    past = [candidate for candidate in candidates if candidate <= today]
    if not past:
        message = f"{label} menunjukkan tanggal lahir setelah hari ini."
        return None, None, NikProblem("birth_date_in_future", message)
    return past[0], sex, None


def check_nik(text: str, today: date | None = None, codes: RegionCodes | None = None) -> NikCheck:
    """Check a NIK as a citizen typed it and say, in plain Indonesian, everything that is wrong.

    Spaces, dots and dashes between digit groups are ignored. ``today`` (default:
    the current date) decides the century of the two-digit birth year and what
    counts as the future; ``codes`` defaults to the repository's Kemendagri list.
    All problems that can be determined are reported: a wrong length or
    non-digits stop the check, a wrong region level hides the levels below it.
    """
    today = date.today() if today is None else today
    codes = load_region_codes() if codes is None else codes
    nik = _SEPARATORS.sub("", text)
    if nik and not (nik.isascii() and nik.isdigit()):
        if any(char.isalpha() for char in nik):
            message = "NIK hanya berisi angka; yang Anda kirim berisi huruf."
        else:
            message = "NIK hanya berisi angka, tanpa tanda lain selain spasi, titik atau tanda hubung."
        return NikCheck("", (NikProblem("not_digits", message),))
    if len(nik) != NIK_LENGTH:
        sent = f"yang Anda kirim {len(nik)} angka" if nik else "pesan Anda tidak berisi angka"
        return NikCheck(nik, (NikProblem("wrong_length", f"NIK harus {NIK_LENGTH} angka; {sent}."),))

    problems: list[NikProblem] = []
    region_problem, regions = _region_problem(nik, codes)
    if region_problem:
        problems.append(region_problem)
    birth_date, sex, date_problem = _birth_date(nik, today)
    if date_problem:
        problems.append(date_problem)
    serial = nik[12:16]
    if serial == "0000":
        problems.append(NikProblem("zero_serial", "Empat angka terakhir (nomor urut) tidak boleh 0000."))
    return NikCheck(
        nik=nik,
        problems=tuple(problems),
        province=regions["province"],
        kabkota=regions["kabkota"],
        kecamatan=regions["kecamatan"],
        kecamatan_code=f"{nik[0:2]}.{nik[2:4]}.{nik[4:6]}" if regions["kecamatan"] else None,
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )
