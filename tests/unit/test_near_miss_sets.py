"""The near-miss sets stay out of the training data (tests/nlu/near_miss*.yml: a TEST half whose
score alone is read, and two DEV sets whose failures are read to find bugs in the mechanism)."""

from __future__ import annotations

from pathlib import Path

from nlu.answer_evaluation import UNKNOWN, load_near_misses
from nlu.gazetteer import match_key
from nlu.retraining.scores import load_examples
from service_catalogue.loading import load_catalogue
from test_support.paths import ROOT

SETS = sorted((ROOT / "tests" / "nlu").glob("near_miss*.yml"))


def test_there_is_a_test_half_and_dev_sets_of_at_least_60_questions() -> None:
    assert {path.name for path in SETS} >= {"near_miss.yml", "near_miss_dev.yml", "near_miss_dev2.yml"}
    for path in SETS:
        assert len(load_near_misses(path)) >= 60, path.name


def test_no_near_miss_question_is_a_training_example() -> None:
    training = {match_key(text) for text, _ in load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))}
    for path in SETS:
        copied = [item.text for item in load_near_misses(path) if match_key(item.text) in training]
        assert not copied, (path.name, len(copied))  # the count only: the TEST half's texts are not shown


def test_every_expected_answer_is_a_catalogue_service_or_unknown() -> None:
    services = set(load_catalogue().services) | {UNKNOWN}
    for path in SETS:
        assert {item.expect for item in load_near_misses(path)} <= services, path.name


def test_the_sets_do_not_share_questions() -> None:
    seen: dict[str, Path] = {}
    for path in SETS:
        for item in load_near_misses(path):
            assert seen.setdefault(match_key(item.text), path) == path, path.name
