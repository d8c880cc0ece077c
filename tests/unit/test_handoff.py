"""When and why the conversation is handed to an officer (actions/handoff.py), on trackers as Rasa sends them."""

from __future__ import annotations

from typing import Any

from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionFallbackOrHandoff, ActionHandoff

NOT_UNDERSTOOD = "qwxz plmokn"


def said(text: str, intent: str) -> list[Event]:
    return [ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 0.9})]


def answered(*utter_actions: str) -> list[Event]:
    events: list[Event] = []
    for name in utter_actions:
        events += [ActionExecuted(name), BotUttered(f"({name})", metadata={"utter_action": name})]
    return events


def sdk_tracker(events: list[Event], slots: dict[str, Any] | None = None) -> Tracker:
    """The tracker as the action server receives it (Rasa's JSON of all events)."""
    tracker = DialogueStateTracker.from_events("citizen", events)
    state = tracker.current_state(EventVerbosity.ALL)
    state["slots"] = {**state.get("slots", {}), **(slots or {})}
    return Tracker.from_dict(state)


async def run(action: ActionHandoff | ActionFallbackOrHandoff, events: list[Event],
              slots: dict[str, Any] | None = None) -> tuple[list[str | None], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    result = await action.run(dispatcher, sdk_tracker(events, slots), {})
    return [message.get("response") for message in dispatcher.messages], result


def reason_of(events: list[dict[str, Any]]) -> str | None:
    return next(event["value"] for event in events if event.get("name") == "handoff_reason")


async def test_an_officer_asked_for_pauses_with_the_reason_request_human() -> None:
    _, events = await run(ActionHandoff(), [*said("mau bicara dengan petugas", "request_human"),
                                            *answered("utter_request_human")])
    assert [event["event"] for event in events] == ["slot", "pause", "action"]
    assert reason_of(events) == "request_human"
    # the tracker listens while paused, so that the first message after the resume matches the rules again
    assert events[-1]["name"] == "action_listen"


async def test_a_complaint_is_handed_over_as_a_complaint() -> None:
    _, events = await run(ActionHandoff(), [*said("petugasnya jutek mau komplain", "complaint"),
                                            *answered("utter_complaint")])
    assert reason_of(events) == "complaint"


async def test_the_officer_asked_for_after_the_back_office_apology_is_backoffice_down() -> None:
    history = [*said("mpp di wajo dimana", "mpp_location"), *answered("utter_backoffice_unavailable"),
               *said("/request_human", "request_human"), *answered("utter_request_human")]
    _, events = await run(ActionHandoff(), history)
    assert reason_of(events) == "backoffice_down"


async def test_the_back_office_marked_down_in_this_turn_is_backoffice_down() -> None:
    _, events = await run(ActionHandoff(), said("/request_human", "request_human"), slots={"backoffice_down": True})
    assert reason_of(events) == "backoffice_down"


async def test_an_older_apology_is_not_the_reason() -> None:
    history = [*said("mpp di wajo dimana", "mpp_location"), *answered("utter_backoffice_unavailable"),
               *said("syarat kia", "kia"), *answered("utter_kia"), *said("petugas", "request_human")]
    _, events = await run(ActionHandoff(), history)
    assert reason_of(events) == "request_human"


async def test_one_message_not_understood_gets_the_menu() -> None:
    messages, events = await run(ActionFallbackOrHandoff(), [*said("halo", "greet"), *answered("utter_greet"),
                                                             *said(NOT_UNDERSTOOD, "nlu_fallback")])
    assert messages == ["utter_default"]
    assert events == []


async def test_the_second_message_in_a_row_not_understood_is_handed_over() -> None:
    history = [*said(NOT_UNDERSTOOD, "nlu_fallback"), ActionExecuted("action_fallback_or_handoff"),
               BotUttered("(utter_default)", metadata={"utter_action": "utter_default"}),
               *said("zzkj vbnm", "nlu_fallback")]
    messages, events = await run(ActionFallbackOrHandoff(), history)
    assert messages == ["utter_handoff_after_fallbacks"]
    assert reason_of(events) == "fallback"
    assert [event["event"] for event in events] == ["slot", "pause", "action"]
    _, handoff_events = await run(ActionHandoff(), history)
    assert reason_of(handoff_events) == "fallback"


async def test_messages_not_understood_with_an_answer_between_are_not_in_a_row() -> None:
    history = [*said(NOT_UNDERSTOOD, "nlu_fallback"), *answered("utter_default"),
               *said("syarat kia", "kia"), *answered("utter_kia"), *said("zzkj vbnm", "nlu_fallback")]
    assert (await run(ActionFallbackOrHandoff(), history))[0] == ["utter_default"]


async def test_messages_to_the_officer_do_not_count_after_the_resume() -> None:
    history = [*said("petugas", "request_human"), *answered("utter_request_human"), ActionExecuted("action_handoff"),
               SlotSet("handoff_reason", "request_human"), ConversationPaused(), ActionExecuted("action_listen"),
               UserUttered(NOT_UNDERSTOOD, {"name": "nlu_fallback", "confidence": 0.1}),
               ConversationResumed(), SlotSet("handed_off", True), *said("zzkj vbnm", "nlu_fallback")]
    assert (await run(ActionFallbackOrHandoff(), history))[0] == ["utter_default"]
