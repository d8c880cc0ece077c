"""The transcript store: who wrote, on which channel, what the bot said back and what it understood.

All database work is synchronous SQLAlchemy run in the pool of :class:`storage.database.Database`;
each public coroutine is one unit of work (one transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, bindparam, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.messages import BotMessage, Button, Channel, InboundKind, InboundMessage
from bot.store.models import ChannelIdentity, Contact, Conversation, Message, RasaOutboxEntry, utc_now
from bot.store.statuses import DELIVERY_ORDER, ConversationStatus, DeliveryStatus, InboundStatus
from storage.database import Database, bulk


@dataclass(frozen=True)
class StoredInbound:
    """An accepted citizen message, with the conversation it belongs to."""

    id: int
    conversation_id: str
    contact_id: str
    sender_id: str
    message: InboundMessage
    conversation_status: ConversationStatus = ConversationStatus.BOT  # when the message arrived (or was re-read)
    rasa_events_owed: bool = False  # a pause/resume not yet in Rasa (re-read when the message is handled)


@dataclass(frozen=True)
class StrandedOutbound:
    """An answer stored for a push channel but never handed to it."""

    id: int
    channel: Channel
    address: str
    message: BotMessage


@dataclass(frozen=True)
class TranscriptEntry:
    """One line of a transcript as the web chat and the console show it."""

    id: int
    sender: str
    text: str
    buttons: tuple[Button, ...]
    status: str  # an InboundStatus or DeliveryStatus value (or a status a WhatsApp receipt reported)
    created_at: datetime
    external_id: str | None = None
    intent: str | None = None
    confidence: float | None = None


def dedupe_key(message: InboundMessage) -> str:
    return f"{message.channel.value}:{message.external_id}"


def _identity(session: Session, channel: Channel, address: str, display_name: str | None) -> ChannelIdentity:
    found = session.execute(
        select(ChannelIdentity).where(ChannelIdentity.channel == channel.value, ChannelIdentity.address == address)
    ).scalar_one_or_none()
    if found is not None:
        return found
    now = utc_now()
    contact = Contact(id=str(uuid.uuid4()), display_name=display_name, created_at=now)
    identity = ChannelIdentity(channel=channel.value, address=address, contact_id=contact.id, created_at=now)
    session.add(contact)
    session.flush()  # no ORM relationships, so the unit of work does not order the inserts itself
    session.add(identity)
    session.flush()
    return identity


def conversation_of(session: Session, contact_id: str) -> Conversation:
    """The contact's conversation (the latest one), opened on first contact."""
    found = session.execute(
        select(Conversation).where(Conversation.contact_id == contact_id)
        .order_by(Conversation.created_at.desc()).limit(1)
    ).scalar_one_or_none()
    if found is not None:
        return found
    now = utc_now()
    conversation = Conversation(id=str(uuid.uuid4()), contact_id=contact_id, sender_id=uuid.uuid4().hex,
                                status=ConversationStatus.BOT, created_at=now, last_message_at=now)
    session.add(conversation)
    session.flush()
    return conversation


# The statements of every turn, built once: building them anew took a third of the gateway's
# database time (SQLAlchemy coerces and caches each new statement).
MESSAGES = Message.__table__
_DUPLICATE = select(MESSAGES.c.id).where(MESSAGES.c.dedupe_key == bindparam("key"))
_CONVERSATION_OF_ADDRESS = (
    select(ChannelIdentity.contact_id, Conversation.id, Conversation.sender_id, Conversation.status)
    .join(Conversation, Conversation.contact_id == ChannelIdentity.contact_id)
    .where(ChannelIdentity.channel == bindparam("channel"), ChannelIdentity.address == bindparam("address"))
    .order_by(Conversation.created_at.desc()).limit(1)
)
_INSERT_MESSAGE = MESSAGES.insert()
_STATE = select(Conversation.status, exists().where(RasaOutboxEntry.conversation_id == Conversation.id)).where(
    Conversation.id == bindparam("conversation"))
_TOUCH_CONVERSATION = (update(Conversation.__table__).where(Conversation.id == bindparam("conversation"))
                       .values(last_message_at=bindparam("now")))


