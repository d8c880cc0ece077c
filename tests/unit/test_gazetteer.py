"""Region names and short forms resolve to official Kemendagri names."""

import pytest
from ruamel.yaml import YAML

from nlu.gazetteer import Gazetteer
from test_support.paths import ROOT


@pytest.fixture(scope="module")
def regions() -> Gazetteer:
    """The gazetteer built from the generated region lookup, as the Rasa component builds it."""
    data = YAML(typ="safe").load((ROOT / "data" / "nlu" / "regions.yml").read_text(encoding="utf-8"))
    synonyms: dict[str, str] = {}
    forms: list[str] = []
    for item in data["nlu"]:
        examples = [line[2:].strip() for line in item["examples"].splitlines() if line.strip()]
        if "lookup" in item:
            forms = examples
        else:
            synonyms.update({example.lower(): item["synonym"] for example in examples})
    return Gazetteer({"region": {form: synonyms.get(form.lower(), form) for form in forms}})


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("mpp di bandung barat dimana", "Kabupaten Bandung Barat"),
        ("MPP KAB. BANDUNG BARAT", "Kabupaten Bandung Barat"),
        ("ada mpp di kbb?", "Kabupaten Bandung Barat"),
        ("mpp kota tangerang", "Kota Tangerang"),
        ("antrean di pangkep", "Kabupaten Pangkajene dan Kepulauan"),
        ("saya di jaksel", "Kota Administrasi Jakarta Selatan"),
        ("mpp aceh besar", "Kabupaten Aceh Besar"),
        ("kantor di jawa barat", "Jawa Barat"),
    ],
)
def test_regions_resolve_to_official_names(regions: Gazetteer, text: str, value: str) -> None:
    assert [match.value for match in regions.find(text)] == [value]


def test_a_name_that_is_both_kabupaten_and_kota_stays_ambiguous(regions: Gazetteer) -> None:
    assert [match.value for match in regions.find("mpp tegal dimana")] == ["Tegal"]


def test_the_longest_name_wins(regions: Gazetteer) -> None:
    [match] = regions.find("mpp kabupaten bandung barat")
    assert (match.value, match.start) == ("Kabupaten Bandung Barat", 4)
