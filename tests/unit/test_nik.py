"""NIK validation: examples for each rule and hypothesis properties over real region codes.

Also the second factor that confirms a NIK's registration: what the NIK form takes as a KK number
or a mother's maiden name (actions/nik_check.py), and how the back office compares it
(backend/second_factor.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.nik_check import SecondFactor, factor_in, mothers_name_in
from backend.second_factor import Factor, factor_matches, hash_factor
from regions import NikCheck, RegionKind, check_nik, load_region_codes

TODAY = date(2026, 3, 15)
CODES = load_region_codes()
KECAMATAN = CODES.codes(RegionKind.KECAMATAN)
KABKOTA = CODES.codes(RegionKind.KABKOTA)
PROBLEM_CODES = {
    "not_digits",
    "wrong_length",
    "unknown_province",
    "unknown_kabkota",
    "unknown_kecamatan",
    "invalid_birth_date",
    "birth_date_in_future",
    "zero_serial",
}
MODEST = settings(max_examples=200, deadline=None)


def make_nik(region: str, birth: date, sex: str, serial: int) -> str:
    """The NIK for a kecamatan code, birth date, sex and serial (women: day + 40)."""
    day = birth.day + (40 if sex == "perempuan" else 0)
    return f"{region.replace('.', '')}{day:02d}{birth:%m%y}{serial:04d}"


def problems(text: str, today: date = TODAY) -> list[str]:
    return list(check_nik(text, today=today).problem_codes)


# --- examples -------------------------------------------------------------------------------------------------


def test_valid_man() -> None:
    check = check_nik("3328051501050002", today=TODAY)
    assert check.valid and check.problems == ()
    assert (check.province, check.kabkota, check.kecamatan) == ("Jawa Tengah", "Kabupaten Tegal", "Pagerbarang")
    assert check.kecamatan_code == "33.28.05"
    assert check.birth_date == date(2005, 1, 15)
    assert check.sex == "laki-laki"
    assert check.serial == "0002"


def test_valid_woman_day_plus_40() -> None:
    check = check_nik("3328055501850002", today=TODAY)
    assert check.valid
    assert check.birth_date == date(1985, 1, 15)
    assert check.sex == "perempuan"


@pytest.mark.parametrize(
    ("year_digits", "today", "year"),
    [("05", TODAY, 2005), ("30", TODAY, 1930), ("26", date(2026, 1, 14), 1926), ("26", date(2026, 1, 15), 2026)],
)
def test_century_is_the_latest_not_in_the_future(year_digits: str, today: date, year: int) -> None:
    check = check_nik(f"3328051501{year_digits}0002", today=today)
    assert check.birth_date == date(year, 1, 15)


def test_formatting_is_ignored() -> None:
    for text in ("3328 0515 0105 0002", "33.28.05.150105.0002", " 3328-0515-0105-0002\n", "332805 150105 0002"):
        check = check_nik(text, today=TODAY)
        assert check.valid, text
        assert check.nik == "3328051501050002"


def test_leap_day() -> None:
    assert check_nik("3328052902040001", today=TODAY).birth_date == date(2004, 2, 29)
    assert check_nik("3328052902000001", today=TODAY).birth_date == date(2000, 2, 29)
    assert check_nik("3328056902960001", today=TODAY).birth_date == date(1996, 2, 29)
    check = check_nik("3328052902230001", today=TODAY)
    assert check.problem_codes == ("invalid_birth_date",)
    assert "29 Februari" in check.problems[0].message


@pytest.mark.parametrize(
    ("date_digits", "words"),
    [
        ("000105", "tanggal 00 tidak ada"),
        ("400105", "tanggal 40 tidak ada"),
        ("320105", "tanggal 32 tidak ada"),
        ("720105", "paling besar 71"),  # 72 would be the 32nd for a woman
        ("150005", "bulan 00 tidak ada"),
        ("151305", "bulan 13 tidak ada"),
        ("310405", "bulan April tidak punya tanggal 31"),
        ("700205", "bulan Februari tidak punya tanggal 30"),
    ],
)
def test_invalid_birth_date(date_digits: str, words: str) -> None:
    check = check_nik(f"332805{date_digits}0001", today=TODAY)
    assert check.problem_codes == ("invalid_birth_date",)
    assert check.birth_date is None and check.sex is None
    message = check.problems[0].message
    assert message.startswith(f"Angka ke-7 sampai ke-12 ({date_digits}) bukan tanggal lahir yang valid")
    assert words in message


def test_birth_date_in_future() -> None:
    check = check_nik("3328051501600001", today=date(1950, 1, 1))
    assert check.problem_codes == ("birth_date_in_future",)
    assert check.birth_date is None


@pytest.mark.parametrize(
    ("nik", "code", "message"),
    [
        ("9928051501050002", "unknown_province", "Angka ke-1 sampai ke-2 (99) bukan kode provinsi yang terdaftar."),
        (
            "3399051501050002",
            "unknown_kabkota",
            "Angka ke-3 sampai ke-4 (99) bukan kode kabupaten/kota yang terdaftar di Jawa Tengah.",
        ),
        (
            "3328991501050002",
            "unknown_kecamatan",
            "Angka ke-5 sampai ke-6 (99) bukan kode kecamatan yang terdaftar di Kabupaten Tegal.",
        ),
    ],
)
def test_unknown_region_reports_only_the_first_level(nik: str, code: str, message: str) -> None:
    check = check_nik(nik, today=TODAY)
    assert check.problems[0].code == code and check.problems[0].message == message
    assert check.problem_codes == (code,)
    assert check.birth_date == date(2005, 1, 15)  # the rest is still decoded


def test_zero_serial() -> None:
    check = check_nik("3328051501050000", today=TODAY)
    assert check.problem_codes == ("zero_serial",)
    assert check.problems[0].message == "Empat angka terakhir (nomor urut) tidak boleh 0000."


def test_all_determinable_problems_are_reported() -> None:
    assert problems("9900003299050000") == ["unknown_province", "invalid_birth_date", "zero_serial"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("332805150105000", "NIK harus 16 angka; yang Anda kirim 15 angka."),
        ("33280515010500021", "NIK harus 16 angka; yang Anda kirim 17 angka."),
        ("", "NIK harus 16 angka; pesan Anda tidak berisi angka."),
    ],
)
def test_wrong_length(text: str, message: str) -> None:
    check = check_nik(text, today=TODAY)
    assert check.problem_codes == ("wrong_length",)
    assert check.problems[0].message == message


@pytest.mark.parametrize(
    "text", ["33280515010500O2", "NIK 3328051501050002", "3328/0515/0105/0002", "３３２８０５１５０１０５０００２"]
)
def test_not_digits(text: str) -> None:
    check = check_nik(text, today=TODAY)
    assert check.problem_codes == ("not_digits",)
    assert check.nik == ""


def test_repr_does_not_leak_the_nik() -> None:
    assert "3328051501050002" not in repr(check_nik("3328051501050002", today=TODAY))


# --- properties -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NikParts:
    region: str
    birth: date
    sex: str
    serial: int
    today: date

    @property
    def nik(self) -> str:
        return make_nik(self.region, self.birth, self.sex, self.serial)


def _hundred_years_before(today: date) -> date:
    """The first birth date whose two-digit year still decodes to the right century on ``today``."""
    try:
        return today.replace(year=today.year - 100) + timedelta(days=1)
    except ValueError:  # 29 February
        return date(today.year - 100, 3, 1)


@st.composite
def nik_parts(draw: st.DrawFn) -> NikParts:
    today = draw(st.dates(date(2001, 1, 1), date(2099, 12, 31)))
    birth = draw(st.dates(_hundred_years_before(today), today))
    return NikParts(
        region=draw(st.sampled_from(KECAMATAN)),
        birth=birth,
        sex=draw(st.sampled_from(["perempuan", "laki-laki"])),
        serial=draw(st.integers(1, 9999)),
        today=today,
    )


@MODEST
@given(nik_parts())
def test_well_formed_niks_are_valid_and_decode_to_their_parts(parts: NikParts) -> None:
    check = check_nik(parts.nik, today=parts.today)
    assert check.valid, check.problems
    assert check.birth_date == parts.birth
    assert check.sex == parts.sex
    assert check.serial == f"{parts.serial:04d}"
    assert check.kecamatan_code == parts.region
    assert check.kecamatan == CODES.name(parts.region)
    assert check.kabkota == CODES.name(parts.region[:5])
    assert check.province == CODES.name(parts.region[:2])


def _replace(nik: str, start: int, digits: str) -> str:
    return nik[:start] + digits + nik[start + len(digits) :]


INVALID_DAYS = [0, *range(32, 41), *range(72, 100)]
INVALID_MONTHS = [0, *range(13, 100)]


@MODEST
@given(nik_parts(), st.sampled_from(INVALID_DAYS))
def test_an_impossible_day_is_the_only_problem(parts: NikParts, day: int) -> None:
    assert problems(_replace(parts.nik, 6, f"{day:02d}"), parts.today) == ["invalid_birth_date"]


@MODEST
@given(nik_parts(), st.sampled_from(INVALID_MONTHS))
def test_an_impossible_month_is_the_only_problem(parts: NikParts, month: int) -> None:
    assert problems(_replace(parts.nik, 8, f"{month:02d}"), parts.today) == ["invalid_birth_date"]


@MODEST
@given(nik_parts())
def test_a_zero_serial_is_the_only_problem(parts: NikParts) -> None:
    assert problems(_replace(parts.nik, 12, "0000"), parts.today) == ["zero_serial"]


@MODEST
@given(nik_parts(), st.sampled_from(KABKOTA), st.integers(0, 99))
def test_an_unknown_kecamatan_is_the_only_problem(parts: NikParts, kabkota: str, kecamatan: int) -> None:
    region = f"{kabkota}.{kecamatan:02d}"
    if CODES.exists(region):
        region = f"{kabkota}.00"  # never a kecamatan code
    nik = _replace(parts.nik, 0, region.replace(".", ""))
    assert problems(nik, parts.today) == ["unknown_kecamatan"]


def _assert_consistent(check: NikCheck) -> None:
    assert set(check.problem_codes) <= PROBLEM_CODES
    assert all(problem.message for problem in check.problems)
    assert check.nik == "" or check.nik.isdigit()
    if check.valid:
        assert len(check.nik) == 16
        assert None not in (check.birth_date, check.sex, check.kecamatan, check.serial)


@MODEST
@given(st.text())
def test_any_text_never_raises(text: str) -> None:
    _assert_consistent(check_nik(text, today=TODAY))


@MODEST
@given(st.text(alphabet="0123456789 .-", min_size=14, max_size=22))
def test_any_digit_string_never_raises(text: str) -> None:
    _assert_consistent(check_nik(text, today=TODAY))


# --- the second factor ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "factor"), [
    ("3328051502100007", "3328051502100007"),
    ("kk saya 3328 0515 0210 0007", "3328051502100007"),
    ("no kk: 3328-0515-0210-0007", "3328051502100007"),
    ("33280515021000", None),  # 14 digits: no KK number
    ("Sumarni", "Sumarni"),
    ("nama ibu kandung saya: Tuti  Handayani", "Tuti Handayani"),
    ("ibu saya sumarni", "sumarni"),
    ("Hj. Murni", "Hj. Murni"),
    ("Wa Ode Hasni", "Wa Ode Hasni"),
    ("lupa", None),
    ("tidak tahu", None),
    ("batal", None),
    ("kenapa harus nama ibu", None),
    ("satu dua tiga empat lima enam tujuh", None),  # too many words for a name
])
def test_what_the_nik_form_takes_as_a_second_factor(text: str, factor: str | None) -> None:
    assert factor_in(text) == factor


def test_a_sixteen_digit_factor_is_a_kk_number_anything_else_a_name() -> None:
    assert SecondFactor.from_slot("3328051502100007") == SecondFactor(kk_number="3328051502100007")
    assert SecondFactor.from_slot("Sumarni") == SecondFactor(mother_maiden_name="Sumarni")


@MODEST
@given(st.text())
def test_any_text_is_a_name_or_not_without_raising(text: str) -> None:
    name = mothers_name_in(text)
    assert name is None or (name and not any(char.isnumeric() for char in name))


def test_the_mothers_name_matches_ignoring_case_and_spaces_and_is_not_stored_in_clear() -> None:
    stored = hash_factor(Factor.MOTHER_MAIDEN_NAME, "Tuti Handayani")
    assert "tuti" not in stored.lower() and "handayani" not in stored.lower()
    assert factor_matches(Factor.MOTHER_MAIDEN_NAME, " tuti HANDAYANI", stored)
    assert factor_matches(Factor.MOTHER_MAIDEN_NAME, "TutiHandayani", stored)
    assert not factor_matches(Factor.MOTHER_MAIDEN_NAME, "Tuti", stored)
    assert hash_factor(Factor.MOTHER_MAIDEN_NAME, "Tuti Handayani") != stored, "a fresh salt every time"


def test_nothing_stored_matches_nothing() -> None:
    assert not factor_matches(Factor.KK_NUMBER, "3328051502100007", None)
    assert not factor_matches(Factor.MOTHER_MAIDEN_NAME, "", None)
    assert factor_matches(Factor.KK_NUMBER, "3328 0515 0210 0007", hash_factor(Factor.KK_NUMBER, "3328051502100007"))