def _record_inbound(session: Session, message: InboundMessage) -> StoredInbound | None:
    key = dedupe_key(message)
    if session.execute(_DUPLICATE, {"key": key}).first():
        return None
    found = session.execute(_CONVERSATION_OF_ADDRESS,
                            {"channel": message.channel.value, "address": message.address}).first()
    if found is not None:
        contact_id, conversation_id, sender_id, conversation_status = found
    else:  # first contact (or an identity without a conversation yet)
        contact_id = _identity(session, message.channel, message.address, message.display_name).contact_id
        conversation = conversation_of(session, contact_id)
        conversation_id, sender_id, conversation_status = conversation.id, conversation.sender_id, conversation.status
    now = utc_now()
    inserted = session.execute(_INSERT_MESSAGE, {
        "conversation_id": conversation_id, "direction": "in", "sender": "citizen", "channel": message.channel.value,
        "address": message.address, "external_id": message.external_id, "dedupe_key": key,
        "kind": message.kind.value, "text": message.text, "payload": message.payload, "buttons": None,
        "details": {"media": message.media, "extra": message.extra} if (message.media or message.extra) else None,
        "status": InboundStatus.RECEIVED, "attempts": 0, "created_at": now, "updated_at": now,
    })
    session.execute(_TOUCH_CONVERSATION, {"conversation": conversation_id, "now": now})
    session.commit()
    return StoredInbound(int(inserted.inserted_primary_key[0]), conversation_id, contact_id, sender_id, message,
                         ConversationStatus(conversation_status))


def _inbound_of(row: Message, conversation: Conversation) -> StoredInbound:
    details = row.details or {}
    message = InboundMessage(
        channel=Channel(row.channel), external_id=row.external_id or "", address=row.address,
        kind=InboundKind(row.kind), text=row.text, payload=row.payload, media=details.get("media"),
        extra=details.get("extra") or {},
    )
    return StoredInbound(row.id, conversation.id, conversation.contact_id, conversation.sender_id, message,
                         ConversationStatus(conversation.status))


def _entry(row: Message) -> TranscriptEntry:
    buttons = row.buttons if row.direction == "out" and isinstance(row.buttons, list) else []
    return TranscriptEntry(
        id=row.id, sender=row.sender, text=row.text,
        buttons=tuple(Button(title=b["title"], payload=b["payload"]) for b in buttons),
        status=row.status, created_at=row.created_at, external_id=row.external_id, intent=row.intent,
        confidence=row.confidence,
    )


def _insert_outbound(session: Session, inbound: StoredInbound, message: BotMessage, sender: str,
                     now: datetime, agent_id: int | None = None) -> int:
    inserted = session.execute(_INSERT_MESSAGE, {
        "conversation_id": inbound.conversation_id, "direction": "out", "sender": sender,
        "channel": inbound.message.channel.value, "address": inbound.message.address, "external_id": None,
        "dedupe_key": None, "kind": "text", "text": message.text, "payload": None, "details": None,
        "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons] or None,
        "status": DeliveryStatus.PENDING, "attempts": 0, "reply_to": inbound.id, "agent_id": agent_id,
        "created_at": now, "updated_at": now,
    })
    return int(inserted.inserted_primary_key[0])


_FINISH_INBOUND = (update(MESSAGES).where(MESSAGES.c.id == bindparam("message_id")).values(
    status=bindparam("status"), intent=bindparam("intent"), confidence=bindparam("confidence"),
    entities=bindparam("entities"), updated_at=bindparam("now")))
_SET_DELIVERY = (update(MESSAGES).where(MESSAGES.c.id == bindparam("message_id")).values(
    status=bindparam("status"), updated_at=bindparam("now"), attempts=MESSAGES.c.attempts + 1,
    external_id=func.coalesce(bindparam("external_id", type_=String), MESSAGES.c.external_id),
    error=func.coalesce(bindparam("error", type_=String), MESSAGES.c.error)))


