"""The service catalogue (resources/services/catalogue.yml): valid, sourced, wide enough, and the
data generated from it up to date."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
import yaml

from backend.catalogue import Catalogue as BackOfficeCatalogue
from scripts.form_rules import SITUATION_INTENTS, domain_intents
from service_catalogue import training_data
from service_catalogue.answers import answer_text, load_phrases
from service_catalogue.loading import CATALOGUE_PATH, CatalogueError, load_catalogue, load_questions, parse_catalogue
from service_catalogue.model import QuestionType
from test_support.paths import ROOT

# services the assistant answered before the catalogue (Dukcapil and health-worker licensing)
FIRST_SERVICES = {"ktp_el", "kk", "akta_kelahiran", "akta_kematian", "akta_perkawinan", "akta_perceraian",
                  "pindah", "kia", "ikd", "str", "sip", "skp"}


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return dict(yaml.safe_load(CATALOGUE_PATH.read_text(encoding="utf-8")))


def test_the_catalogue_is_valid_and_covers_at_least_14_new_services_of_8_other_agencies() -> None:
    catalogue = load_catalogue()
    assert set(catalogue.services) >= FIRST_SERVICES
    new = [service for service in catalogue.services.values() if service.id not in FIRST_SERVICES]
    assert len(new) >= 14
    agencies = {service.agency for service in new} - {"dukcapil"}
    assert len(agencies) >= 8, agencies


def test_a_record_without_a_source_is_refused(raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    broken["services"][0]["sources"] = []
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(broken)
    assert any("needs at least one source" in problem for problem in refused.value.problems)


def test_an_answer_citing_a_source_the_record_lacks_is_refused(raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    service = broken["services"][0]
    block = next(iter(service["answers"].values()))
    block["sources"] = ["not-a-source"]
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(broken)
    assert any("'not-a-source' is not among the record's sources" in problem for problem in refused.value.problems)


def test_a_record_without_a_review_date_or_with_an_unknown_key_is_refused(raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    del broken["services"][1]["reviewed"]
    broken["services"][2]["fees"] = "Rp0"
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(broken)
    assert any("missing key 'reviewed'" in problem for problem in refused.value.problems)
    assert any("unknown key 'fees'" in problem for problem in refused.value.problems)


def test_a_name_of_two_services_is_refused(raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    broken["services"][1]["names"].append(broken["services"][0]["names"][0])
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(broken)
    assert any("also names" in problem for problem in refused.value.problems)


def test_a_shared_name_needs_two_real_choices_with_short_labels_and_no_owner(raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    own_name = broken["services"][0]["names"][0]
    broken["shared_names"] = [{"name": own_name, "choices": {"sim": "SIM", "not_a_service": "X"}},
                              {"name": "kartu", "choices": {"sim": "Surat Izin Mengemudi (Polri)"}}]
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(broken)
    problems = "\n".join(refused.value.problems)
    assert f"{own_name!r} is a name of" in problems
    assert "'not_a_service' is not a service" in problems
    assert "needs at least two choices" in problems
    assert "must be text of 1 to 20 characters" in problems  # a WhatsApp button title


def test_a_qualifier_needs_a_refined_service_and_must_not_be_a_name(raw: dict[str, Any]) -> None:
    broken = copy.deepcopy(raw)
    broken["services"][0]["qualifiers"] = ["wna"]  # the KTP-el refines nothing
    refining = next(service for service in broken["services"] if service["refines"])
    refining["qualifiers"] = [broken["services"][0]["names"][0]]
    with pytest.raises(CatalogueError) as refused:
        parse_catalogue(broken)
    problems = "\n".join(refused.value.problems)
    assert "needs refines" in problems
    assert "is a name of" in problems


def test_every_record_is_sourced_reviewed_and_answers_something() -> None:
    for service in load_catalogue().services.values():
        assert service.sources and service.reviewed.year >= 2026, service.id
        assert service.answers, service.id
        for answer in service.answers.values():
            assert answer.sources, service.id


def test_intents_and_counters_of_records_exist_in_the_domain_and_the_back_office() -> None:
    # the back office defines the bookable counters; a record refers to one by its code, and every
    # counter is some record's (else no citizen could book it in the chat)
    intents = set(domain_intents())
    counters = set(BackOfficeCatalogue.load().services)
    referred = set()
    for service in load_catalogue().services.values():
        assert set(service.intents) <= intents, service.id
        assert service.counter is None or service.counter in counters, service.id
        referred.add(service.counter)
    assert counters <= referred, counters - referred


def test_every_question_type_has_an_intent_in_the_domain() -> None:
    intents = set(domain_intents())
    questions = load_questions()
    assert set(questions.intents) == set(QuestionType)
    assert set(questions.intents.values()) <= intents


def test_every_answer_of_every_service_names_the_service_and_its_source() -> None:
    catalogue, phrases = load_catalogue(), load_phrases()
    for service in catalogue.services.values():
        for question, answer in service.answers.items():
            text = answer_text(catalogue, service, question, phrases)
            assert text is not None and text.startswith(service.name), (service.id, question)
            assert "Sumber:" in text
            assert ("belum dapat kami pastikan" in text) is (not answer.verified), (service.id, question)


def test_generated_training_data_is_up_to_date() -> None:
    # `make service-data` after editing the catalogue or the question templates
    assert training_data.OUTPUT.read_text(encoding="utf-8") == training_data.render()


def test_each_question_intent_has_varied_generated_examples() -> None:
    examples = training_data.question_examples(load_catalogue(), load_questions())
    counts = Counter({intent: len(texts) for intent, texts in examples.items()})
    for intent in load_questions().intents.values():
        if intent != "service_fee":  # also trained by the contract's own examples
            assert counts[intent] >= 30, (intent, counts[intent])


def test_the_old_service_words_file_is_gone() -> None:
    # one vocabulary: the catalogue's names serve the booking form too
    assert not (ROOT / "resources" / "services" / "service_names.yml").exists()


def test_contract_intents_whose_records_answer_a_situation_apart_are_answered_by_the_action() -> None:
    # "akta kelahiran hilang" stays birth_certificate (the contract covers replacement), and the
    # action answers the record's "lost" block: such intents must reach the action
    questions = load_questions()
    expected = {intent for service in load_catalogue().services.values() if service.intents
                for situation in questions.situation_cues
                if situation in service.answers and not service.intent_for(situation) for intent in service.intents}
    assert set(SITUATION_INTENTS) == expected
    rules = yaml.safe_load((ROOT / "data" / "rules" / "answers.yml").read_text(encoding="utf-8"))["rules"]
    answered = {rule["steps"][0]["intent"]: rule["steps"][1]["action"] for rule in rules}
    assert {intent: answered[intent] for intent in expected} == dict.fromkeys(expected, "action_answer_service")


def test_contract_intents_of_a_shared_names_choices_reach_the_action_that_asks_which() -> None:
    # "akta cerai hilang" keeps marriage_certificate with candidates: the action must answer it to ask
    catalogue = load_catalogue()
    for shared in catalogue.shared_names:
        for choice in shared.choices:
            assert set(catalogue.services[choice].intents) <= set(SITUATION_INTENTS), (shared.name, choice)
