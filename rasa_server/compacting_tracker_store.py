"""A SQL tracker store whose conversations never grow without bound.

A citizen's Telegram chat lives for months. Rasa rebuilds the tracker from
the events of the latest session on every turn and its policies read the
whole tracker, so a turn slows down as a session grows (measured here:
16 ms -> 481 ms between turn 20 and turn 230). When the latest session holds
more than ``max_session_events`` events, this store starts a new session the
way ``action_session_start`` does: slots, an active form and a paused
conversation are carried over, older turns stay in the database (for
transcripts and retraining) but are no longer loaded.

A turn also costs less here than with Rasa's store (measured under load with
PostgreSQL: the store's SQL was about a third of the Rasa server's time per turn):

- the latest session is loaded with one Core query that reads only the ``data``
  column (the same SQL filter as Rasa's, without building an ORM object per row),
  and its events are deserialised with a cached event-type lookup;
- ``save`` knows how many events of the session are already stored (the number
  loaded, or stored by the previous save of the same tracker), so Rasa's
  ``count()`` query — as costly as the load — is only run for a tracker this
  store did not load; the new rows are inserted in one Core ``executemany``.
  The ticket lock (lock store) guarantees that nobody else writes a
  conversation between its load and its save, which is what makes the number
  loaded equal to what the count query would return. A turn that outlives its
  ticket (60 s) breaks that guarantee for Rasa's store too: Rasa's would drop
  the late turn's events, this one stores them after the other turn's.
"""

from __future__ import annotations

import itertools
import json
import logging
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

from rasa_server.turn_capture import record_saved_tracker

DEFAULT_MAX_SESSION_EVENTS = 120
# attribute of a tracker: (id of the store, sender id, events of its latest session already stored by that store);
# the id, not the store, so that copying or pickling a tracker never copies the store's engine
_STORED_EVENTS_ATTRIBUTE = "_compacting_store_stored_events"

log = logging.getLogger(__name__)
_event_classes: dict[str, type[Event]] = {}


def event_class(type_name: str) -> type[Event] | None:
    """Rasa's ``Event.resolve_by_type`` (no default), remembered per type name.

    Rasa walks every subclass of ``Event`` (about 40, through ``inspect``) for each event it
    deserialises: 80 events, 80 walks per load. A name Rasa resolves maps to the same class for
    the life of the process; a name it does not resolve is asked again each time (same error).
    """
    cls = _event_classes.get(type_name)
    if cls is None:
        cls = Event.resolve_by_type(type_name)
        if cls is not None:
            _event_classes[type_name] = cls
    return cls


def deserialise_events(serialised: list[dict[str, Any]]) -> list[Event]:
    """Rasa's ``rasa.shared.core.events.deserialise_events`` with the cached type lookup."""
    events: list[Event] = []
    for data in serialised:
        if "event" not in data:
            continue
        name = data.get("event")
        cls = event_class(name) if name is not None else None
        event = cls._from_parameters(data) if cls is not None else None
        if event is not None:
            events.append(event)
        else:  # as Rasa: skipped with a warning
            log.warning("event.deserialization.failed: %r", name)
    return events


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
        self._build_statements()

    def _build_statements(self) -> None:
        """Core statements built once (SQLAlchemy then reuses their compiled form on every turn).

        The filter is Rasa's ``SQLTrackerStore._event_query`` (re-check on upgrades): the events
        at or after the latest ``session_started`` (all of them when there is none), by id.
        """
        table = self.SQLEvent.__table__
        sender = sa.bindparam("sender_id")
        session_start = (
            sa.select(sa.func.max(table.c.timestamp).label("session_start"))
            .where(table.c.sender_id == sender, table.c.type_name == SessionStarted.type_name)
            .subquery()
        )
        self._latest_session_query = (
            sa.select(table.c.data)
            .where(table.c.sender_id == sender,
                   sa.or_(table.c.timestamp >= session_start.c.session_start,
                          session_start.c.session_start.is_(None)))
            .order_by(table.c.id)
        )
        self._all_sessions_query = sa.select(table.c.data).where(table.c.sender_id == sender).order_by(table.c.id)
        self._insert = table.insert()

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

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> DialogueStateTracker | None:
        """Rasa's ``SQLTrackerStore._retrieve``: same rows, same tracker (see the module docstring)."""
        query = self._all_sessions_query if fetch_events_from_all_sessions else self._latest_session_query
        with self.session_scope() as session:
            rows = session.connection().execute(query, {"sender_id": sender_id}).fetchall()
        if not (self.domain and rows):
            return None
        tracker = DialogueStateTracker.from_events(
            sender_id, deserialise_events([json.loads(data) for (data,) in rows]), self.domain.slots)
        if not fetch_events_from_all_sessions:
            self._remember_stored(tracker, len(rows))
        return tracker

    def _remember_stored(self, tracker: DialogueStateTracker, count: int | None) -> None:
        """Note on ``tracker`` how many events of its latest session this store holds (None: unknown)."""
        setattr(tracker, _STORED_EVENTS_ATTRIBUTE, None if count is None else (id(self), tracker.sender_id, count))

    def _stored_count(self, tracker: DialogueStateTracker) -> int | None:
        """What Rasa's count query in ``_additional_events`` would return, when this store knows it."""
        noted = getattr(tracker, _STORED_EVENTS_ATTRIBUTE, None)
        if noted is None:
            return None
        store, sender_id, count = noted
        if store != id(self) or sender_id != tracker.sender_id or count > len(tracker.events):
            return None
        return int(count)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the new events, opening a new session first if this one is too long."""
        last = tracker.events[-1] if tracker.events else None
        ends_turn = isinstance(last, ActionExecuted) and last.action_name == ACTION_LISTEN_NAME
        rolled_over = ends_turn and len(tracker.events) > self.max_session_events
        if rolled_over:
            for event in carried_over_events(tracker, time.time()):
                tracker.update(event)
        stored = self._stored_count(tracker)
        with self.session_scope() as session:
            if stored is None:
                new_events = list(self._additional_events(session, tracker))
            else:
                new_events = list(itertools.islice(tracker.events, stored, len(tracker.events)))
            if new_events:
                session.connection().execute(self._insert, [self._row(tracker.sender_id, event)
                                                            for event in new_events])
            session.commit()
        # After a roll-over the stored session is the new one, which this tracker does not start:
        # the next save of this tracker (if any) counts in the database, as Rasa's store does.
        self._remember_stored(tracker, None if rolled_over else len(tracker.events))
        if self.event_broker is not None:
            # Rasa's save() finds the events to publish by loading the whole tracker again and
            # diffing it (stream_events): a second full load per turn, 14 % of a turn's CPU with
            # PostgreSQL. They are the events just stored; they are published once stored.
            await self._stream_new_events(self.event_broker, new_events, tracker.sender_id)
        record_saved_tracker(tracker)

    def _row(self, sender_id: str, event: Event) -> dict[str, Any]:
        """A row of Rasa's ``events`` table, filled as SQLTrackerStore.save fills it (re-check on upgrades)."""
        data = event.as_dict()
        return {"sender_id": sender_id, "type_name": event.type_name, "timestamp": data.get("timestamp"),
                "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                "action_name": data.get("name"), "data": json.dumps(data)}