class TranscriptStore:
    """Async façade over the transcript tables."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def record_inbound(self, message: InboundMessage) -> StoredInbound | None:
        """Store a citizen message; None when this (channel, external id) was stored before."""
        def work(session: Session) -> StoredInbound | None:
            try:
                return _record_inbound(session, message)
            except IntegrityError:  # the same update delivered twice at once, or a first contact race
                session.rollback()
                return _record_inbound(session, message)
        return await self.database.run(work)

    async def finish_inbound(self, inbound: StoredInbound, status: InboundStatus,
                             answers: Sequence[BotMessage] = (), sender: str = "bot", intent: str | None = None,
                             confidence: float | None = None,
                             entities: list[dict[str, Any]] | None = None) -> list[int]:
        """Mark a citizen message handled (an ``InboundStatus``) with what the model understood, and
        store its answers as ``pending`` — one transaction per turn. Returns the answers' ids.
        Called by ``Delivery.finish`` (bot/delivery.py) only, which then sends the answers."""
        def work(session: Session) -> list[int]:
            now = utc_now()
            session.execute(_FINISH_INBOUND, {"message_id": inbound.id, "status": status, "intent": intent,
                                              "confidence": confidence, "entities": entities, "now": now})
            ids = [_insert_outbound(session, inbound, answer, sender, now) for answer in answers]
            session.commit()
            return ids
        return await self.database.run(work)

    async def count_attempt(self, message_id: int, error: str) -> None:
        """One more failed try at handing a citizen message to Rasa."""
        def work(session: Session) -> None:
            session.execute(bulk(update(Message).where(Message.id == message_id).values(
                attempts=Message.attempts + 1, error=error[:300], updated_at=utc_now())))
            session.commit()
        await self.database.run(work)

    async def add_outbound(self, inbound: StoredInbound, message: BotMessage, sender: str = "bot",
                           agent_id: int | None = None) -> int:
        """Store a message about to be sent in reply to ``inbound`` (status ``pending``); returns its id."""
        def work(session: Session) -> int:
            message_id = _insert_outbound(session, inbound, message, sender, utc_now(), agent_id)
            session.commit()
            return message_id
        return await self.database.run(work)

    async def set_delivery(self, message_id: int, status: DeliveryStatus, external_id: str | None = None,
                           error: str | None = None) -> None:
        """Record what the channel said about an outbound message (sent, failed, ...)."""
        values = {"message_id": message_id, "status": status, "now": utc_now(), "external_id": external_id,
                  "error": error[:300] if error is not None else None}

        def work(session: Session) -> None:
            session.execute(_SET_DELIVERY, values)
            session.commit()
        await self.database.run(work)

    async def update_delivery_by_external_id(self, channel: Channel, external_id: str, status: str) -> bool:
        """A channel's delivery receipt (WhatsApp status callback; ``status`` is stored as the channel
        reports it, usually a ``DeliveryStatus`` value); False when the message is unknown or already
        further along (receipts can arrive out of order: a late "delivered" never undoes "read")."""
        earlier = DELIVERY_ORDER[:DELIVERY_ORDER.index(status)] if status in DELIVERY_ORDER else DELIVERY_ORDER

        def work(session: Session) -> bool:
            result = session.execute(bulk(update(Message).where(
                Message.channel == channel.value, Message.direction == "out", Message.external_id == external_id,
                Message.status.in_(earlier),
            ).values(status=status, updated_at=utc_now())))
            session.commit()
            return bool(result.rowcount)
        return await self.database.run(work)

    async def buttons_of_sent(self, channel: Channel, address: str, external_id: str) -> tuple[Button, ...]:
        """The buttons of a message sent to ``address`` (to resolve a pressed button's index)."""
        def work(session: Session) -> tuple[Button, ...]:
            row = session.execute(select(Message).where(
                Message.channel == channel.value, Message.address == address, Message.direction == "out",
                Message.external_id == external_id,
            ).order_by(Message.id.desc()).limit(1)).scalar_one_or_none()
            return _entry(row).buttons if row is not None else ()
        return await self.database.run(work)

    async def conversation_state(self, conversation_id: str) -> tuple[ConversationStatus, bool]:
        """The handoff status, and whether tracker events are still owed to Rasa (bot/store/rasa_outbox.py)."""
        def work(session: Session) -> tuple[ConversationStatus, bool]:
            status, owed = session.execute(_STATE, {"conversation": conversation_id}).one()
            return ConversationStatus(status), bool(owed)
        return await self.database.run(work)

    async def latest_inbound(self, conversation_id: str) -> StoredInbound | None:
        """The citizen's latest message: answers from an agent go to the channel it came from."""
        def work(session: Session) -> StoredInbound | None:
            row = session.execute(
                select(Message, Conversation).join(Conversation, Conversation.id == Message.conversation_id)
                .where(Message.conversation_id == conversation_id, Message.direction == "in")
                .order_by(Message.id.desc()).limit(1)).first()
            return _inbound_of(*row) if row else None
        return await self.database.run(work)

    async def unfinished_inbound(self, conversation_id: str | None = None,
                                 unleased: bool = False) -> list[StoredInbound]:
        """Citizen messages accepted but not yet answered, oldest first: all of them (after a
        restart), one conversation's, or those of conversations no live worker holds."""
        def work(session: Session) -> list[StoredInbound]:
            query = (select(Message, Conversation).join(Conversation, Conversation.id == Message.conversation_id)
                     .where(Message.direction == "in", Message.status == InboundStatus.RECEIVED))
            if conversation_id is not None:
                query = query.where(Message.conversation_id == conversation_id)
            if unleased:
                query = query.where(or_(Conversation.lease_owner.is_(None), Conversation.lease_until < utc_now()))
            rows = session.execute(query.order_by(Message.id)).all()
            return [_inbound_of(message, conversation) for message, conversation in rows]
        return await self.database.run(work)

    async def claim_stranded_outbound(self, older_than_s: float, channels: tuple[Channel, ...]
                                      ) -> list[StrandedOutbound]:
        """Answers a push channel never confirmed (still ``pending``: their worker died before Telegram
        or WhatsApp answered), of conversations no live worker holds, claimed for this worker: one
        conditional UPDATE each (status ``resending``), so two workers never send one twice. A claim
        left by a worker that died too is taken again after ``older_than_s``.

        At least once, not at most once: neither API has an idempotency key, so an answer whose
        request had reached the channel when its worker died arrives twice; a lost answer would
        leave the citizen waiting, a repeated one costs them a glance."""
        def work(session: Session) -> list[StrandedOutbound]:
            now = utc_now()
            stale = (Message.direction == "out", Message.status.in_((DeliveryStatus.PENDING, DeliveryStatus.RESENDING)),
                     Message.channel.in_([channel.value for channel in channels]),
                     Message.updated_at < now - timedelta(seconds=older_than_s))
            rows = session.execute(select(Message).join(Conversation, Conversation.id == Message.conversation_id)
                                   .where(*stale, or_(Conversation.lease_owner.is_(None),
                                                      Conversation.lease_until < now))
                                   .order_by(Message.id)).scalars().all()
            claimed = []
            for row in rows:
                if session.execute(bulk(update(Message).where(Message.id == row.id, *stale).values(
                        status=DeliveryStatus.RESENDING, updated_at=now))).rowcount:
                    buttons = tuple(Button(title=b["title"], payload=b["payload"]) for b in row.buttons or [])
                    claimed.append(StrandedOutbound(row.id, Channel(row.channel), row.address,
                                                    BotMessage(row.text, buttons)))
            session.commit()
            return claimed
        return await self.database.run(work)

    async def transcript_of_address(self, channel: Channel, address: str,
                                    limit: int = 200) -> list[TranscriptEntry]:
        """The latest messages of the conversation that ``address`` belongs to, oldest first."""
        def work(session: Session) -> list[TranscriptEntry]:
            identity = session.execute(select(ChannelIdentity).where(
                ChannelIdentity.channel == channel.value, ChannelIdentity.address == address)).scalar_one_or_none()
            if identity is None:
                return []
            conversation = conversation_of(session, identity.contact_id)
            session.commit()
            rows = session.execute(select(Message).where(Message.conversation_id == conversation.id)
                                   .order_by(Message.id.desc()).limit(limit)).scalars().all()
            return [_entry(row) for row in reversed(rows)]
        return await self.database.run(work)

    async def pending_outbound(self, channel: Channel, address: str) -> list[int]:
        """Ids of messages to ``address`` not yet handed to the channel (the web page was closed)."""
        def work(session: Session) -> list[int]:
            return list(session.execute(select(Message.id).where(
                Message.channel == channel.value, Message.address == address, Message.direction == "out",
                Message.status == DeliveryStatus.PENDING)).scalars())
        return await self.database.run(work)
