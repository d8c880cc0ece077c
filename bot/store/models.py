"""Tables of the transcript store (SQLAlchemy 1.4 in 2.0 style; schema changes go through Alembic)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declarative_base

Base: Any = declarative_base()


class Contact(Base):
    """A citizen, whatever channels they write from (linked identities share one contact)."""

    __tablename__ = "contacts"
    id = Column(String(36), primary_key=True)
    display_name = Column(String(200))
    created_at = Column(DateTime, nullable=False)


class ChannelIdentity(Base):
    """A citizen's address on one channel: Telegram chat id, WhatsApp number, web session."""

    __tablename__ = "channel_identities"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_identity_channel_address"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    channel = Column(String(16), nullable=False)
    address = Column(String(100), nullable=False)
    contact_id = Column(String(36), ForeignKey("contacts.id"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)


class Conversation(Base):
    """One conversation of a contact with the assistant; ``sender_id`` is its Rasa tracker."""

    __tablename__ = "conversations"
    id = Column(String(36), primary_key=True)
    contact_id = Column(String(36), ForeignKey("contacts.id"), nullable=False, index=True)
    sender_id = Column(String(64), nullable=False, unique=True)
    status = Column(String(16), nullable=False, default="bot")
    created_at = Column(DateTime, nullable=False)
    last_message_at = Column(DateTime, nullable=False)


class Message(Base):
    """Every inbound and outbound message, with delivery status and, for citizens, the NLU result.

    ``dedupe_key`` ("<channel>:<external id>") is set for inbound messages only: its unique index
    makes a redelivered update a no-op.
    """

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation", "conversation_id", "id"),
        Index("ix_messages_channel_external", "channel", "address", "external_id"),
        Index("ix_messages_pending", "direction", "status"),
    )
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(36), ForeignKey("conversations.id"), nullable=False)
    direction = Column(String(3), nullable=False)  # in | out
    sender = Column(String(16), nullable=False)  # citizen | bot | agent | system
    channel = Column(String(16), nullable=False)
    address = Column(String(100), nullable=False)
    external_id = Column(String(100))
    dedupe_key = Column(String(140), unique=True)
    kind = Column(String(16), nullable=False, default="text")
    text = Column(Text, nullable=False, default="")
    payload = Column(Text)
    buttons = Column(JSON)  # outbound: [{"title", "payload"}]
    details = Column(JSON)  # inbound: {"media": ..., "extra": {...}} the channel needs to answer
    status = Column(String(16), nullable=False)
    attempts = Column(Integer, nullable=False, default=0)
    error = Column(String(300))
    intent = Column(String(100))
    confidence = Column(Float)
    entities = Column(JSON)
    reply_to = Column(Integer, ForeignKey("messages.id"))
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)


class LinkCode(Base):
    """A one-time code that joins another channel's identity to this contact."""

    __tablename__ = "link_codes"
    code = Column(String(12), primary_key=True)
    contact_id = Column(String(36), ForeignKey("contacts.id"), nullable=False)
    channel = Column(String(16), nullable=False)
    created_at = Column(DateTime, nullable=False)
    expires_at = Column(DateTime, nullable=False)
    used_at = Column(DateTime)


def utc_now() -> datetime:
    """Timestamps are stored as naive UTC (SQLite keeps no time zone)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
