"""A long conversation rolls over to a new session that keeps its state."""

from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server.compacting_tracker_store import CompactingSQLTrackerStore

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [greet]
slots:
  region:
    type: text
    mappings: [{type: from_text}]
forms:
  book_form:
    required_slots: [region]
responses:
  utter_greet: [{text: "Halo"}]
"""
)


def one_turn(number: int) -> list:
    return [
        UserUttered(f"halo {number}", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        BotUttered("Halo"),
        ActionExecuted("action_listen"),
    ]


@pytest.fixture()
def store(tmp_path: Path) -> CompactingSQLTrackerStore:
    return CompactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "tracker.db"), max_session_events=40)


async def test_a_long_session_is_loaded_from_its_latest_part_only(store: CompactingSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("citizen", [ActionExecuted("action_listen")], DOMAIN.slots)
    tracker.update(SlotSet("region", "Kabupaten Tegal"))
    tracker.update(ActiveLoop("book_form"))
    for number in range(30):
        for event in one_turn(number):
            tracker.update(event)
        await store.save(tracker)
        tracker = await store.retrieve("citizen")
        assert tracker is not None
        assert len(tracker.events) <= 40 + len(one_turn(0))
    # the state survived every roll-over
    assert tracker.get_slot("region") == "Kabupaten Tegal"
    assert tracker.active_loop_name == "book_form"
    # nothing was lost: the full history is still stored
    full = await store.retrieve_full_tracker("citizen")
    assert full is not None
    assert sum(isinstance(event, UserUttered) for event in full.events) == 30


async def test_a_short_session_is_left_alone(store: CompactingSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("short", [ActionExecuted("action_listen")], DOMAIN.slots)
    for event in one_turn(1):
        tracker.update(event)
    await store.save(tracker)
    loaded = await store.retrieve("short")
    assert loaded is not None
    assert [event.as_dict()["event"] for event in loaded.events] == [e.as_dict()["event"] for e in tracker.events]
