"""Reading and validating resources/services/*.yml: every problem is reported, with where it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml

from service_catalogue.model import (
    Agency,
    Answer,
    Catalogue,
    Questions,
    QuestionType,
    Service,
    SharedName,
    Source,
    SourceKind,
)

RESOURCES = Path(__file__).resolve().parent.parent / "resources" / "services"
CATALOGUE_PATH = RESOURCES / "catalogue.yml"
QUESTIONS_PATH = RESOURCES / "questions.yml"
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
AGENCY_KEYS = {"id", "name", "short", "offices", "contact", "contact_source"}
SERVICE_KEYS = {"id", "name", "agency", "names", "refines", "summary", "intents", "counter", "answers", "sources",
                "reviewed", "unverified"}
OPTIONAL_SERVICE_KEYS = {"examples", "qualifiers"}
ANSWER_KEYS = {"text", "items", "verified", "sources"}
SOURCE_KEYS = {"id", "title", "url", "kind", "published"}
# WhatsApp's limit on a reply button's title (a shared name's choices become buttons)
CHOICE_LABEL_MAX = 20
T = TypeVar("T")


def _name_key(name: str) -> str:
    """A name as matched in messages: its words, single-spaced ("ktp-el" and "ktp el" are one name)."""
    return " ".join(re.findall(r"[^\W_]+", name))


class CatalogueError(ValueError):
    """The catalogue files are not valid; ``problems`` says every problem found."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{path.name}: " + "; ".join(problems))


