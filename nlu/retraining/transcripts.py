"""Candidates for the NLU inbox, read from the gateway's transcript database.

A candidate is a citizen's text message (``kind`` 'text': not a button, a command or media) that
the assistant probably did not understand. The text is masked (NIKs, phone numbers, e-mails) as
soon as its row is read: nothing after this module ever sees the citizen's personal data.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement

from bot.store.models import Conversation, Message
from bot.store.statuses import InboundStatus
from nlu.retraining.progress import Progress, no_progress
from privacy.masking import mask_personal_data

DEFAULT_CONFIDENCE_THRESHOLD = 0.6
DEFAULT_HANDOFF_WINDOW = 3
FALLBACK_INTENT = "nlu_fallback"
OUT_OF_SCOPE_INTENT = "out_of_scope"


class Reason(str, Enum):
    """Why a message is in the inbox (a message can have several reasons)."""

    LOW_CONFIDENCE = "low_confidence"
    FALLBACK = "fallback"
    OUT_OF_SCOPE = "out_of_scope"
    BEFORE_HANDOFF = "before_handoff"
    FORWARDED = "forwarded"


@dataclass(frozen=True)
class Candidate:
    """A citizen message worth a look, its text already masked."""

    message_id: int
    conversation_id: str
    text: str
    intent: str | None
    confidence: float | None
    reasons: frozenset[Reason]


def citizen_text() -> ColumnElement[Any]:
    """What the citizen typed: inbound, from the citizen, plain text."""
    return and_(Message.direction == "in", Message.sender == "citizen", Message.kind == "text")


def reasons_of(intent: str | None, confidence: float | None, status: str, threshold: float) -> set[Reason]:
    """The reasons a message's own NLU result and status give (the handoff window is decided elsewhere)."""
    reasons: set[Reason] = set()
    if confidence is not None and confidence < threshold:
        reasons.add(Reason.LOW_CONFIDENCE)
    if intent == FALLBACK_INTENT:
        reasons.add(Reason.FALLBACK)
    if intent == OUT_OF_SCOPE_INTENT:
        reasons.add(Reason.OUT_OF_SCOPE)
    if status == InboundStatus.FORWARDED:
        # Handed to a person instead of the bot: an agent had to answer it.
        reasons.add(Reason.FORWARDED)
    return reasons


COLUMNS = (Message.id, Message.conversation_id, Message.text, Message.intent, Message.confidence, Message.status)


def flagged_messages(threshold: float, since: datetime | None) -> Select:
    """Messages flagged by their own NLU result or status."""
    statement = select(*COLUMNS).where(citizen_text(), or_(
        and_(Message.confidence.isnot(None), Message.confidence < threshold),
        Message.intent.in_((FALLBACK_INTENT, OUT_OF_SCOPE_INTENT)),
        Message.status == InboundStatus.FORWARDED,
    ))
    return statement.where(Message.created_at >= since) if since else statement


def before_handoff(window: int, since: datetime | None) -> Select:
    """The last ``window`` citizen text messages of each conversation up to the moment it was queued.

    Only conversations with a handoff now on record (``handoff_reason`` and ``queued_at`` set) count:
    the gateway clears both when a conversation goes back to the bot, so earlier handoffs show up
    through their forwarded messages only.
    """
    rank = func.row_number().over(partition_by=Message.conversation_id,
                                  order_by=(Message.created_at.desc(), Message.id.desc()))
    ranked = (
        select(*COLUMNS, Message.created_at, rank.label("rank"))
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(citizen_text(), Conversation.handoff_reason.isnot(None), Conversation.queued_at.isnot(None),
               Message.created_at <= Conversation.queued_at)
        .subquery()
    )
    statement = select(*(ranked.c[column.key] for column in COLUMNS)).where(ranked.c.rank <= window)
    return statement.where(ranked.c.created_at >= since) if since else statement


def load_candidates(engine: Engine, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
                    handoff_window: int = DEFAULT_HANDOFF_WINDOW, since: datetime | None = None,
                    progress: Progress = no_progress) -> list[Candidate]:
    """Every candidate message with all its reasons, in message order, texts masked."""
    candidates: dict[int, Candidate] = {}
    reasons: dict[int, set[Reason]] = defaultdict(set)
    queries = ((flagged_messages(threshold, since), None),
               (before_handoff(handoff_window, since), Reason.BEFORE_HANDOFF))
    with engine.connect() as connection:
        connection = connection.execution_options(stream_results=True)
        for statement, window_reason in queries:
            for row in progress(connection.execute(statement), desc="reading transcripts"):
                if row.id not in candidates:
                    text = mask_personal_data(row.text or "")
                    if not text.strip():
                        continue
                    candidates[row.id] = Candidate(row.id, row.conversation_id, text, row.intent, row.confidence,
                                                   frozenset())
                reasons[row.id] |= reasons_of(row.intent, row.confidence, row.status, threshold)
                if window_reason:
                    reasons[row.id].add(window_reason)
    return [replace(candidates[id_], reasons=frozenset(reasons[id_])) for id_ in sorted(candidates)]
