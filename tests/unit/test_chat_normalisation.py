"""The normaliser turns chat Indonesian into plainer Indonesian, keeping offsets right."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlu.chat_normalisation import ChatNormalisation, load_lexicon

LEXICON = load_lexicon(Path(__file__).resolve().parents[2] / "resources" / "slang" / "lexicon.tsv")


@pytest.fixture(scope="module")
def normaliser() -> ChatNormalisation:
    return ChatNormalisation(LEXICON)


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("Halooo min", "halo min"),
        ("gmn bikin e-ktp??", "bagaimana buat ktp"),
        ("KTP el saya rusak", "ktp saya rusak"),
        ("ektp ilang", "ktp hilang"),
        ("kk anak2 saya", "kartu keluarga anak anak saya"),
        ("akte lahir", "akta lahir"),
        ("nik 3217 0157 0890 0003", "nik 3217015708900003"),
        ("sip kak makasih", "oke kak terima kasih"),
        ("perpanjang sip bidan", "perpanjang sip bidan"),
        ("syarat sip dokter gigi", "syarat sip dokter gigi"),
        ("cek PMH-261129-0042", "cek pmh-261129-0042"),
    ],
)
def test_chat_forms_become_plain_indonesian(normaliser: ChatNormalisation, typed: str, normalised: str) -> None:
    assert normaliser.normalise(typed).text == normalised


def test_kk_is_kartu_keluarga_not_kakak() -> None:
    # both general lexicons say kk = kakak; in this domain it is the family card
    assert LEXICON["kk"] == "kartu keluarga"


def test_domain_terms_are_never_rewritten(normaliser: ChatNormalisation) -> None:
    for term in ["str", "nik", "kia", "ikd", "mpp", "adm", "skp"]:
        assert normaliser.normalise(term).text == term


def test_entity_span_maps_back_to_the_original_text(normaliser: ChatNormalisation) -> None:
    original = "gmn  ngurus kk di Kab. Bandung Barat??"
    aligned = normaliser.normalise(original)
    start = aligned.text.index("bandung barat")
    begin, end = aligned.to_original(start, start + len("bandung barat"))
    assert original[begin:end] == "Bandung Barat"


def test_training_annotation_moves_onto_the_normalised_text(normaliser: ChatNormalisation) -> None:
    original = "nik sy 3217 0157 0890 0003 valid ga"
    aligned = normaliser.normalise(original)
    span = aligned.to_rewritten(original.index("3217"), original.index("0003") + 4)
    assert span is not None
    assert aligned.text[span[0] : span[1]] == "3217015708900003"


@given(st.text(alphabet=st.sampled_from(list("abkgmnpstu 0123-.?!eé")), max_size=60))
def test_every_normalised_span_lies_inside_the_original(text: str) -> None:
    aligned = ChatNormalisation(LEXICON).normalise(text)
    assert len(aligned.starts) == len(aligned.text) == len(aligned.ends)
    for start, end in zip(aligned.starts, aligned.ends):
        assert 0 <= start <= end <= len(text)
