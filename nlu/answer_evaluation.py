"""What a parsed message will be answered about, and how a near-miss set scores.

A near miss is a question that looks like one the assistant answers but is about another
service or situation (tests/nlu/near_miss.yml). Honest means: the answer is about the service
the citizen named, or, for something the catalogue does not know, an answer about nothing
else (no verified information, not understood). The dangerous failure, counted apart, is an
answer about another service.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from service_catalogue.model import CANDIDATE_ENTITY, Catalogue, Questions, QuestionType

UNKNOWN = "unknown"
# answers that claim nothing about any service
NOT_UNDERSTOOD_INTENTS = frozenset({"nlu_fallback", "out_of_scope", "request_human"})


class AnswerKind(str, Enum):
    """What kind of answer a parse leads to."""

    SERVICE = "service"  # about one catalogue service
    NO_VERIFIED_ANSWER = "no_verified_answer"  # a document the catalogue does not know
    NOT_UNDERSTOOD = "not_understood"  # fallback, out of scope, an officer
    WHICH_SERVICE = "which_service"  # names no service: "no verified information for that; which service?"
    CLARIFY = "clarify"  # a name of several services ("bpjs"): "which one?", a button per service
    OTHER = "other"  # another answer (greeting, MPP location, the generic fee answer...)


# answers that claim nothing false about a document the catalogue does not know
HONEST_ABOUT_UNKNOWN = frozenset({AnswerKind.NO_VERIFIED_ANSWER, AnswerKind.NOT_UNDERSTOOD, AnswerKind.WHICH_SERVICE})


@dataclass(frozen=True)
class Answered:
    """What the answer to a parse is about (a contract intent's answer may cover several services)."""

    kind: AnswerKind
    service: str | None = None
    question: QuestionType | None = None
    also: frozenset[str] = frozenset()

    def is_about(self, service: str) -> bool:
        """Whether the answer is about ``service``, or asks which service is meant and offers it."""
        if self.kind is AnswerKind.CLARIFY:
            return service in self.also
        return self.kind is AnswerKind.SERVICE and (service == self.service or service in self.also)


@dataclass(frozen=True)
class NearMiss:
    """One held-out near-miss question and what its answer must be about."""

    text: str
    expect: str  # a catalogue service id, or "unknown"
    question: QuestionType
    agency: str | None


def load_near_misses(path: Path) -> list[NearMiss]:
    """The near-miss set."""
    return [NearMiss(text=str(item["text"]), expect=str(item["expect"]), question=QuestionType(item["type"]),
                     agency=item.get("agency")) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


def answered_about(parse: Mapping[str, Any], catalogue: Catalogue, questions: Questions) -> Answered:
    """What the assistant's answer to this parse (Rasa's /model/parse result) is about."""
    intent = (parse.get("intent") or {}).get("name") or ""
    entities = parse.get("entities") or []
    service = next((str(e["value"]) for e in entities if e.get("entity") == "service"
                    and str(e.get("value")) in catalogue.services), None)
    question = questions.question_of(intent)
    candidates = frozenset(str(e["value"]) for e in entities if e.get("entity") == CANDIDATE_ENTITY)
    if service is None and candidates:  # the action asks which service is meant (also under a contract intent)
        return Answered(AnswerKind.CLARIFY, question=question, also=candidates)
    if question is not None:
        if service is not None:
            return Answered(AnswerKind.SERVICE, service, question)
        if any(e.get("entity") == "document" for e in entities):
            return Answered(AnswerKind.NO_VERIFIED_ANSWER, question=question)
        return Answered(AnswerKind.OTHER if question is QuestionType.FEE else AnswerKind.WHICH_SERVICE,
                        question=question)
    answering = [record for record in catalogue.services.values() if intent in record.intents]
    if answering:
        return Answered(AnswerKind.SERVICE, answering[0].id, answering[0].intents[intent],
                        frozenset(record.id for record in answering[1:]))
    if intent in NOT_UNDERSTOOD_INTENTS:
        return Answered(AnswerKind.NOT_UNDERSTOOD)
    return Answered(AnswerKind.OTHER)


def is_honest(item: NearMiss, answered: Answered) -> bool:
    """About the service named, or, for an unknown one, about nothing else."""
    if item.expect == UNKNOWN:
        return answered.kind in HONEST_ABOUT_UNKNOWN
    return answered.is_about(item.expect)


@dataclass
class NearMissScores:
    """Honest answers, answers about another service, and the question type's accuracy."""

    total: int = 0
    honest: int = 0
    # (text, expected, answered): kept out of repr, so that a failing test shows no held-out text
    wrong_service: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    other: list[tuple[str, str, str]] = field(default_factory=list, repr=False)
    right_question: int = 0
    per_agency: dict[str, list[int]] = field(default_factory=dict)  # agency -> [honest, total]
    # "no verified information" answers, and those of them given to a document the catalogue lacks
    said_unknown: int = 0
    said_unknown_rightly: int = 0
    # questions about things the catalogue lacks, and those answered honestly
    unknown_items: int = 0
    unknown_honest: int = 0

    @property
    def honest_rate(self) -> float:
        return self.honest / self.total if self.total else 0.0

    @property
    def unknown_precision(self) -> float:
        """Of the "no verified information" answers, the share given where the catalogue lacks the thing."""
        return self.said_unknown_rightly / self.said_unknown if self.said_unknown else 0.0

    @property
    def unknown_recall(self) -> float:
        """Of the questions about things the catalogue lacks, the share answered honestly."""
        return self.unknown_honest / self.unknown_items if self.unknown_items else 0.0

    @property
    def wrong_service_rate(self) -> float:
        return len(self.wrong_service) / self.total if self.total else 0.0


def score_near_misses(items: Sequence[NearMiss], answers: Sequence[Answered]) -> NearMissScores:
    """Score the answers to the near-miss set."""
    scores = NearMissScores()
    for item, answered in zip(items, answers, strict=True):
        scores.total += 1
        honest = is_honest(item, answered)
        if answered.kind is AnswerKind.NO_VERIFIED_ANSWER:
            scores.said_unknown += 1
            scores.said_unknown_rightly += item.expect == UNKNOWN
        if item.expect == UNKNOWN:
            scores.unknown_items += 1
            scores.unknown_honest += honest
        agency = scores.per_agency.setdefault(item.agency or "-", [0, 0])
        agency[1] += 1
        if honest:
            scores.honest += 1
            agency[0] += 1
            scores.right_question += answered.question is item.question
        elif answered.kind is AnswerKind.SERVICE:
            scores.wrong_service.append((item.text, item.expect, str(answered.service)))
        else:
            scores.other.append((item.text, item.expect, answered.kind.value))
    return scores
