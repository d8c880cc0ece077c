"""A SQL tracker store whose conversations never grow without bound.

A citizen's Telegram chat lives for months. Rasa rebuilds the tracker from
the events of the latest session on every turn and its policies read the
whole tracker, so a turn slows down as a session grows (measured here:
16 ms -> 481 ms between turn 20 and turn 230). When the latest session holds
more than ``max_session_events`` events, this store starts a new session the
way ``action_session_start`` does: slots, an active form and a paused
conversation are carried over, older turns stay in the database (for
transcripts and retraining) but are no longer loaded.
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from dialogue.turn_capture import record_saved_tracker

DEFAULT_MAX_SESSION_EVENTS = 120


def carried_over_events(tracker: DialogueStateTracker, timestamp: float) -> list[Event]:
    """Return the events that open a new session with the state of ``tracker``."""
    events: list[Event] = [SessionStarted(timestamp=timestamp)]
    events += [
        SlotSet(slot.name, slot.value, timestamp=timestamp)
        for slot in tracker.slots.values()
        if slot.value != slot.initial_value
    ]
    if tracker.active_loop_name:
        events.append(ActiveLoop(tracker.active_loop_name, timestamp=timestamp))
    if tracker.is_paused():
        events.append(ConversationPaused(timestamp=timestamp))
    events.append(ActionExecuted(ACTION_LISTEN_NAME, timestamp=timestamp))
    return events


class CompactingSQLTrackerStore(SQLTrackerStore):
    """:class:`SQLTrackerStore` that rolls over to a new session when one grows too long."""

    engine: sa.engine.Engine

    def __init__(self, *args: Any, max_session_events: int = DEFAULT_MAX_SESSION_EVENTS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_session_events = int(max_session_events)
        if self.engine.dialect.name == "sqlite":
            self._use_fast_sqlite()
        self._create_session_indexes()

    def _create_session_indexes(self) -> None:
        """Index what loading the latest session asks for.

        Rasa indexes ``events`` on ``sender_id`` only, so finding the latest
        ``session_started`` and the events after it reads every event the
        citizen ever sent: a turn slows down as the history grows, even when
        the session loaded is short.
        """
        table = self.SQLEvent.__table__
        indexes = [
            sa.Index("ix_events_sender_type_time", table.c.sender_id, table.c.type_name, table.c.timestamp),
            sa.Index("ix_events_sender_time", table.c.sender_id, table.c.timestamp),
        ]
        with self.engine.begin() as connection:
            for index in indexes:
                index.create(connection, checkfirst=True)

    def _use_fast_sqlite(self) -> None:
        """Keep one SQLite connection open, in WAL mode without an fsync per commit.

        Rasa opens a new SQLite connection for every query and SQLite syncs the
        file on every commit: together about 14 ms of a 25 ms turn here. With
        WAL and ``synchronous=NORMAL`` a power cut may lose the last turns but
        never corrupts the database; production uses PostgreSQL anyway.
        """
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(url, connect_args={"check_same_thread": False},
                                       poolclass=sa.pool.SingletonThreadPool)

        @sa.event.listens_for(self.engine, "connect")
        def _pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, opening a new session first if this one is too long."""
        last = tracker.events[-1] if tracker.events else None
        ends_turn = isinstance(last, ActionExecuted) and last.action_name == ACTION_LISTEN_NAME
        if ends_turn and len(tracker.events) > self.max_session_events:
            for event in carried_over_events(tracker, time.time()):
                tracker.update(event)
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
            session.add_all([self._row(tracker.sender_id, event) for event in new_events])
            session.commit()
        if self.event_broker is not None:
            # Rasa's save() finds the events to publish by loading the whole tracker again and
            # diffing it (stream_events): a second full load per turn, 14 % of a turn's CPU with
            # PostgreSQL. They are the events just stored; they are published once stored.
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        record_saved_tracker(tracker)

    def _row(self, sender_id: str, event: Event) -> Any:
        """A row of Rasa's ``events`` table, filled as SQLTrackerStore.save fills it (re-check on upgrades)."""
        data = event.as_dict()
        return self.SQLEvent(sender_id=sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                             intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                             action_name=data.get("name"), data=json.dumps(data))
