"""Queue slots: one row per MPP, service and day, whose counters are changed atomically.

Capacity is taken with a single conditional UPDATE (``booked < capacity``), so two
concurrent bookings can never both take the last place, on SQLite (one writer at a
time) as on PostgreSQL (the second UPDATE re-checks the row after the first commits).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.models import QueueSlot
from storage.database import bulk


def find_slot(session: Session, mpp_id: str, service: str, day: date) -> QueueSlot | None:
    """The slot of that day, if anyone asked for it before."""
    return session.scalars(
        select(QueueSlot).where(QueueSlot.mpp_id == mpp_id, QueueSlot.service == service, QueueSlot.date == day)
    ).first()


def ensure_slot(session: Session, mpp_id: str, service: str, day: date, capacity: int) -> int:
    """The id of that day's slot, created (and committed) when missing.

    Insert-or-ignore that works on SQLite and PostgreSQL alike: when a concurrent
    request created the slot first, the unique constraint fails and the slot is re-read.
    """
    slot = find_slot(session, mpp_id, service, day)
    if slot is not None:
        return int(slot.id)
    try:
        session.add(QueueSlot(mpp_id=mpp_id, service=service, date=day, capacity=capacity, booked=0, issued=0))
        session.commit()
    except IntegrityError:
        session.rollback()
    slot = find_slot(session, mpp_id, service, day)
    assert slot is not None, "the slot exists after insert-or-ignore"
    return int(slot.id)


def take_place(session: Session, slot_id: int) -> int | None:
    """Take one place in the caller's transaction; the new queue number, or None when full."""
    taken = session.execute(bulk(
        update(QueueSlot)
        .where(QueueSlot.id == slot_id, QueueSlot.booked < QueueSlot.capacity)
        .values(booked=QueueSlot.booked + 1, issued=QueueSlot.issued + 1)
    ))
    if taken.rowcount != 1:
        return None
    return int(session.scalar(select(QueueSlot.issued).where(QueueSlot.id == slot_id)))


def free_place(session: Session, slot_id: int) -> None:
    """Give one place back (a cancelled booking), in the caller's transaction."""
    session.execute(bulk(
        update(QueueSlot).where(QueueSlot.id == slot_id, QueueSlot.booked > 0).values(booked=QueueSlot.booked - 1)
    ))
