"""The privacy notice, told once per conversation before the assistant first asks for personal data.

UU 27/2022 (Pelindungan Data Pribadi) Pasal 5: whoever asks for personal data
tells its purpose. The notice (``utter_privacy_notice``) precedes the first
question for a NIK, a NIK's second factor or a birth date; the
``privacy_notice_shown`` slot remembers that it was told.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

PRIVACY_NOTICE_SHOWN = "privacy_notice_shown"
_ASK_PREFIX = "action_ask_"


def tell_privacy_notice_once(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The notice, unless the conversation has had it already; the events that remember it."""
    if tracker.get_slot(PRIVACY_NOTICE_SHOWN):
        return []
    dispatcher.utter_message(response="utter_privacy_notice")
    return [SlotSet(PRIVACY_NOTICE_SHOWN, True)]


class AskForPersonalData(Action, ABC):
    """``action_ask_<slot>``: the form's question ``utter_ask_<slot>``, the first time after the privacy notice."""

    @abstractmethod
    def name(self) -> str:
        """action_ask_<slot> (abstract, so that rasa-sdk does not register this base class)."""

    def question_values(self, tracker: Tracker) -> dict[str, Any]:
        """Values the question's text needs besides the slots (none by default)."""
        return {}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """The notice (once), then the question."""
        events = tell_privacy_notice_once(dispatcher, tracker)
        slot = self.name().removeprefix(_ASK_PREFIX)
        dispatcher.utter_message(response=f"utter_ask_{slot}", **self.question_values(tracker))
        return events

