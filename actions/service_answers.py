"""Answers about any catalogue service (resources/services/catalogue.yml), one action for all.

The NLU has already decided what the message asks (the question intent) and what it is about
(the first `service` entity, or a `document` the catalogue does not know: nlu/answer_router.py).
The answer comes from the service's record; a question the record cannot answer gets the honest
"no verified information", who handles the service and the offer of an officer. "Where" questions
with a region ask the MPP directory which MPP has the counter; what the directory does not know
is said as unknown, never as no.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import latest_entities, latest_entity
from actions.clients.backoffice import BackOfficeClient, shared_backoffice_client
from actions.clients.errors import BackOfficeRejected, BackOfficeUnavailable
from actions.places import region_codes, unique_by_id
from service_catalogue.answers import Phrases, answer_text, load_phrases, no_answer_topic, who_serves
from service_catalogue.loading import cached_catalogue, load_questions
from service_catalogue.model import CANDIDATE_ENTITY, Catalogue, QuestionType, Service

logger = logging.getLogger(__name__)
MAX_MPPS = 5
# WhatsApp's limit on reply buttons in one message
MAX_BUTTONS = 3
# read and validated when the action server imports its actions: an invalid catalogue stops it at
# start with every problem listed (CatalogueError), not at a citizen's first question
cached_catalogue()
load_questions()


def counter_of(mpp: dict[str, Any], service: Service) -> bool | None:
    """Whether the MPP has the service's counter: True, False, or None when the directory does not know."""
    if service.counter and any(offered["code"] == service.counter for offered in mpp.get("services", [])):
        return True
    counters = mpp.get("counters")
    if counters is None:
        return None
    return service.id in counters


class MppCounters:
    """Which MPPs of a region have a service's counter, from the back office's directory."""

    def __init__(self, backoffice: BackOfficeClient, phrases: Phrases) -> None:
        self._backoffice = backoffice
        self._phrases = phrases

    async def lines(self, service: Service, region: str, codes: tuple[str, ...]) -> list[str]:
        """One line per MPP of the region, and where else the counter is when it is not there."""
        phrases = self._phrases
        mpps = unique_by_id([mpp for code in codes for mpp in (await self._backoffice.mpps(code))["mpps"]])
        if not mpps:
            return [phrases("no_mpp_in_region", region=region)]
        lines: list[str] = []
        for mpp in mpps[:MAX_MPPS]:
            has = counter_of(mpp, service)
            key = "counter_here" if has else "counter_unknown" if has is None else "counter_not_here"
            demo = f" {phrases('demo_data')}" if mpp.get("demo") and has is not None else ""
            lines.append(phrases(key, mpp=mpp["name"], service=service.name) + demo)
        if not any(counter_of(mpp, service) for mpp in mpps):
            elsewhere = [mpp for mpp in (await self._backoffice.mpps())["mpps"] if counter_of(mpp, service)]
            if elsewhere:
                lines.append(phrases("counter_elsewhere", service=service.name,
                                     mpps=", ".join(mpp["name"] for mpp in elsewhere[:MAX_MPPS])))
        return lines


class ActionAnswerService(Action):
    """Answers the question the message asks about the service it names."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_answer_service"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Answer from the catalogue, or say honestly what is not known."""
        catalogue, phrases = cached_catalogue(), load_phrases()
        intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
        service = catalogue.services.get(latest_entity(tracker, "service") or "")
        document = latest_entity(tracker, "document")
        questions = load_questions()
        question = questions.question_of(intent)
        situation = latest_entity(tracker, "situation")
        candidates = tuple(value for value in latest_entities(tracker, CANDIDATE_ENTITY) if value in catalogue.services)
        if service is None and candidates:  # a name of several services: which one?
            asked = (question or (QuestionType(situation) if situation else None)
                     or next((found for choice in candidates
                              if (found := catalogue.services[choice].intents.get(intent))), QuestionType.REQUIREMENTS))
            self._ask_which(dispatcher, questions.intents[asked], catalogue.choices(candidates), phrases)
            return []
        if question is None:  # a contract intent: its own response, unless a situation it covers is named
            if service is None or situation is None:
                dispatcher.utter_message(response=f"utter_{intent}")
                return []
            question = QuestionType(situation)
        if service is None and document:
            dispatcher.utter_message(response="utter_service_no_verified_answer", topic=f"«{document}»",
                                     who=phrases("who_unknown"))
            return []
        if service is None:
            dispatcher.utter_message(response="utter_service_fee" if question is QuestionType.FEE
                                     else "utter_service_which")
            return []
        events: list[EventType] = []
        text = answer_text(catalogue, service, question, phrases)
        if question is QuestionType.LOCATION:
            region = latest_entity(tracker, "region") or tracker.get_slot("region")
            located = await self._located(catalogue, service, region, phrases)
            if located:
                text = "\n".join(filter(None, [located, text]))
                events.append(SlotSet("region", region))
        if text is None:
            dispatcher.utter_message(response="utter_service_no_verified_answer",
                                     topic=no_answer_topic(service, question, phrases),
                                     who=who_serves(catalogue.agency_of(service), phrases))
            return events
        dispatcher.utter_message(response="utter_service_answer", answer=text)
        return events

    @staticmethod
    def _ask_which(dispatcher: CollectingDispatcher, intent: str, choices: dict[str, str], phrases: Phrases) -> None:
        """Ask which of the services a shared name means, a button per service (the same question about it)."""
        labels = list(choices.values())
        named = f"{', '.join(labels[:-1])} atau {labels[-1]}"
        buttons = [{"title": label, "payload": f'/{intent}{{"service":"{service}"}}'}
                   for service, label in choices.items()]
        if len(buttons) < MAX_BUTTONS:
            buttons.append({"title": "Hubungi petugas", "payload": "/request_human"})
        dispatcher.utter_message(text=phrases("which_of", choices=named), buttons=buttons)

    @staticmethod
    async def _located(catalogue: Catalogue, service: Service, region: str | None, phrases: Phrases) -> str | None:
        """The region's MPPs with or without the counter; None without a known region or a directory."""
        codes = region_codes(region)
        if not region or not codes:
            return None
        try:
            lines = await MppCounters(shared_backoffice_client(), phrases).lines(service, region, codes)
        except (BackOfficeUnavailable, BackOfficeRejected):
            logger.warning("directory unavailable for a counter question")
            return None
        return "\n".join(lines)
