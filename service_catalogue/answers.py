"""The text of an answer about a catalogue service, from its record and the phrases operators edit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

import calendar_words
from service_catalogue.loading import RESOURCES
from service_catalogue.model import Agency, Answer, Catalogue, QuestionType, Service

PHRASES_PATH = RESOURCES / "answer_phrases.yml"
# "4 Des 2026": the first three letters of each month's name
MONTHS = tuple(month[:3] for month in calendar_words.MONTHS)
SOURCES_SHOWN = 2
TITLE_LENGTH = 90


@dataclass(frozen=True)
class Phrases:
    """The sentences around an answer (resources/services/answer_phrases.yml)."""

    raw: dict[str, Any]

    def __call__(self, key: str, **values: str) -> str:
        return str(self.raw[key]).format(**values)

    def question(self, question: QuestionType) -> str:
        return str(self.raw["questions"][question.value])


@lru_cache(maxsize=2)
def load_phrases(path: Path = PHRASES_PATH) -> Phrases:
    """The phrases file, read once."""
    return Phrases(yaml.safe_load(path.read_text(encoding="utf-8")))


def short_date(day: date) -> str:
    """4 Des 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _shorten(title: str) -> str:
    return title if len(title) <= TITLE_LENGTH else title[: TITLE_LENGTH - 1].rstrip() + "…"


def source_line(service: Service, answer: Answer, phrases: Phrases) -> str:
    """The first sources of the answer, by title, with the record's review date."""
    by_id = {source.id: source for source in service.sources}
    titles = [_shorten(by_id[source].title) for source in answer.sources[:SOURCES_SHOWN]]
    return phrases("sources", titles="; ".join(titles), reviewed=short_date(service.reviewed))


def answer_text(catalogue: Catalogue, service: Service, question: QuestionType,
                phrases: Phrases | None = None) -> str | None:
    """The answer to ``question`` about ``service``; None when the record has none."""
    answer = service.answers.get(question)
    if answer is None:
        return None
    phrases = phrases or load_phrases()
    agency = catalogue.agency_of(service)
    lines = [phrases("heading", service=service.name)]
    if answer.text:
        lines.append(answer.text)
    lines += [f"• {item}" for item in answer.items]
    if not answer.verified:
        lines.append(phrases("unverified", agency=agency.short))
    elif question in (QuestionType.REQUIREMENTS, QuestionType.RENEWAL, QuestionType.LOST, QuestionType.CHANGE):
        lines.append(phrases("varies", agency=agency.short))
    lines.append(source_line(service, answer, phrases))
    return "\n".join(lines)


def who_serves(agency: Agency, phrases: Phrases | None = None) -> str:
    """Who handles a service, and their official contact when the catalogue has a sourced one."""
    phrases = phrases or load_phrases()
    text = phrases("who_serves", agency=agency.short, offices=agency.offices)
    if agency.contact:
        text += " " + phrases("who_contact", contact=agency.contact)
    return text


def no_answer_topic(service: Service, question: QuestionType, phrases: Phrases | None = None) -> str:
    """What the assistant has no verified answer about: "perpanjangan SIM"."""
    phrases = phrases or load_phrases()
    return f"{phrases.question(question)} {service.name}"
