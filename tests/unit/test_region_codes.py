"""Kemendagri region codes: lookups by code and by the names the NLU produces."""

import pytest
from ruamel.yaml import YAML

from regions import RegionCodes, RegionKind, kind_of, load_region_codes, normalise_code
from test_support.paths import ROOT


@pytest.fixture(scope="module")
def codes() -> RegionCodes:
    return load_region_codes()


def test_loaded_once_and_complete(codes: RegionCodes) -> None:
    assert load_region_codes() is codes
    assert len(codes.codes(RegionKind.PROVINCE)) == 38
    assert len(codes.codes(RegionKind.KABKOTA)) > 500
    assert len(codes.codes(RegionKind.KECAMATAN)) > 7000


@pytest.mark.parametrize(
    ("code", "dotted"),
    [
        ("33", "33"),
        ("3328", "33.28"),
        ("332805", "33.28.05"),
        (" 33.28.05 ", "33.28.05"),
        ("3", None),
        ("33.2805", None),
    ],
)
def test_normalise_code(code: str, dotted: str | None) -> None:
    assert normalise_code(code) == dotted


def test_lookup_by_code(codes: RegionCodes) -> None:
    assert codes.name("33") == "Jawa Tengah"
    assert codes.name("33.28") == codes.name("3328") == "Kabupaten Tegal"
    assert codes.name("31.71") == "Kota Administrasi Jakarta Pusat"  # Kemendagri, not BPS
    assert codes.exists("332805") and "33.28.05" in codes
    assert not codes.exists("33.99") and not codes.exists("abc") and 3328 not in codes
    assert codes.kind("33.28.05") is RegionKind.KECAMATAN and codes.kind("33.99") is None
    assert kind_of("33.99") is RegionKind.KABKOTA


def test_ancestors(codes: RegionCodes) -> None:
    assert codes.province_of("33.28.05") == codes.province_of("33") == "33"
    assert codes.kabkota_of("332805") == codes.kabkota_of("33.28") == "33.28"
    assert codes.kabkota_of("33") is None
    assert codes.province_of("99.01") is None
    assert codes.kabkota_of("33.99.01") is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kabupaten Tegal", "33.28"),
        ("kab. tegal", "33.28"),
        ("Kota Tegal", "33.76"),
        ("Kota Tangerang", "36.71"),
        ("Jawa Barat", "32"),
        ("JAWA  BARAT", "32"),
        ("Kota Administrasi Jakarta Selatan", "31.74"),
        ("Kota Jakarta Selatan", "31.74"),
        ("bandung barat", "32.17"),
        ("Bengkulu", "17"),  # the official province name wins over Kota Bengkulu
        ("Tegal", None),  # ambiguous: the assistant asks
        ("Atlantis", None),
    ],
)
def test_code_for_name(codes: RegionCodes, name: str, code: str | None) -> None:
    assert codes.code_for_name(name) == code


def test_codes_for_ambiguous_names(codes: RegionCodes) -> None:
    assert codes.codes_for_name("Tegal") == ("33.28", "33.76")
    assert set(codes.codes_for_name("Bengkulu")) == {"17", "17.71"}
    assert codes.codes_for_name("Kabupaten Tegal") == ("33.28",)


def test_every_nlu_region_value_resolves(codes: RegionCodes) -> None:
    """Each value the NLU can give for a region (data/nlu/regions.yml synonyms) maps to at least one code."""
    data = YAML(typ="safe").load((ROOT / "data" / "nlu" / "regions.yml").read_text(encoding="utf-8"))
    values = [item["synonym"] for item in data["nlu"] if "synonym" in item]
    assert values
    unresolved = [value for value in values if not codes.codes_for_name(value)]
    assert unresolved == []
    ambiguous = [value for value in values if codes.code_for_name(value) is None]
    assert all(len(codes.codes_for_name(value)) > 1 for value in ambiguous)


def test_rejects_malformed_rows() -> None:
    with pytest.raises(ValueError, match="not a region code"):
        RegionCodes([("3X", "Nowhere")])
