"""Regex features and digit shapes reach the intent model."""

from nlu.intent_model import (
    build_intent_model,
    compile_patterns,
    digit_shape,
    with_pattern_tokens,
    without_dropped_terms,
)

PATTERNS = compile_patterns([
    {"name": "nik", "pattern": r"\b\d{16}\b"},
    {"name": "application_number", "pattern": r"\b[Pp][Mm][Hh][- ]?\d{6}[- ]?\d{4}\b"},
])


def test_a_message_with_a_nik_gets_the_nik_pattern_token() -> None:
    assert with_pattern_tokens("cek nik 3217015708900003", PATTERNS) == "cek nik 3217015708900003 pattern_nik"


def test_a_message_with_an_application_number_gets_its_token() -> None:
    assert with_pattern_tokens("status pmh-261129-0042", PATTERNS).endswith("pattern_application_number")


def test_a_message_without_identifiers_is_unchanged() -> None:
    assert with_pattern_tokens("syarat kk baru", PATTERNS) == "syarat kk baru"


def test_numbers_count_by_their_shape_not_their_value() -> None:
    assert digit_shape("NIK 3217015708900003") == digit_shape("nik 1101010101010001")


def test_the_saved_model_keeps_no_rare_pieces_of_training_messages_and_predicts_the_same() -> None:
    texts = ["syarat bikin ktp baru", "cara urus ktp hilang", "jam buka mpp kapan", "mpp buka jam berapa",
             "nik saya 3171234567890001 kok ditolak"] * 2 + ["pesan langka xyzzy sekali saja"]
    labels = ["ktp", "ktp", "hours", "hours", "nik"] * 2 + ["other"]
    model = build_intent_model().fit(texts, labels)
    before = model.predict_proba(["ktp saya hilang", "mpp buka jam"])
    vectorisers = [vectoriser for _name, vectoriser in model.named_steps["features"].transformer_list]
    assert any("xyzz" in getattr(vectoriser, "stop_words_", ()) for vectoriser in vectorisers)
    without_dropped_terms(model)
    assert not any(hasattr(vectoriser, "stop_words_") for vectoriser in vectorisers)
    assert (model.predict_proba(["ktp saya hilang", "mpp buka jam"]) == before).all()
