"""Masking personal data (UU PDP) in texts and in log output."""

import io
import logging
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privacy import (
    PersonalDataFilter,
    install_personal_data_filter,
    mask_email,
    mask_nik,
    mask_personal_data,
    mask_phone,
)

MODEST = settings(max_examples=200, deadline=None)


def test_mask_nik() -> None:
    assert mask_nik("3201010101900002") == "3201********0002"
    assert mask_nik("3201 0101 0190 0002") == "3201********0002"
    assert mask_nik("12345") == "*****"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("081234567890", "0812****7890"),
        ("0812-3456-7890", "0812****7890"),
        ("+6281234567890", "+62812****7890"),
        ("+62 812 3456 7890", "+62812****7890"),
        ("6281234567890", "62812****7890"),
        ("0812345678", "0812***678"),
        ("0812345678901", "0812*****8901"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_email() -> None:
    assert mask_email("budi.santoso@gmail.com") == "b***@gmail.com"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("NIK saya 3201010101900002 ya", "NIK saya 3201********0002 ya"),
        ("nik: 3201 0101 0190 0002.", "nik: 3201********0002."),
        ("32.01.01.010190.0002", "3201********0002"),
        ("3201-0101-0190-0002", "3201********0002"),
        ("hp 081234567890, wa +62 812-3456-7890", "hp 0812****7890, wa +62812****7890"),
        ("(62812 3456 7890)", "(62812****7890)"),
        ("email: Budi.Santoso+mpp@mail.go.id.", "email: B***@mail.go.id."),
        ("NIK 3201010101900002 HP 081234567890", "NIK 3201********0002 HP 0812****7890"),
    ],
)
def test_mask_personal_data(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Nomor permohonan PMH-261120-0001 sudah diterima.",
        "Nomor permohonan PMH-081120-0001 sudah diterima.",
        "Jadwal 2024-08-12 pukul 08.30, atau 08-12-2024, 12/08/2024.",
        "Biaya Rp 800.000, antrean A-081, 17 Agustus 1945.",
        "Bank account 12345678901234567890 (20 digits) and 123456789012345 (15) are not NIKs.",
        "kode pos 40115, tahun 2024",
    ],
)
def test_leaves_other_numbers_alone(text: str) -> None:
    assert mask_personal_data(text) == text


def test_masking_is_idempotent() -> None:
    once = mask_personal_data("3201010101900002 / 081234567890 / budi@mail.id")
    assert mask_personal_data(once) == once


# --- property: generated data embedded in random text never survives ------------------------------------------

SEPARATORS = st.sampled_from(["", " ", ".", "-"])


@st.composite
def niks(draw: st.DrawFn) -> str:
    digits = draw(st.sampled_from("123456789")) + draw(st.text("0123456789", min_size=15, max_size=15))
    separator = draw(SEPARATORS)
    groups = draw(st.sampled_from([(4, 4, 4, 4), (2, 2, 2, 6, 4), (6, 6, 4), (16,)]))
    parts, start = [], 0
    for size in groups:
        parts.append(digits[start : start + size])
        start += size
    return separator.join(parts)


@st.composite
def phones(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["0", "62", "+62"]))
    subscriber = "8" + draw(st.text("0123456789", min_size=8, max_size=11))
    separator = draw(SEPARATORS)
    head, tail = subscriber[:3], subscriber[3:]
    middle = separator.join([tail[: len(tail) // 2], tail[len(tail) // 2 :]])
    lead = separator if prefix != "0" else ""
    return f"{prefix}{lead}{head}{separator}{middle}"


def _digits(text: str) -> str:
    return "".join(char for char in text if char in "0123456789")


@MODEST
@given(st.one_of(niks(), phones()), st.text(), st.text())
def test_embedded_personal_data_never_appears_in_clear(secret: str, before: str, after: str) -> None:
    output = mask_personal_data(f"{before} {secret} {after}")
    assert secret not in output
    assert _digits(secret) not in output


# --- logging --------------------------------------------------------------------------------------------------


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """A logger "mpp_test" with its own handler writing to a buffer (propagation off, so pytest's handlers stay out)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("mpp_test")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield stream
    logger.removeHandler(handler)
    logger.propagate = True


def test_log_lines_are_masked(captured: io.StringIO) -> None:
    assert len(install_personal_data_filter(logger_names=["mpp_test"])) == 1
    assert install_personal_data_filter(logger_names=["mpp_test"]) == []  # no duplicates

    child = logging.getLogger("mpp_test.actions")
    child.info("cek NIK %s untuk %s", "3201010101900002", {"phone": "081234567890"})
    child.warning("NIK 3201 0101 %s", "0190 0002")  # split between format string and argument
    try:
        raise ValueError("NIK tidak valid: 3201010101900002")
    except ValueError:
        child.exception("gagal untuk budi@mail.id")
    child.info("broken %d format", "3201010101900002")

    output = captured.getvalue()
    assert "INFO mpp_test.actions cek NIK 3201********0002 untuk {'phone': '0812****7890'}" in output
    assert "WARNING mpp_test.actions NIK 3201********0002" in output
    assert "ValueError: NIK tidak valid: 3201********0002" in output
    assert "b***@mail.id" in output
    assert "3201010101900002" not in output and "081234567890" not in output and "budi@" not in output


def test_filter_keeps_every_record() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hp %s", ("081234567890",), None)
    assert PersonalDataFilter().filter(record) is True
    assert record.getMessage() == "hp 0812****7890"
    assert not record.args
