"""The status Enums (bot/store/statuses.py) are the strings the gateway's databases already hold.

Renaming a member is free; changing a value would silently write new strings next to the old
ones (a data migration nobody wrote), so the values are pinned here and checked in the database
itself, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.messages import BotMessage, Channel, InboundKind, InboundMessage
from bot.store.agents import Agents
from bot.store.handoff import HandoffStore
from bot.store.models import Conversation, Message
from bot.store.statuses import IN_HANDOFF, ConversationStatus, DeliveryStatus, InboundStatus
from bot.store.transcripts import TranscriptStore
from storage.database import Database

# what conversations.status and messages.status hold in every deployed gateway database
CONVERSATION_VALUES = {"bot", "queued", "assigned", "resolved"}
INBOUND_VALUES = {"received", "answered", "forwarded", "rate_limited", "failed"}
DELIVERY_VALUES = {"pending", "resending", "sent", "delivered", "read", "failed"}


def test_the_values_are_the_stored_strings_and_fit_their_columns() -> None:
    assert {status.value for status in ConversationStatus} == CONVERSATION_VALUES
    assert {status.value for status in InboundStatus} == INBOUND_VALUES
    assert {status.value for status in DeliveryStatus} == DELIVERY_VALUES
    assert set(IN_HANDOFF) == {"queued", "assigned"}
    assert all(len(status.value) <= Conversation.__table__.c.status.type.length for status in ConversationStatus)
    assert all(len(status.value) <= Message.__table__.c.status.type.length
               for status in (*InboundStatus, *DeliveryStatus))


def test_members_travel_as_their_values() -> None:
    assert json.dumps({"status": ConversationStatus.QUEUED}) == '{"status": "queued"}'
    assert ConversationStatus.QUEUED == "queued" and "queued" in {ConversationStatus.QUEUED}
    assert ConversationStatus("resolved") is ConversationStatus.RESOLVED


async def _status(database: Database, table: str, row_id: object) -> str:
    """The raw column value, read past the ORM."""
    def work(session: Session) -> str:
        return str(session.execute(text(f"SELECT status FROM {table} WHERE id = :id"), {"id": row_id}).scalar_one())
    return await database.run(work)


async def test_what_the_gateway_writes_is_the_plain_strings(database: Database) -> None:
    transcripts, handoff = TranscriptStore(database), HandoffStore(database)
    stored = await transcripts.record_inbound(
        InboundMessage(Channel.TELEGRAM, "1", "5550001", InboundKind.TEXT, text="mau bicara dengan petugas"))
    assert stored is not None and stored.conversation_status is ConversationStatus.BOT
    conversation = stored.conversation_id
    assert await _status(database, "conversations", conversation) == "bot"
    assert await _status(database, "messages", stored.id) == "received"
    [answer] = await transcripts.finish_inbound(stored, InboundStatus.ANSWERED, [BotMessage("Baik.")])
    assert await _status(database, "messages", stored.id) == "answered"
    assert await _status(database, "messages", answer) == "pending"
    await transcripts.set_delivery(answer, DeliveryStatus.SENT, external_id="9")
    assert await _status(database, "messages", answer) == "sent"

    agent = await Agents(database).create("siti", "Siti", "agent", "kata-sandi-panjang-1")
    assert (await handoff.queue(conversation, "request_human")).changed
    assert await _status(database, "conversations", conversation) == "queued"
    claimed = await handoff.claim(conversation, agent)
    assert claimed.previous_status is ConversationStatus.QUEUED
    assert claimed.view is not None and claimed.view.status is ConversationStatus.ASSIGNED
    assert await _status(database, "conversations", conversation) == "assigned"
    assert (await handoff.resolve(conversation, agent)).changed
    assert await _status(database, "conversations", conversation) == "resolved"
    assert (await handoff.finish(conversation, 5)).changed
    assert await _status(database, "conversations", conversation) == "bot"
