"""What every action that talks to the back office shares: failing soft, forgetting personal data.

The back office may be down or slow. The client gives up within its deadline
(actions/clients); here that becomes one polite message with the offer of an
officer, never silence and never a stack trace. A form whose validation could
not reach the back office ends at once (the ``backoffice_down`` slot), so the
citizen is not asked more questions that cannot be answered.
"""

from __future__ import annotations

import hashlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.clients.backoffice import BackOfficeClient, shared_backoffice_client
from actions.clients.errors import BackOfficeRejected, BackOfficeUnavailable

logger = logging.getLogger(__name__)
BACKOFFICE_DOWN = "backoffice_down"
_T = TypeVar("_T")


def citizen_ref_of(sender_id: str) -> str:
    """An opaque id of the citizen for the back office (a WhatsApp sender id is a phone number)."""
    return hashlib.sha256(f"mpp-citizen:{sender_id}".encode()).hexdigest()[:32]


def citizen_ref(tracker: Tracker) -> str:
    """The opaque id of the conversation's citizen."""
    return citizen_ref_of(str(tracker.sender_id))


def utter_unavailable(dispatcher: CollectingDispatcher) -> None:
    """Apologise and offer an officer."""
    dispatcher.utter_message(response="utter_backoffice_unavailable")


class BackOfficeAction(Action, ABC):
    """A form's final action: ask the back office, answer, then forget the form's personal slots."""

    #: slots cleared after the answer (personal data is not kept longer than the question)
    forget: tuple[str, ...] = ()

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Answer, or apologise when the back office cannot be reached; then forget."""
        events: list[EventType] = []
        if not tracker.get_slot(BACKOFFICE_DOWN):
            try:
                events = await self.answer(dispatcher, tracker, shared_backoffice_client())
            except BackOfficeUnavailable:
                utter_unavailable(dispatcher)
            except BackOfficeRejected as rejected:
                logger.warning("%s: unexpected back-office answer %s %s", self.name(), rejected.status, rejected.code)
                utter_unavailable(dispatcher)
            except Exception:  # a bug must still leave the citizen with an answer and the offer of an officer
                logger.exception("%s failed", self.name())
                utter_unavailable(dispatcher)
        already_set = {event.get("name") for event in events}
        return events + [SlotSet(slot, None) for slot in (*self.forget, BACKOFFICE_DOWN) if slot not in already_set]

    @abstractmethod
    async def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                     backoffice: BackOfficeClient) -> list[EventType]:
        """Ask the back office and answer the citizen; return extra events."""


class BackOfficeFormValidation(FormValidationAction, ABC):
    """A form validation that may ask the back office; the form ends when it cannot."""

    @abstractmethod
    def name(self) -> str:
        """validate_<form name> (abstract, so that rasa-sdk does not register this base class)."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Validate; a bug ends the form with an apology instead of an error in Rasa."""
        try:
            return await super().run(dispatcher, tracker, domain)
        except Exception:
            logger.exception("%s failed", self.name())
            utter_unavailable(dispatcher)
            return [SlotSet(BACKOFFICE_DOWN, True), SlotSet("requested_slot", None)]

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> list[str]:
        """No more questions once the back office was found unreachable."""
        return [] if tracker.get_slot(BACKOFFICE_DOWN) else domain_slots

    @staticmethod
    async def ask_backoffice(dispatcher: CollectingDispatcher, tracker: Tracker,
                             call: Callable[[], Awaitable[_T]]) -> tuple[_T | None, dict[str, Any]]:
        """Await a back-office call; when it fails, tell the citizen once and mark the back office down.

        Returns the result (None on failure) and the slots to set. A later
        validator of the same turn sees the mark and does not call again, so
        the citizen's wait stays within one client deadline.
        """
        if tracker.get_slot(BACKOFFICE_DOWN):
            return None, {}
        try:
            return await call(), {}
        except BackOfficeUnavailable:
            utter_unavailable(dispatcher)
            return None, {BACKOFFICE_DOWN: True}


def requested(tracker: Tracker, slot: str) -> bool:
    """Whether the form is asking for ``slot`` now, or is being started (all slots may be given at once)."""
    return tracker.get_slot("requested_slot") in (None, slot) or tracker.active_loop.get("name") is None


def latest_entities(tracker: Tracker, entity: str) -> list[str]:
    """The values of every ``entity`` in the citizen's latest message, in order."""
    return [str(found["value"]) for found in tracker.latest_message.get("entities", [])
            if found.get("entity") == entity]


def latest_entity(tracker: Tracker, entity: str) -> str | None:
    """The value of the first ``entity`` in the citizen's latest message."""
    return next(iter(latest_entities(tracker, entity)), None)
