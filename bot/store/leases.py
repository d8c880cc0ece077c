"""Conversation leases: with several gateway workers on one PostgreSQL database, one worker at a
time handles a conversation's messages, oldest first.

A worker that stored a message tries to take the lease; if another worker holds it, that worker
will find the message when it looks for more before and after giving the lease back (the message
was committed before the failed attempt, and the holder looks again after releasing). A worker
that dies loses its leases when ``ttl_s`` runs out; a periodic sweep picks up what it left.
Each claim is one conditional UPDATE, like the handoff transitions.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from sqlalchemy import and_, or_, update
from sqlalchemy.orm import Session

from bot.store.models import Conversation, utc_now
from storage.database import Database

DEFAULT_TTL_S = 30.0


def worker_name() -> str:
    """This process, recognisable in the database: host, pid and a random part (pids are reused)."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{secrets.token_hex(3)}"


class ConversationLeases:
    def __init__(self, database: Database, owner: str | None = None, ttl_s: float = DEFAULT_TTL_S) -> None:
        self.database = database
        self.owner = owner or worker_name()
        self.ttl_s = ttl_s

    async def acquire(self, conversation_id: str) -> bool:
        """Take the lease unless another live worker holds it."""
        def work(session: Session) -> bool:
            now = utc_now()
            free = or_(Conversation.lease_owner.is_(None), Conversation.lease_owner == self.owner,
                       Conversation.lease_until < now)
            done = session.execute(update(Conversation).where(and_(Conversation.id == conversation_id, free))
                                   .values(lease_owner=self.owner, lease_until=now + timedelta(seconds=self.ttl_s)))
            session.commit()
            return bool(done.rowcount)
        return await self.database.run(work)

    async def renew(self, conversation_id: str) -> bool:
        def work(session: Session) -> bool:
            done = session.execute(update(Conversation).where(and_(
                Conversation.id == conversation_id, Conversation.lease_owner == self.owner)).values(
                lease_until=utc_now() + timedelta(seconds=self.ttl_s)))
            session.commit()
            return bool(done.rowcount)
        return await self.database.run(work)

    async def release(self, conversation_id: str) -> None:
        def work(session: Session) -> None:
            session.execute(update(Conversation).where(and_(
                Conversation.id == conversation_id, Conversation.lease_owner == self.owner)).values(
                lease_owner=None, lease_until=None))
            session.commit()
        await self.database.run(work)

    @asynccontextmanager
    async def kept(self, conversation_id: str) -> AsyncIterator[None]:
        """Renew the lease every third of its time while the block runs (Rasa may be down for minutes)."""
        async def renew_forever() -> None:
            while True:
                await asyncio.sleep(self.ttl_s / 3)
                await self.renew(conversation_id)
        renewing = asyncio.create_task(renew_forever())
        try:
            yield
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)
