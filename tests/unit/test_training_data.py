"""The training data keeps the contract and stays apart from every test set."""

from __future__ import annotations

import csv
import re
from collections import Counter

import pytest
from ruamel.yaml import YAML

from nlu.retraining.scores import load_examples
from scripts.form_rules import FORMS, render
from scripts.form_rules import OUTPUT as FORM_RULES
from test_support.paths import ROOT

CONTRACT = ROOT / "tests" / "nlu" / "contract" / "intents.yml"
XSID_TEST = ROOT / "tests" / "nlu" / "xsid" / "id.test.intent.tsv"


def comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def contract_intents() -> list[str]:
    # the contract's example lists are not valid YAML: read the names only
    section = CONTRACT.read_text(encoding="utf-8").split("intents:")[1].split("entities:")[0]
    return re.findall(r"^  ([a-z_]+):", section, re.MULTILINE)


@pytest.fixture(scope="module")
def training() -> list[tuple[str, str]]:
    return load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))


@pytest.fixture(scope="module")
def held_out() -> list[tuple[str, str]]:
    return load_examples([ROOT / "tests" / "nlu" / "test_nlu.yml"])


def test_every_contract_intent_has_varied_training_data(training: list[tuple[str, str]]) -> None:
    counts = Counter(intent for _, intent in training)
    intents = contract_intents()
    assert len(intents) == 35
    missing = [intent for intent in intents if counts[intent] < 30]
    assert not missing
    assert sum(counts[intent] for intent in intents) / len(intents) >= 40


def test_every_contract_intent_is_answered_and_has_held_out_examples(held_out: list[tuple[str, str]]) -> None:
    responses: set[str] = set()
    for path in (ROOT / "domain").glob("*.yml"):
        responses |= set((YAML(typ="safe").load(path.read_text(encoding="utf-8")) or {}).get("responses", {}))
    form_intents = {intent for form in FORMS for intent in form.intents}
    counts = Counter(intent for _, intent in held_out)
    for intent in contract_intents():
        assert f"utter_{intent}" in responses or intent in form_intents, intent
        assert counts[intent] >= 8, intent


def test_no_held_out_example_is_in_the_training_data(training: list[tuple[str, str]],
                                                     held_out: list[tuple[str, str]]) -> None:
    seen = {comparable(text) for text, _ in training}
    assert [text for text, _ in held_out if comparable(text) in seen] == []


def test_no_xsid_test_utterance_is_in_the_training_data(training: list[tuple[str, str]]) -> None:
    if not XSID_TEST.exists():
        pytest.fail(f"the xSID test split is missing at {XSID_TEST}")
    with XSID_TEST.open(encoding="utf-8") as handle:
        test = {comparable(row["text"]) for row in csv.DictReader(handle, delimiter="\t")}
    assert [text for text, _ in training if comparable(text) in test] == []


def test_generated_form_rules_are_up_to_date() -> None:
    # rules for form interruptions are generated from the domain: `make form-rules` after changing intents or forms
    assert FORM_RULES.read_text(encoding="utf-8") == render()