class _Problems:
    """Collects problems, each prefixed with where it was found."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, where: str, problem: str) -> None:
        self.found.append(f"{where}: {problem}")

    def keys(self, where: str, raw: Any, required: set[str], optional: frozenset[str] | set[str] = frozenset()) -> bool:
        if not isinstance(raw, dict):
            self.add(where, "must be a mapping")
            return False
        for missing in sorted(required - raw.keys()):
            self.add(where, f"missing key {missing!r}")
        for unknown in sorted(raw.keys() - required - set(optional)):
            self.add(where, f"unknown key {unknown!r}")
        return required <= raw.keys()

    def text(self, where: str, value: Any, *, optional: bool = False) -> str | None:
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(where, "must be a non-empty text")
            return None
        return value.strip()

    def texts(self, where: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(where, "must be a list")
            return ()
        return tuple(text for index, item in enumerate(value) if (text := self.text(f"{where}[{index}]", item)))

    def enum(self, where: str, value: Any, kind: Callable[[Any], T]) -> T | None:
        try:
            return kind(value)
        except ValueError:
            self.add(where, f"{value!r} is not one of the allowed values")
            return None


def _agency(raw: Any, problems: _Problems, index: int) -> Agency | None:
    where = f"agencies[{index}]"
    if not problems.keys(where, raw, AGENCY_KEYS):
        return None
    where = f"agency {raw['id']}"
    if not isinstance(raw["id"], str) or not IDENTIFIER.match(raw["id"]):
        problems.add(where, "id must be lowercase snake_case")
    contact = problems.text(f"{where}.contact", raw["contact"], optional=True)
    contact_source = problems.text(f"{where}.contact_source", raw["contact_source"], optional=True)
    if contact and not contact_source:
        problems.add(where, "a contact needs its contact_source")
    return Agency(id=str(raw["id"]), name=problems.text(f"{where}.name", raw["name"]) or "",
                  short=problems.text(f"{where}.short", raw["short"]) or "",
                  offices=problems.text(f"{where}.offices", raw["offices"]) or "",
                  contact=contact, contact_source=contact_source)


def _source(raw: Any, problems: _Problems, where: str) -> Source | None:
    if not problems.keys(where, raw, SOURCE_KEYS):
        return None
    published = raw["published"]
    if published is not None and not isinstance(published, date):
        problems.add(f"{where}.published", "must be a date (YYYY-MM-DD) or null")
        published = None
    kind = problems.enum(f"{where}.kind", raw["kind"], SourceKind)
    url = problems.text(f"{where}.url", raw["url"], optional=True)
    if url and not url.startswith(("http://", "https://")):
        problems.add(f"{where}.url", "must be an http(s) address")
    if url is None and kind is not SourceKind.REGULATION:
        problems.add(f"{where}.url", "only a regulation cited by name may have no url")
    return Source(id=str(raw["id"]), title=problems.text(f"{where}.title", raw["title"]) or "", url=url,
                  kind=kind or SourceKind.SECONDARY, published=published)


def _answer(raw: Any, problems: _Problems, where: str, source_ids: set[str]) -> Answer | None:
    if not problems.keys(where, raw, {"verified", "sources"}, ANSWER_KEYS - {"verified", "sources"}):
        return None
    text = problems.text(f"{where}.text", raw.get("text"), optional=True)
    items = problems.texts(f"{where}.items", raw.get("items"))
    if not text and not items:
        problems.add(where, "needs a text or items")
    if not isinstance(raw["verified"], bool):
        problems.add(f"{where}.verified", "must be true or false")
    sources = problems.texts(f"{where}.sources", raw["sources"])
    if not sources:
        problems.add(where, "needs at least one source")
    for unknown in sorted(set(sources) - source_ids):
        problems.add(where, f"source {unknown!r} is not among the record's sources")
    return Answer(text=text, items=items, verified=raw["verified"] is True, sources=sources)


def _service(raw: Any, problems: _Problems, index: int) -> Service | None:
    if not problems.keys(f"services[{index}]", raw, SERVICE_KEYS, OPTIONAL_SERVICE_KEYS):
        return None
    where = f"service {raw['id']}"
    if not isinstance(raw["id"], str) or not IDENTIFIER.match(raw["id"]):
        problems.add(where, "id must be lowercase snake_case")
    sources = tuple(source for position, item in enumerate(raw["sources"] or [])
                    if (source := _source(item, problems, f"{where}.sources[{position}]")))
    if not sources:
        problems.add(where, "needs at least one source")
    source_ids = {source.id for source in sources}
    if len(source_ids) < len(sources):
        problems.add(where, "source ids must be unique")
    answers: dict[QuestionType, Answer] = {}
    for key, block in (raw["answers"] or {}).items():
        question = problems.enum(f"{where}.answers", key, QuestionType)
        answer = _answer(block, problems, f"{where}.answers.{key}", source_ids)
        if question and answer:
            answers[question] = answer
    intents = {}
    for intent, asked in (raw["intents"] or {}).items():
        question = problems.enum(f"{where}.intents.{intent}", asked, QuestionType)
        if question:
            intents[str(intent)] = question
    examples = {}
    for key, phrasings in (raw.get("examples") or {}).items():
        question = problems.enum(f"{where}.examples", key, QuestionType)
        if question:
            examples[question] = problems.texts(f"{where}.examples.{key}", phrasings)
    names = problems.texts(f"{where}.names", raw["names"])
    if not names:
        problems.add(where, "needs names")
    qualifiers = problems.texts(f"{where}.qualifiers", raw.get("qualifiers") or [])
    for key, phrases in (("names", names), ("qualifiers", qualifiers)):
        for phrase in phrases:
            if phrase != phrase.lower():
                problems.add(f"{where}.{key}", f"{phrase!r} must be lowercase")
    refines = problems.texts(f"{where}.refines", raw["refines"])
    if qualifiers and not refines:
        problems.add(f"{where}.qualifiers", "qualify a service this one refines: needs refines")
    if not isinstance(raw["reviewed"], date):
        problems.add(f"{where}.reviewed", "must be a date (YYYY-MM-DD)")
    return Service(
        id=str(raw["id"]), name=problems.text(f"{where}.name", raw["name"]) or "", agency=str(raw["agency"]),
        names=names, refines=refines, qualifiers=qualifiers,
        summary=problems.text(f"{where}.summary", raw["summary"]) or "", intents=intents,
        counter=problems.text(f"{where}.counter", raw["counter"], optional=True), answers=answers,
        sources=sources, reviewed=raw["reviewed"] if isinstance(raw["reviewed"], date) else date.min,
        unverified=problems.texts(f"{where}.unverified", raw["unverified"]), examples=examples)


def _cross_check(agencies: dict[str, Agency], services: dict[str, Service], problems: _Problems) -> None:
    owner: dict[str, str] = {}
    for service in services.values():
        if service.agency not in agencies:
            problems.add(f"service {service.id}", f"agency {service.agency!r} is not in agencies")
        for general in service.refines:
            if general not in services or general == service.id:
                problems.add(f"service {service.id}", f"refines {general!r}, which is not another service")
        for name in service.names:
            key = _name_key(name)
            if key in owner and owner[key] != service.id:
                problems.add(f"service {service.id}", f"name {name!r} also names {owner[key]}")
            owner.setdefault(key, service.id)
    for service in services.values():
        for qualifier in service.qualifiers:
            key = _name_key(qualifier)
            if key in owner:
                problems.add(f"service {service.id}", f"qualifier {qualifier!r} is a name of {owner[key]}")


def _shared_name(raw: Any, problems: _Problems, index: int, services: dict[str, Service]) -> SharedName | None:
    where = f"shared_names[{index}]"
    if not problems.keys(where, raw, {"name", "choices"}):
        return None
    name = problems.text(f"{where}.name", raw["name"]) or ""
    if name != name.lower():
        problems.add(where, f"{name!r} must be lowercase")
    owner = next((service.id for service in services.values()
                  if any(_name_key(own) == _name_key(name) for own in service.names)), None)
    if owner:
        problems.add(where, f"{name!r} is a name of {owner}: a shared name belongs to no service")
    choices = raw["choices"] if isinstance(raw["choices"], dict) else {}
    if len(choices) < 2:
        problems.add(where, "needs at least two choices (service id: label)")
    for service, label in choices.items():
        if service not in services:
            problems.add(where, f"{service!r} is not a service")
        if not isinstance(label, str) or not 0 < len(label) <= CHOICE_LABEL_MAX:
            problems.add(where, f"label of {service!r} must be text of 1 to {CHOICE_LABEL_MAX} characters")
    return SharedName(name=name, choices={str(service): str(label) for service, label in choices.items()})


def parse_catalogue(raw: Any, path: Path = CATALOGUE_PATH) -> Catalogue:
    """The catalogue in ``raw`` (the YAML document), or CatalogueError listing every problem."""
    problems = _Problems()
    if not problems.keys("catalogue", raw, {"agencies", "services"}, {"shared_names"}):
        raise CatalogueError(path, problems.found)
    agencies: dict[str, Agency] = {}
    for index, item in enumerate(raw["agencies"] or []):
        agency = _agency(item, problems, index)
        if agency:
            if agency.id in agencies:
                problems.add(f"agency {agency.id}", "id is not unique")
            agencies[agency.id] = agency
    services: dict[str, Service] = {}
    for index, item in enumerate(raw["services"] or []):
        service = _service(item, problems, index)
        if service:
            if service.id in services:
                problems.add(f"service {service.id}", "id is not unique")
            services[service.id] = service
    _cross_check(agencies, services, problems)
    shared = tuple(name for index, item in enumerate(raw.get("shared_names") or [])
                   if (name := _shared_name(item, problems, index, services)))
    if problems.found:
        raise CatalogueError(path, problems.found)
    return Catalogue(agencies=agencies, services=services, shared_names=shared)


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and validate the catalogue file."""
    return parse_catalogue(yaml.safe_load(path.read_text(encoding="utf-8")), path)


