"""Tracker events the gateway owes Rasa (pause when a supervisor takes over, resume when a
handoff ends), kept in the database until Rasa has them (table ``rasa_outbox``).

The entries are written by the handoff's transitions, in the same transaction
(bot/store/handoff.py). Posting is claimed first (one conditional UPDATE, as for leases, with a
token of its own per claim), so two workers never post the same entry at once; a worker that
dies holding a claim loses it after ``claim_s``, which must outlast a post to every Rasa server.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import RasaOutboxEntry, utc_now
from storage.database import Database, bulk

DEFAULT_CLAIM_S = 30.0


@dataclass(frozen=True)
class OwedEvents:
    id: int
    sender_id: str
    events: list[dict[str, Any]]
    claim: str  # this attempt's token in ``claimed_by``


class RasaOutbox:
    def __init__(self, database: Database, owner: str, claim_s: float = DEFAULT_CLAIM_S) -> None:
        self.database = database
        self.owner = owner
        self.claim_s = claim_s

    async def claim_next(self, conversation_id: str) -> OwedEvents | None:
        """The conversation's oldest entry, claimed for this worker; None if there is none or another
        worker is posting it."""
        def work(session: Session) -> OwedEvents | None:
            entry = session.execute(select(RasaOutboxEntry).where(RasaOutboxEntry.conversation_id == conversation_id)
                                    .order_by(RasaOutboxEntry.id).limit(1)).scalar_one_or_none()
            if entry is None:
                return None
            now, claim = utc_now(), f"{self.owner[:55]}:{secrets.token_hex(4)}"
            free = or_(RasaOutboxEntry.claimed_by.is_(None), RasaOutboxEntry.claimed_until < now)
            claimed = session.execute(bulk(update(RasaOutboxEntry).where(and_(RasaOutboxEntry.id == entry.id, free))
                                           .values(claimed_by=claim,
                                                   claimed_until=now + timedelta(seconds=self.claim_s))))
            session.commit()
            return OwedEvents(entry.id, entry.sender_id, list(entry.events), claim) if claimed.rowcount else None
        return await self.database.run(work)

    async def delivered(self, owed: OwedEvents) -> None:
        def work(session: Session) -> None:
            session.execute(bulk(delete(RasaOutboxEntry).where(RasaOutboxEntry.id == owed.id)))
            session.commit()
        await self.database.run(work)

    async def failed(self, owed: OwedEvents) -> None:
        """Rasa could not take it: any worker may try again (unless the claim ran out meanwhile)."""
        def work(session: Session) -> None:
            session.execute(bulk(update(RasaOutboxEntry).where(
                RasaOutboxEntry.id == owed.id, RasaOutboxEntry.claimed_by == owed.claim).values(
                claimed_by=None, claimed_until=None)))
            session.commit()
        await self.database.run(work)

    async def owes(self, conversation_id: str) -> bool:
        def work(session: Session) -> bool:
            return session.execute(select(RasaOutboxEntry.id).where(
                RasaOutboxEntry.conversation_id == conversation_id).limit(1)).first() is not None
        return await self.database.run(work)

    async def conversations_owed(self) -> list[str]:
        """Conversations with events waiting, oldest first (for the periodic retry)."""
        def work(session: Session) -> list[str]:
            rows = session.execute(select(RasaOutboxEntry.conversation_id).group_by(RasaOutboxEntry.conversation_id)
                                   .order_by(func.min(RasaOutboxEntry.id))).scalars().all()
            return [str(conversation_id) for conversation_id in rows]
        return await self.database.run(work)
