"""One-time codes that join a citizen's Telegram and WhatsApp into one conversation.

The citizen asks for a code on one channel ("tautkan") and types it on the other
("tautkan 123456"): the second channel's identity then belongs to the first one's contact, so
both continue the same conversation (one Rasa tracker, one transcript).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.messages import Channel
from bot.store.models import ChannelIdentity, LinkCode, utc_now
from bot.store.transcripts import conversation_of
from storage.database import Database, bulk

CODE_TTL = timedelta(minutes=10)


class LinkOutcome(str, Enum):
    LINKED = "linked"
    ALREADY_LINKED = "already_linked"
    SAME_CHANNEL = "same_channel"
    UNKNOWN_CODE = "unknown_code"  # wrong, expired or already used: one answer for all, no hints


@dataclass(frozen=True)
class LinkResult:
    outcome: LinkOutcome
    conversation_id: str | None = None


def _new_code(session: Session) -> str:
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if session.get(LinkCode, code) is None:
            return code


class ChannelLinks:
    """Issues and redeems link codes."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def issue(self, contact_id: str, channel: Channel) -> str:
        """A fresh 6-digit code for ``contact_id`` (earlier unused codes of the contact are dropped)."""
        def work(session: Session) -> str:
            now = utc_now()
            session.execute(bulk(update(LinkCode).where(LinkCode.contact_id == contact_id,
                                                        LinkCode.used_at.is_(None)).values(expires_at=now)))
            code = _new_code(session)
            session.add(LinkCode(code=code, contact_id=contact_id, channel=channel.value, created_at=now,
                                 expires_at=now + CODE_TTL))
            session.commit()
            return code
        return await self.database.run(work)

    async def redeem(self, code: str, channel: Channel, address: str) -> LinkResult:
        """Move ``address`` on ``channel`` to the contact that asked for ``code``."""
        def work(session: Session) -> LinkResult:
            now = utc_now()
            link = session.execute(select(LinkCode).where(
                LinkCode.code == code, LinkCode.used_at.is_(None), LinkCode.expires_at > now,
            ).with_for_update()).scalar_one_or_none()
            if link is None:
                return LinkResult(LinkOutcome.UNKNOWN_CODE)
            if link.channel == channel.value:
                return LinkResult(LinkOutcome.SAME_CHANNEL)
            identity = session.execute(select(ChannelIdentity).where(
                ChannelIdentity.channel == channel.value, ChannelIdentity.address == address)).scalar_one()
            conversation = conversation_of(session, link.contact_id)
            if identity.contact_id == link.contact_id:
                return LinkResult(LinkOutcome.ALREADY_LINKED, conversation.id)
            link.used_at = now
            identity.contact_id = link.contact_id
            session.commit()
            return LinkResult(LinkOutcome.LINKED, conversation.id)
        return await self.database.run(work)
