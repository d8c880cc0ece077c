"""What the actions read from a citizen's words: services, licence numbers; and the opaque citizen id."""

from __future__ import annotations

import pytest

from actions.backoffice_action import citizen_ref_of
from actions.licence_status import normalise_licence_number
from actions.places import hours_summary, region_codes, unique_by_id
from actions.queue_booking import find_service


@pytest.mark.parametrize(("text", "expected"), [
    ("ktp", "ktp_el"), ("mau rekam e-ktp", "ktp_el"), ("kartu keluarga", "kk"), ("KK", "kk"),
    ("akte lahir anak saya", "akta_kelahiran"), ("surat pindah", "pindah"), ("kartu identitas anak", "kia"),
    ("aktivasi ikd", "ikd"), ("izin praktik bidan", "sip"), ("paspor", None),
])
def test_services_are_found_by_the_words_citizens_use(text: str, expected: str | None) -> None:
    assert find_service(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("str saya 3320250100012345", "3320250100012345"),
    ("3320 2501 0001 2345", "3320250100012345"),
    ("nomor sip 503/0123/sip-p/dpmptsp/2025 ya", "503/0123/SIP-P/DPMPTSP/2025"),
    ("12 34", None),
])
def test_licence_numbers_are_read_as_written(text: str, expected: str | None) -> None:
    assert normalise_licence_number(text) == expected


def test_a_bare_region_name_means_both_the_kabupaten_and_the_kota() -> None:
    assert set(region_codes("Tegal")) == {"33.28", "33.76"}
    assert region_codes("Kabupaten Wajo") == ("73.13",)
    assert region_codes("Atlantis") == ()


def test_opening_hours_are_grouped_by_equal_days() -> None:
    hours = [{"day": day, "opens": "08:00", "closes": "15:00"} for day in ("Senin", "Selasa", "Rabu")]
    hours.append({"day": "Jumat", "opens": "08:00", "closes": "11:30"})
    assert hours_summary(hours) == "Senin-Rabu 08:00-15:00; Jumat 08:00-11:30"
    assert hours_summary([]) == "belum ada data jam layanan"


def test_the_citizen_id_sent_to_the_back_office_hides_the_sender() -> None:
    ref = citizen_ref_of("6281234567890")
    assert "6281234567890" not in ref and len(ref) == 32
    assert ref == citizen_ref_of("6281234567890") != citizen_ref_of("6281234567891")


def test_an_mpp_found_through_two_codes_is_listed_once() -> None:
    tegal = {"id": "mpp-kab-tegal", "name": "MPP Kabupaten Tegal"}
    wajo = {"id": "mpp-kab-wajo", "name": "MPP Kabupaten Wajo"}
    assert unique_by_id([tegal, wajo, dict(tegal)]) == [tegal, wajo]
