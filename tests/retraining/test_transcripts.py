"""Candidates read from a transcript database with the gateway's real schema."""

from __future__ import annotations

from nlu.retraining.transcripts import Reason, load_candidates
from test_support.backoffice import postgres_url
from test_support.transcript_seeding import NIK, PHONE, Transcripts, seed_misunderstood

R = Reason


def by_text(seeded: Transcripts, threshold: float = 0.6) -> dict[str, frozenset[Reason]]:
    return {candidate.text: candidate.reasons for candidate in load_candidates(seeded.engine, threshold)}


def test_every_reason_is_found_and_recorded(seeded: Transcripts) -> None:
    found = by_text(seeded)
    assert found["gmn cara bikin ktp"] == {R.LOW_CONFIDENCE, R.FALLBACK}
    assert found["gimana cara bkin ktp?"] == {R.LOW_CONFIDENCE}
    assert found["Gmn cara bikin KTP"] == {R.LOW_CONFIDENCE, R.FALLBACK}
    assert found["paspor bisa di mpp?"] == {R.OUT_OF_SCOPE, R.BEFORE_HANDOFF}
    assert found["bikin paspor di mpp bisa gk"] == {R.BEFORE_HANDOFF}
    assert found["sy mau ngomong sama orang aja"] == {R.BEFORE_HANDOFF}
    assert found["halo kak tolong dibantu paspor anak"] == {R.FORWARDED}


def test_only_citizen_text_messages_that_went_wrong_are_candidates(seeded: Transcripts) -> None:
    found = by_text(seeded)
    assert "halo" not in found  # understood
    assert "jam buka mpp kapan" not in found
    assert "permisi kak" not in found  # fourth message before the handoff
    assert "1" not in found and "/greet" not in found  # a button and a command, however unsure the model was
    assert not any(text.startswith("Halo!") for text in found)  # the bot's own message


def test_the_threshold_decides_what_is_low_confidence(seeded: Transcripts) -> None:
    assert "bikin paspor di mpp bisa gk" in by_text(seeded)
    found = by_text(seeded, threshold=0.75)
    assert found["bikin paspor di mpp bisa gk"] == {R.LOW_CONFIDENCE, R.BEFORE_HANDOFF}
    assert found["gimana cara bkin ktp?"] == {R.LOW_CONFIDENCE}


def test_texts_are_masked_as_they_are_read(seeded: Transcripts) -> None:
    [personal] = [candidate for candidate in load_candidates(seeded.engine) if candidate.text.startswith("NIK")]
    assert NIK not in personal.text and PHONE not in personal.text
    assert personal.text == "NIK saya 3201********0002 no hp 0812****7890 kok blm terdaftar"


def test_postgresql_finds_the_same_candidates(seeded: Transcripts) -> None:
    with postgres_url() as url:
        transcripts = Transcripts(url)
        try:
            seed_misunderstood(transcripts)
            assert by_text(transcripts) == by_text(seeded)
        finally:
            transcripts.close()
