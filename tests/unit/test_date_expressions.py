"""Dates as citizens type them."""

import pytest

from nlu.date_expressions import find_dates


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mau antri besok pagi", "besok"),
        ("booking hari senin depan", "hari senin depan"),
        ("tgl 12 agustus bisa?", "tgl 12 agustus"),
        ("tanggal 5 ya", "tanggal 5"),
        ("12 Agustus 2026", "12 agustus 2026"),
        ("kalau 12/08 gimana", "12/08"),
        ("jumat bisa", "jumat"),
        ("lusa aja", "lusa"),
    ],
)
def test_date_expressions_are_found(text: str, value: str) -> None:
    assert [found.value for found in find_dates(text)] == [value]


def test_a_duration_is_not_a_date() -> None:
    assert find_dates("anak saya lahir 2 minggu lalu") == []


def test_offsets_point_into_the_text() -> None:
    text = "Ambil antrean Senin Depan ya"
    [found] = find_dates(text)
    assert text[found.start : found.end] == "Senin Depan"
