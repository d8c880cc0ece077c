"""The statuses the gateway stores, each vocabulary defined here once.

The members are ``str`` Enums: they compare equal to, hash like and JSON-encode as their values,
so they go straight into SQLAlchemy statements and console JSON. The values are what the
database holds (``conversations.status``, ``messages.status``): renaming a member is free,
changing a value is a data migration (tests/gateway/test_statuses.py pins them). Where a plain
string is needed (an f-string, ``str()``), use ``.value``: ``str(ConversationStatus.BOT)`` is
``"ConversationStatus.BOT"``.
"""

from __future__ import annotations

from enum import Enum


class ConversationStatus(str, Enum):
    """Who has a conversation (``conversations.status``): bot -> queued -> assigned -> resolved -> bot.

    A supervisor may take over from any of them (bot/store/handoff.py).
    """

    BOT = "bot"  # the assistant answers
    QUEUED = "queued"  # handed over, waiting for an agent to claim it
    ASSIGNED = "assigned"  # an agent (or a supervisor who took over) answers
    RESOLVED = "resolved"  # the agent is done; the citizen's next message is their rating (or goes to the bot)


# a person has the conversation (or will have it): citizen messages go to the console, not to Rasa
IN_HANDOFF: tuple[ConversationStatus, ...] = (ConversationStatus.QUEUED, ConversationStatus.ASSIGNED)


class InboundStatus(str, Enum):
    """What became of a citizen's message (``messages.status`` of ``direction = 'in'``)."""

    RECEIVED = "received"  # stored, not handled yet (queued again after a restart)
    ANSWERED = "answered"  # by Rasa or by the gateway itself
    FORWARDED = "forwarded"  # handed to the console: a person has the conversation
    RATE_LIMITED = "rate_limited"  # kept in the transcript, not sent to Rasa
    FAILED = "failed"  # Rasa answered errors repeatedly; the citizen was asked to rephrase


class DeliveryStatus(str, Enum):
    """How far a message to the citizen got (``messages.status`` of ``direction = 'out'``).

    WhatsApp's receipts store the status WhatsApp reports, which may be none of these.
    """

    PENDING = "pending"  # stored, not yet handed to the channel (or the web page was closed)
    RESENDING = "resending"  # a stranded answer claimed by a worker to send again
    SENT = "sent"
    DELIVERED = "delivered"  # WhatsApp receipt
    READ = "read"  # WhatsApp receipt
    FAILED = "failed"  # the channel refused it, or is not configured


# a delivery status never goes back in this order; anything else ("failed") may follow any of them
DELIVERY_ORDER: tuple[DeliveryStatus, ...] = (
    DeliveryStatus.PENDING, DeliveryStatus.RESENDING, DeliveryStatus.SENT, DeliveryStatus.DELIVERED,
    DeliveryStatus.READ,
)
