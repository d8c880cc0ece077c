"""Conversation states of the human handoff: bot -> queued -> assigned -> resolved -> bot.

Every transition is one conditional UPDATE (``WHERE status = ...``), so two agents clicking
"claim" at once cannot both win, and a transition that no longer applies changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.store.agents import AgentInfo
from bot.store.models import (
    Agent,
    CannedReply,
    Contact,
    Conversation,
    CsatRating,
    Message,
    Note,
    RasaOutboxEntry,
    utc_now,
)
from bot.store.statuses import IN_HANDOFF, ConversationStatus
from privacy.masking import mask_personal_data, mask_phone
from storage.database import Database, bulk

RECENT_BOT_CONVERSATIONS = timedelta(minutes=30)


@dataclass(frozen=True)
class ConversationView:
    """A conversation as the console lists it."""

    id: str
    status: ConversationStatus
    channel: str
    citizen: str
    reason: str | None
    queued_at: datetime | None
    assigned_to: tuple[int, str] | None
    last_message: str
    last_message_at: datetime
    sender_id: str
    address: str

    def waiting_s(self, now: datetime) -> int | None:
        if self.status == ConversationStatus.QUEUED and self.queued_at:
            return int((now - self.queued_at).total_seconds())
        return None


# tracker events: Rasa resumes with the "welcome back" slot set, or pauses for a supervisor
RESUMED: list[dict[str, Any]] = [{"event": "resume"}, {"event": "slot", "name": "handed_off", "value": True}]
PAUSED: list[dict[str, Any]] = [{"event": "pause"}]


@dataclass(frozen=True)
class OwedToRasa:
    """Tracker events a transition owes Rasa; ``from_statuses``: only when it left one of these."""

    events: list[dict[str, Any]]
    from_statuses: tuple[ConversationStatus, ...] | None = None

    def after(self, previous: ConversationStatus | None) -> bool:
        return self.from_statuses is None or previous in self.from_statuses


@dataclass(frozen=True)
class TranscriptLine:
    id: int
    sender: str
    agent: tuple[int, str] | None
    text: str
    intent: str | None
    confidence: float | None
    status: str
    channel: str
    created_at: datetime


@dataclass(frozen=True)
class NoteView:
    id: int
    agent: tuple[int, str]
    text: str
    created_at: datetime


@dataclass(frozen=True)
class Transition:
    """What a transition did: ``changed`` is False when the conversation was not in a state it applies to."""

    changed: bool
    previous_status: ConversationStatus | None
    view: ConversationView | None


def _citizen(display_name: str | None, channel: str, address: str) -> str:
    if display_name:
        return display_name
    return mask_phone(address) if channel == "whatsapp" else f"{channel} {address[-4:]}"


def _views(session: Session, condition: Any) -> list[ConversationView]:
    # the latest message of the listed conversations only, not of every conversation ever
    listed = select(Conversation.id).where(condition)
    latest = (select(Message.conversation_id, func.max(Message.id).label("last_id"))
              .where(Message.conversation_id.in_(listed)).group_by(Message.conversation_id).subquery())
    last = aliased(Message)
    rows = session.execute(
        select(Conversation, Contact.display_name, last, Agent.id, Agent.name)
        .join(Contact, Contact.id == Conversation.contact_id)
        .join(latest, latest.c.conversation_id == Conversation.id)
        .join(last, last.id == latest.c.last_id)
        .outerjoin(Agent, Agent.id == Conversation.assigned_agent_id)
        .where(condition).order_by(Conversation.queued_at.is_(None), Conversation.queued_at,
                                   Conversation.last_message_at.desc())
    ).all()
    return [ConversationView(
        id=conversation.id, status=ConversationStatus(conversation.status), channel=message.channel,
        citizen=_citizen(name, message.channel, message.address), reason=conversation.handoff_reason,
        queued_at=conversation.queued_at, assigned_to=(agent_id, agent_name) if agent_id else None,
        last_message=mask_personal_data(message.text or "")[:200], last_message_at=message.created_at,
        sender_id=conversation.sender_id, address=message.address,
    ) for conversation, name, message, agent_id, agent_name in rows]


def _view(session: Session, conversation_id: str) -> ConversationView | None:
    found = _views(session, Conversation.id == conversation_id)
    return found[0] if found else None


class HandoffStore:
    """The handoff's reads and transitions."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def _transition(self, conversation_id: str, allowed: tuple[ConversationStatus, ...], values: dict[str, Any],
                          extra: Any = None, owed: OwedToRasa | None = None) -> Transition:
        """One conditional UPDATE; with ``owed``, the tracker events Rasa must get because of it are
        stored in the same transaction (bot/store/rasa_outbox.py), so a crash cannot keep one
        without the other."""
        def work(session: Session) -> Transition:
            found = session.execute(select(Conversation.status, Conversation.sender_id)
                                    .where(Conversation.id == conversation_id)).one_or_none()
            status, sender_id = found if found is not None else (None, None)
            previous = ConversationStatus(status) if status is not None else None
            condition = and_(Conversation.id == conversation_id, Conversation.status.in_(allowed))
            if extra is not None:
                condition = and_(condition, extra)
            changed = session.execute(bulk(update(Conversation).where(condition).values(**values))).rowcount == 1
            if changed and owed is not None and owed.after(previous):
                session.add(RasaOutboxEntry(conversation_id=conversation_id, sender_id=sender_id,
                                            events=owed.events, created_at=utc_now()))
            session.commit()
            return Transition(changed, previous, _view(session, conversation_id))
        return await self.database.run(work)

    async def queue(self, conversation_id: str, reason: str) -> Transition:
        """The bot hands the conversation over (or an agent's conversation goes back to the queue)."""
        return await self._transition(conversation_id, (ConversationStatus.BOT, ConversationStatus.RESOLVED), {
            "status": ConversationStatus.QUEUED, "handoff_reason": reason, "queued_at": utc_now(),
            "assigned_agent_id": None, "assigned_at": None, "resolved_at": None})

    async def claim(self, conversation_id: str, agent: AgentInfo) -> Transition:
        return await self._transition(conversation_id, (ConversationStatus.QUEUED,), {
            "status": ConversationStatus.ASSIGNED, "assigned_agent_id": agent.id, "assigned_at": utc_now()})

    async def transfer(self, conversation_id: str, actor: AgentInfo, to_agent_id: int) -> Transition:
        return await self._transition(conversation_id, (ConversationStatus.ASSIGNED,), {
            "assigned_agent_id": to_agent_id, "assigned_at": utc_now()}, self._handled_by(actor))

    async def resolve(self, conversation_id: str, actor: AgentInfo) -> Transition:
        """The agent is done: Rasa is owed the resume."""
        return await self._transition(conversation_id, (ConversationStatus.ASSIGNED,), {
            "status": ConversationStatus.RESOLVED, "resolved_at": utc_now()}, self._handled_by(actor),
            OwedToRasa(RESUMED))

    async def takeover(self, conversation_id: str, supervisor: AgentInfo) -> Transition:
        """A supervisor takes the conversation; from the bot, Rasa is owed the pause."""
        now = utc_now()
        return await self._transition(conversation_id, tuple(ConversationStatus), {  # from any status
            "status": ConversationStatus.ASSIGNED, "assigned_agent_id": supervisor.id, "assigned_at": now,
            "resolved_at": None, "handoff_reason": func.coalesce(Conversation.handoff_reason, "supervisor"),
            "queued_at": func.coalesce(Conversation.queued_at, now)},
            owed=OwedToRasa(PAUSED, (ConversationStatus.BOT, ConversationStatus.RESOLVED)))

    async def cancel(self, conversation_id: str) -> Transition:
        """The citizen stops waiting ("batal"): back to the bot, Rasa is owed the resume."""
        return await self._transition(conversation_id, (ConversationStatus.QUEUED,), {
            "status": ConversationStatus.BOT, "queued_at": None, "handoff_reason": None}, owed=OwedToRasa(RESUMED))

    async def finish(self, conversation_id: str, rating: int | None) -> Transition:
        """After resolution: back to the bot, with the citizen's rating if they gave one."""
        def store_rating(session: Session) -> None:
            agent_id = session.execute(select(Conversation.assigned_agent_id)
                                       .where(Conversation.id == conversation_id)).scalar_one_or_none()
            session.add(CsatRating(conversation_id=conversation_id, agent_id=agent_id, rating=rating,
                                   created_at=utc_now()))
            session.commit()
        if rating is not None:
            await self.database.run(store_rating)
        return await self._transition(conversation_id, (ConversationStatus.RESOLVED,), {
            "status": ConversationStatus.BOT, "handoff_reason": None, "queued_at": None})

    async def requeue_agent(self, agent_id: int) -> list[str]:
        """An agent who went away: their conversations go back to the queue, keeping their place."""
        def work(session: Session) -> list[str]:
            held = (Conversation.status == ConversationStatus.ASSIGNED, Conversation.assigned_agent_id == agent_id)
            moved = []
            for conversation_id in session.execute(select(Conversation.id).where(*held)).scalars().all():
                # one conditional UPDATE each: with several workers, each conversation is requeued
                # (and its citizen told) by one of them only
                if session.execute(bulk(update(Conversation).where(Conversation.id == conversation_id, *held).values(
                        status=ConversationStatus.QUEUED, assigned_agent_id=None, assigned_at=None))).rowcount:
                    moved.append(conversation_id)
            session.commit()
            return moved
        return await self.database.run(work)

    @staticmethod
    def _handled_by(actor: AgentInfo) -> Any:
        return None if actor.is_supervisor else Conversation.assigned_agent_id == actor.id

    async def view(self, conversation_id: str) -> ConversationView | None:
        return await self.database.run(lambda session: _view(session, conversation_id))

    async def visible_to(self, agent: AgentInfo) -> list[ConversationView]:
        """The queue and the agent's own conversations; a supervisor also sees recent bot conversations."""
        def work(session: Session) -> list[ConversationView]:
            mine = and_(Conversation.status == ConversationStatus.ASSIGNED, Conversation.assigned_agent_id == agent.id)
            condition = or_(Conversation.status == ConversationStatus.QUEUED, mine)
            if agent.is_supervisor:
                recent = utc_now() - RECENT_BOT_CONVERSATIONS
                condition = or_(Conversation.status.in_(IN_HANDOFF),
                                and_(Conversation.status == ConversationStatus.BOT,
                                     Conversation.last_message_at >= recent))
            return _views(session, condition)
        return await self.database.run(work)

    async def transcript(self, conversation_id: str) -> list[TranscriptLine]:
        def work(session: Session) -> list[TranscriptLine]:
            rows = session.execute(select(Message, Agent.name).outerjoin(Agent, Agent.id == Message.agent_id)
                                   .where(Message.conversation_id == conversation_id).order_by(Message.id)).all()
            return [TranscriptLine(m.id, m.sender, (m.agent_id, name) if m.agent_id else None, m.text, m.intent,
                                   m.confidence, m.status, m.channel, m.created_at) for m, name in rows]
        return await self.database.run(work)

    async def position(self, conversation_id: str) -> tuple[int, int] | None:
        """(place in the queue, 1-based; conversations being handled) or None when not queued."""
        def work(session: Session) -> tuple[int, int] | None:
            queued_at = session.execute(select(Conversation.queued_at).where(
                Conversation.id == conversation_id, Conversation.status == ConversationStatus.QUEUED
            )).scalar_one_or_none()
            if queued_at is None:
                return None
            ahead = session.execute(select(func.count()).where(
                Conversation.status == ConversationStatus.QUEUED, Conversation.queued_at <= queued_at)).scalar_one()
            handled = session.execute(select(func.count()).where(
                Conversation.status == ConversationStatus.ASSIGNED)).scalar_one()
            return int(ahead), int(handled)
        return await self.database.run(work)

    async def recent_handling_s(self, limit: int = 20) -> list[float]:
        """How long agents took on the last resolved conversations (for the wait estimate)."""
        def work(session: Session) -> list[float]:
            rows = session.execute(select(Conversation.assigned_at, Conversation.resolved_at).where(
                Conversation.resolved_at.is_not(None), Conversation.assigned_at.is_not(None))
                .order_by(Conversation.resolved_at.desc()).limit(limit)).all()
            return [(resolved - assigned).total_seconds() for assigned, resolved in rows]
        return await self.database.run(work)

    async def active_counts(self) -> dict[int, int]:
        def work(session: Session) -> dict[int, int]:
            rows = session.execute(select(Conversation.assigned_agent_id, func.count()).where(
                Conversation.status == ConversationStatus.ASSIGNED).group_by(Conversation.assigned_agent_id)).all()
            return {int(agent_id): int(count) for agent_id, count in rows}
        return await self.database.run(work)

    async def queue_length(self) -> int:
        def work(session: Session) -> int:
            return int(session.execute(select(func.count()).select_from(Conversation).where(
                Conversation.status == ConversationStatus.QUEUED)).scalar_one())
        return await self.database.run(work)

    async def assigned_agents(self) -> set[int]:
        return set(await self.active_counts())

    async def add_note(self, conversation_id: str, agent: AgentInfo, text: str) -> NoteView:
        def work(session: Session) -> NoteView:
            note = Note(conversation_id=conversation_id, agent_id=agent.id, text=text, created_at=utc_now())
            session.add(note)
            session.commit()
            return NoteView(note.id, (agent.id, agent.name), note.text, note.created_at)
        return await self.database.run(work)

    async def notes(self, conversation_id: str) -> list[NoteView]:
        def work(session: Session) -> list[NoteView]:
            rows = session.execute(select(Note, Agent.name).join(Agent, Agent.id == Note.agent_id)
                                   .where(Note.conversation_id == conversation_id).order_by(Note.id)).all()
            return [NoteView(n.id, (n.agent_id, name), n.text, n.created_at) for n, name in rows]
        return await self.database.run(work)

    async def canned(self) -> list[CannedReply]:
        return await self.database.run(
            lambda session: list(session.execute(select(CannedReply).order_by(CannedReply.title)).scalars()))

    async def save_canned(self, title: str, text: str, canned_id: int | None = None) -> CannedReply | None:
        def work(session: Session) -> CannedReply | None:
            reply = CannedReply() if canned_id is None else session.get(CannedReply, canned_id)
            if reply is None:
                return None
            reply.title, reply.text, reply.updated_at = title, text, utc_now()
            session.add(reply)
            session.commit()
            return reply
        return await self.database.run(work)

    async def delete_canned(self, canned_id: int) -> bool:
        def work(session: Session) -> bool:
            deleted = session.execute(delete(CannedReply).where(CannedReply.id == canned_id)).rowcount == 1
            session.commit()
            return deleted
        return await self.database.run(work)

    async def ratings(self, conversation_id: str) -> list[int]:
        return await self.database.run(lambda session: [int(r) for r in session.execute(
            select(CsatRating.rating).where(CsatRating.conversation_id == conversation_id)).scalars()])