@lru_cache(maxsize=4)
def cached_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """The catalogue file, read once per process."""
    return load_catalogue(path)


def load_questions(path: Path = QUESTIONS_PATH) -> Questions:
    """Read and validate the question vocabulary."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = _Problems()
    keys = {"question_intents", "place_intents", "unsure_intents", "first_party_intents", "situation_cues",
            "false_friends", "document_heads", "document_connectors", "not_document_words", "unserved_documents",
            "possession_cues", "templates"}
    if not problems.keys("questions", raw, keys):
        raise CatalogueError(path, problems.found)
    intents = {question: str(intent) for key, intent in raw["question_intents"].items()
               if (question := problems.enum("question_intents", key, QuestionType))}
    for question in QuestionType:
        if question not in intents:
            problems.add("question_intents", f"no intent asks {question.value!r}")
    places = {str(intent): question for intent, key in raw["place_intents"].items()
              if (question := problems.enum(f"place_intents.{intent}", key, QuestionType))}
    templates = {question: problems.texts(f"templates.{key}", phrasings)
                 for key, phrasings in raw["templates"].items()
                 if (question := problems.enum("templates", key, QuestionType))}
    for question, phrasings in templates.items():
        for phrasing in phrasings:
            if "{service}" not in phrasing:
                problems.add(f"templates.{question.value}", f"{phrasing!r} has no {{service}}")
    if problems.found:
        raise CatalogueError(path, problems.found)
    return Questions(
        intents=intents, place_intents=places,
        unsure_intents=frozenset(problems.texts("unsure_intents", raw["unsure_intents"])),
        first_party_intents=frozenset(problems.texts("first_party_intents", raw["first_party_intents"])),
        situation_cues={question: problems.texts(f"situation_cues.{key}", cues)
                        for key, cues in raw["situation_cues"].items()
                        if (question := problems.enum("situation_cues", key, QuestionType))},
        false_friends=problems.texts("false_friends", raw["false_friends"]),
        document_heads=frozenset(problems.texts("document_heads", raw["document_heads"])),
        document_connectors=frozenset(problems.texts("document_connectors", raw["document_connectors"])),
        not_document_words=frozenset(problems.texts("not_document_words", raw["not_document_words"])),
        unserved_documents=problems.texts("unserved_documents", raw["unserved_documents"]),
        possession_cues=problems.texts("possession_cues", raw["possession_cues"]), templates=templates)
