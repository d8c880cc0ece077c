"""Tables of the transcript store (SQLAlchemy 1.4 in 2.0 style; schema changes go through Alembic)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import declarative_base

from bot.store.statuses import ConversationStatus

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
    """One conversation of a contact with the assistant; ``sender_id`` is its Rasa tracker.

    ``status``: bot -> queued -> assigned -> resolved -> bot (bot/handoff/; the values:
    ``ConversationStatus``, bot/store/statuses.py). ``resolved`` lasts until the citizen rates the
    agent (or writes something else).
    """

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_status", "status", "queued_at"),)
    id = Column(String(36), primary_key=True)
    contact_id = Column(String(36), ForeignKey("contacts.id"), nullable=False, index=True)
    sender_id = Column(String(64), nullable=False, unique=True)
    status = Column(String(16), nullable=False, default=ConversationStatus.BOT)
    handoff_reason = Column(String(32))
    assigned_agent_id = Column(Integer, ForeignKey("agents.id"), index=True)
    queued_at = Column(DateTime)
    assigned_at = Column(DateTime)
    resolved_at = Column(DateTime)
    created_at = Column(DateTime, nullable=False)
    last_message_at = Column(DateTime, nullable=False)
    # With several gateway workers, the one handling this conversation's messages until lease_until
    # (bot/store/leases.py); a worker that dies loses it when the time runs out.
    lease_owner = Column(String(64))
    lease_until = Column(DateTime)


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
    status = Column(String(16), nullable=False)  # InboundStatus | DeliveryStatus (bot/store/statuses.py)
    attempts = Column(Integer, nullable=False, default=0)
    error = Column(String(300))
    intent = Column(String(100))
    confidence = Column(Float)
    entities = Column(JSON)
    reply_to = Column(Integer, ForeignKey("messages.id"))
    agent_id = Column(Integer, ForeignKey("agents.id"))  # who wrote an agent's message
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)


class Agent(Base):
    """A call-centre agent or supervisor who logs into the console."""

    __tablename__ = "agents"
    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False, unique=True)
    name = Column(String(200), nullable=False)
    role = Column(String(16), nullable=False)  # agent | supervisor
    password_hash = Column(String(300), nullable=False)
    disabled = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False)


class AgentSession(Base):
    """A console login: the cookie holds the token, the database only its hash."""

    __tablename__ = "agent_sessions"
    token_hash = Column(String(64), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False, index=True)
    csrf = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    last_seen_at = Column(DateTime, nullable=False)


class RasaOutboxEntry(Base):
    """Tracker events (pause, resume) the gateway owes Rasa for a conversation, oldest first.

    Stored before they are posted, deleted once Rasa has them: a Rasa outage or a worker that
    dies in between delays them but never loses them, and a citizen's next message waits for them
    (a message sent to a tracker still paused would get no answer). ``claimed_by`` and
    ``claimed_until``: the worker posting it now, so two workers do not post it twice.
    """

    __tablename__ = "rasa_outbox"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(36), ForeignKey("conversations.id"), nullable=False, index=True)
    sender_id = Column(String(64), nullable=False)
    events = Column(JSON, nullable=False)
    created_at = Column(DateTime, nullable=False)
    claimed_by = Column(String(64))
    claimed_until = Column(DateTime)


class AgentPresence(Base):
    """Which gateway worker has console sockets of which agent open (several workers share this).

    The worker refreshes ``seen_at`` while sockets are open; a row not refreshed for a while is
    a worker that died. With no socket left, ``connections`` is 0 and ``seen_at`` says since when.
    """

    __tablename__ = "agent_presence"
    worker = Column(String(64), primary_key=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), primary_key=True)
    connections = Column(Integer, nullable=False)
    seen_at = Column(DateTime, nullable=False)


class LoginFailure(Base):
    """A wrong console password (or unknown username), counted by every worker for the throttle."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_username_time", "username", "failed_at"),)
    id = Column(Integer, primary_key=True, autoincrement=True)
    username = Column(String(64), nullable=False)
    failed_at = Column(DateTime, nullable=False)


class Note(Base):
    """An agent's private note on a conversation (never sent to the citizen)."""

    __tablename__ = "notes"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(36), ForeignKey("conversations.id"), nullable=False, index=True)
    agent_id = Column(Integer, ForeignKey("agents.id"), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)


class CannedReply(Base):
    """A reply agents pick from a list and may edit before sending."""

    __tablename__ = "canned_replies"
    id = Column(Integer, primary_key=True, autoincrement=True)
    title = Column(String(100), nullable=False)
    text = Column(Text, nullable=False)
    updated_at = Column(DateTime, nullable=False)


class CsatRating(Base):
    """The citizen's 1-5 rating after a conversation with an agent was resolved."""

    __tablename__ = "csat_ratings"
    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(36), ForeignKey("conversations.id"), nullable=False, index=True)
    agent_id = Column(Integer, ForeignKey("agents.id"))
    rating = Column(SmallInteger, nullable=False)
    created_at = Column(DateTime, nullable=False)


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
