"""Handing the conversation to a call-centre officer when the assistant cannot help.

The assistant says so, records why (``handoff_reason``) and pauses the
conversation: Rasa answers nothing more, and the gateway, which sees
``"paused": true``, queues the conversation for an officer. The gateway resumes
it later through Rasa's tracker events API (``resume``, then ``handed_off`` =
true, which makes the greeting a welcome back: domain/basics.yml).

Earlier messages count only back to the latest handoff, restart or new session:
what the citizen wrote to the officer is not held against the assistant.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.backoffice_action import BACKOFFICE_DOWN

HANDOFF_REASON = "handoff_reason"
FALLBACK_INTENT = "nlu_fallback"
_BACKOFFICE_APOLOGY = "utter_backoffice_unavailable"
_BOUNDARIES = frozenset({"pause", "resume", "restart", "session_started"})


def citizen_turns(tracker: Tracker) -> Iterator[tuple[EventType, list[EventType]]]:
    """The citizen's messages, latest first, each with the bot messages that followed it, back to a boundary."""
    answers: list[EventType] = []
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind in _BOUNDARIES:
            return
        if kind == "bot":
            answers.insert(0, event)
        elif kind == "user":
            yield event, answers
            answers = []


def _intent(user_event: EventType) -> str | None:
    return ((user_event.get("parse_data") or {}).get("intent") or {}).get("name")


def repeated_fallback(tracker: Tracker) -> bool:
    """Whether the citizen's latest message and the one before it were both not understood."""
    return [_intent(user) for user, _ in islice(citizen_turns(tracker), 2)] == [FALLBACK_INTENT] * 2


def after_backoffice_apology(tracker: Tracker) -> bool:
    """Whether the back office was down: marked in this turn, or the previous message got the apology."""
    if tracker.get_slot(BACKOFFICE_DOWN):
        return True
    previous = list(islice(citizen_turns(tracker), 2))[1:]
    return any((bot.get("metadata") or {}).get("utter_action") == _BACKOFFICE_APOLOGY
               for _, answers in previous for bot in answers)


def handoff_reason(tracker: Tracker) -> str:
    """complaint, backoffice_down, fallback (two messages not understood) or request_human."""
    if (tracker.latest_message.get("intent") or {}).get("name") == "complaint":
        return "complaint"
    if after_backoffice_apology(tracker):
        return "backoffice_down"
    if repeated_fallback(tracker):
        return "fallback"
    return "request_human"


def handoff(reason: str) -> list[EventType]:
    """Record the reason and pause.

    The trailing ``action_listen`` is what Rasa would have run next had the
    conversation not been paused; without it, the first message after the
    resume would follow ``action_handoff`` and match no rule.
    """
    return [SlotSet(HANDOFF_REASON, reason), ConversationPaused(), ActionExecuted("action_listen")]


class ActionHandoff(Action):
    """Pauses the conversation for an officer (after utter_request_human or utter_complaint)."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """Pause, with the reason."""
        return handoff(handoff_reason(tracker))


class ActionFallbackOrHandoff(Action):
    """A message not understood gets the menu; the second in a row goes to an officer."""

    def name(self) -> str:
        """The action name in the domain."""
        return "action_fallback_or_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        """utter_default, or utter_handoff_after_fallbacks and a pause."""
        if not repeated_fallback(tracker):
            dispatcher.utter_message(response="utter_default")
            return []
        dispatcher.utter_message(response="utter_handoff_after_fallbacks")
        return handoff("fallback")
