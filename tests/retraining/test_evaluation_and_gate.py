"""Comparing a candidate with the current model, the promotion gate, and the model registry."""

from __future__ import annotations

from pathlib import Path

from nlu.retraining.evaluation import Comparison, write_report
from nlu.retraining.promotion import Gate, ModelRegistry, judge

EXAMPLES = [(f"ktp {n}", "ktp_new") for n in range(6)] + [(f"kk {n}", "kk_new") for n in range(6)] + [
    ("jam buka mpp", "opening_hours"), ("mpp buka jam berapa", "opening_hours")]


def comparison(current_wrong: set[int], candidate_wrong: set[int]) -> Comparison:
    gold = [intent for _, intent in EXAMPLES]

    def predictions(wrong: set[int]) -> list[str]:
        return ["out_of_scope" if index in wrong else intent for index, intent in enumerate(gold)]
    return Comparison(EXAMPLES, predictions(current_wrong), predictions(candidate_wrong))


def test_a_better_candidate_passes_and_the_report_names_what_changed(tmp_path: Path) -> None:
    better = comparison(current_wrong={6, 7, 12}, candidate_wrong={12})
    verdict = judge(better, Gate())
    assert verdict.passed
    assert [text for text, _, _ in better.newly_right()] == ["kk 0", "kk 1"]
    assert better.newly_wrong() == []
    report = write_report(better, tmp_path, verdict=str(verdict)).read_text(encoding="utf-8")
    assert "| kk_new | 6 |" in report and "Newly right (2)" in report and "**Gate: passed**" in report
    assert (tmp_path / "confusion.png").stat().st_size > 1000


def test_a_drop_on_an_intent_with_enough_examples_is_refused_even_if_overall_is_better() -> None:
    mixed = comparison(current_wrong={0, 6, 7, 8, 12, 13}, candidate_wrong={0, 1, 2})
    assert mixed.candidate_scores.accuracy > mixed.current_scores.accuracy
    verdict = judge(mixed, Gate())
    assert not verdict.passed
    assert any(reason.startswith("ktp_new F1") for reason in verdict.reasons)
    assert judge(mixed, Gate(intent_tolerance=0.5)).passed


def test_an_overall_drop_is_refused_and_small_intents_do_not_block() -> None:
    worse = comparison(current_wrong=set(), candidate_wrong={12})
    verdict = judge(worse, Gate())
    assert not verdict.passed and "accuracy" in verdict.reasons[0]
    assert not any(reason.startswith("opening_hours") for reason in verdict.reasons)  # 2 examples < min_support
    assert judge(worse, Gate(overall_tolerance=0.15)).passed  # macro-F1 1.000 -> 0.889


def test_the_html_report_escapes_citizen_text(tmp_path: Path) -> None:
    tricky = Comparison([("<script>x</script>", "ktp_new")], ["kk_new"], ["ktp_new"])
    page = write_report(tricky, tmp_path, fmt="html").read_text(encoding="utf-8")
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_the_registry_remembers_the_live_and_the_previous_model(tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    trained = tmp_path / "mpp-aaaa.tar.gz"
    trained.write_bytes(b"model")
    assert registry.current() == trained
    candidate = tmp_path / "candidates" / "mpp-bbbb.tar.gz"
    candidate.parent.mkdir()
    candidate.write_bytes(b"better model")
    registry.record(candidate, registry.current(), "promote")
    assert registry.current() == candidate
    assert registry.state()["previous"] == str(trained)
