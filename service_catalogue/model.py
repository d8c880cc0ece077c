"""The catalogue's records as typed, immutable values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum


class QuestionType(str, Enum):
    """What a citizen asks about a service."""

    REQUIREMENTS = "requirements"  # how to get it, what to bring
    RENEWAL = "renewal"  # renew, extend, replace when expired
    LOST = "lost"  # lost or damaged: re-issuance
    CHANGE = "change"  # change the data on it
    FEE = "fee"  # what it costs
    LOCATION = "location"  # where it is served, whether an MPP has the counter
    ONLINE = "online"  # the official online channel


class SourceKind(str, Enum):
    """How much a source can be trusted, best first."""

    REGULATION = "regulation"
    OFFICIAL = "official"
    MEDIA = "media"
    SECONDARY = "secondary"


@dataclass(frozen=True)
class Source:
    """Where a fact comes from."""

    id: str
    title: str
    url: str | None
    kind: SourceKind
    published: date | None


@dataclass(frozen=True)
class Answer:
    """The answer to one question type about one service."""

    text: str | None
    items: tuple[str, ...]
    verified: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Agency:
    """An agency whose services citizens ask about."""

    id: str
    name: str
    short: str
    offices: str
    contact: str | None
    contact_source: str | None


@dataclass(frozen=True)
class Service:
    """One service: its names, its agency and the sourced answers about it."""

    id: str
    name: str
    agency: str
    names: tuple[str, ...]
    refines: tuple[str, ...]
    summary: str
    # contract intents whose own response answers a question about this service
    intents: Mapping[str, QuestionType]
    counter: str | None
    answers: Mapping[QuestionType, Answer]
    sources: tuple[Source, ...]
    reviewed: date
    unverified: tuple[str, ...]
    examples: Mapping[QuestionType, tuple[str, ...]] = field(default_factory=dict)
    # words that, said with the name of a service this one refines, make the message about this one
    # ("ktp" + "kitap": the KTP-el for foreign residents)
    qualifiers: tuple[str, ...] = ()

    def intent_for(self, question: QuestionType) -> str | None:
        """The contract intent whose response answers ``question`` about this service, if any."""
        return next((intent for intent, asked in self.intents.items() if asked is question), None)


# the entity the NLU sets per service a shared name may mean; the action offers each as a button
CANDIDATE_ENTITY = "candidate"


@dataclass(frozen=True)
class SharedName:
    """A name citizens use for more than one service ("bpjs"): the assistant asks which one is meant."""

    name: str
    # service id -> the short label of the choice (a button title: at most 20 characters for WhatsApp)
    choices: Mapping[str, str]


@dataclass(frozen=True)
class Catalogue:
    """Every agency and service, by id."""

    agencies: Mapping[str, Agency]
    services: Mapping[str, Service]
    shared_names: tuple[SharedName, ...] = ()

    def agency_of(self, service: Service) -> Agency:
        """The agency that serves ``service``."""
        return self.agencies[service.agency]

    def choices(self, services: tuple[str, ...]) -> dict[str, str]:
        """Service id -> its label, for the services a shared name may mean (its own labels when
        one offers exactly these, else the services' names)."""
        shared = next((name for name in self.shared_names if tuple(name.choices) == services), None)
        return dict(shared.choices) if shared else {service: self.services[service].name for service in services}

    def names(self) -> dict[str, str]:
        """Every name citizens use -> the id of its service."""
        return {name: service.id for service in self.services.values() for name in service.names}


@dataclass(frozen=True)
class Questions:
    """Which intent asks which question (resources/services/questions.yml)."""

    # the intent that asks each question type about any catalogue service
    intents: Mapping[QuestionType, str]
    # intents about a place (an MPP): naming a service there asks this question about it
    place_intents: Mapping[str, QuestionType]
    # intents that answer nothing about a service: a service named there asks the best-ranked question
    unsure_intents: frozenset[str]
    # intents about the assistant's own services: another agency's service named there does the same
    first_party_intents: frozenset[str]
    # words that say which situation a message is about ("hilang": lost), per question
    situation_cues: Mapping[QuestionType, tuple[str, ...]]
    # phrases containing a service's name that mean something else ("kartu sim")
    false_friends: tuple[str, ...]
    # words that head the name of a document or a licence ("kartu", "surat", "izin")
    document_heads: frozenset[str]
    # words that continue such a name without naming it alone ("surat keterangan ...")
    document_connectors: frozenset[str]
    # words that never name a document after such a head (pronouns, situations, verbs)
    not_document_words: frozenset[str]
    # documents of other agencies that no record answers, named without a head ("kitas")
    unserved_documents: tuple[str, ...]
    # words saying the citizen already has a document ("udah punya"): what they bring, not what they ask
    possession_cues: tuple[str, ...]
    # phrasings with {service} for the question intents' training examples
    templates: Mapping[QuestionType, tuple[str, ...]]

    def question_of(self, intent: str) -> QuestionType | None:
        """The question type a question intent asks (None for other intents)."""
        return next((question for question, asking in self.intents.items() if asking == intent), None)
