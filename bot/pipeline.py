"""From an accepted citizen message to the answers on their channel.

``accept`` stores the message (a redelivery is a no-op) and hands it to the conversation's
worker, so webhooks can be answered at once. The worker answers what the gateway answers itself
(media it cannot read, edited messages, channel linking) and sends the rest to Rasa, retrying
with backoff while Rasa is unreachable — the citizen is told once, and answered when it is back.
Messages of a conversation a person has go to the handoff service; answers go out through
:class:`bot.delivery.Delivery`, which also marks each message finished.
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import replace

from bot.delivery import Delivery
from bot.handoff.service import HandoffService, Settled
from bot.messages import BotMessage, Channel, InboundKind, InboundMessage
from bot.metrics import GatewayMetrics
from bot.ordering import OrderedWorkers
from bot.rasa_client import RasaApi, RasaUnavailable, TurnResult
from bot.rate_limits import TokenBuckets
from bot.replies import Replies
from bot.store.leases import ConversationLeases
from bot.store.linking import ChannelLinks
from bot.store.statuses import InboundStatus
from bot.store.transcripts import StoredInbound, TranscriptStore

log = logging.getLogger(__name__)
MAX_CITIZEN_TEXT = 2000
COMMAND_TEXTS = {"start": "/greet", "bantuan": "/help", "help": "/help", "menu": "/greet"}
LINK_COMMAND = re.compile(r"^/?tautkan(?:\s+(\d{6}))?$", re.IGNORECASE)
LINKABLE = {Channel.TELEGRAM: Channel.WHATSAPP, Channel.WHATSAPP: Channel.TELEGRAM}
FAILED_ANSWERS_BEFORE_GIVING_UP = 3
CONVERSATIONAL = (InboundKind.TEXT, InboundKind.BUTTON, InboundKind.COMMAND)
MAX_OVER_LIMIT_TRACKED = 10_000


class MessagePipeline:
    """Stores, orders and answers citizen messages.

    ``leases``: several gateway workers share the database, and conversations are handled under a
    lease (None: this worker is the only one).
    """

    def __init__(self, store: TranscriptStore, links: ChannelLinks, rasa: RasaApi, replies: Replies,
                 delivery: Delivery, handoff: HandoffService, leases: ConversationLeases | None = None,
                 retry_max_delay_s: float = 30.0, first_retry_delay_s: float = 0.5,
                 metrics: GatewayMetrics | None = None, chat_limits: TokenBuckets | None = None) -> None:
        self.store = store
        self.metrics = metrics or GatewayMetrics()
        self.chat_limits = chat_limits or TokenBuckets(0, 0)  # default: no limit
        self._over_limit: dict[int, bool] = {}  # message id -> tell the citizen (first of a streak)
        self.leases = leases
        self.links = links
        self.rasa = rasa
        self.replies = replies
        self.delivery = delivery
        self.handoff = handoff  # messages of conversations a person has go there
        self.retry_max_delay_s = retry_max_delay_s
        self.first_retry_delay_s = first_retry_delay_s
        self.workers: OrderedWorkers[StoredInbound] = OrderedWorkers(self._handle)

    async def accept(self, message: InboundMessage) -> StoredInbound | None:
        """Store ``message`` and queue it; None when it was delivered before (nothing more happens)."""
        stored = await self.store.record_inbound(message)
        if stored is not None:
            self.metrics.accepted(stored.id, message.channel.value)
            decision = self.chat_limits.check(f"{message.channel.value}:{message.address}")
            if not decision.allowed:
                self.metrics.rate_limited.labels("chat").inc()
                if len(self._over_limit) > MAX_OVER_LIMIT_TRACKED:  # answered by another worker: forget
                    self._over_limit.clear()
                self._over_limit[stored.id] = decision.tell
            self.workers.submit(stored.conversation_id, stored)
        return stored

    async def recover(self) -> int:
        """Queue the messages a previous run accepted but did not answer; returns how many."""
        unfinished = await self.store.unfinished_inbound()
        for stored in unfinished:
            self.workers.submit(stored.conversation_id, stored)
        return len(unfinished)

    async def sweep(self) -> int:
        """Queue the conversations with unanswered messages that no live worker holds (one died);
        returns how many messages they have."""
        stranded = await self.store.unfinished_inbound(unleased=True)
        for stored in stranded:
            self.workers.submit(stored.conversation_id, stored)
        return len(stranded)

    async def _handle(self, stored: StoredInbound) -> None:
        if self.leases is None:
            await self._handle_one(stored)
        else:
            await self._drain_leased(stored.conversation_id)

    async def _drain_leased(self, conversation_id: str) -> None:
        """Every unanswered message of the conversation, oldest first, while this worker holds it."""
        assert self.leases is not None
        handled: set[int] = set()
        while await self.leases.acquire(conversation_id):
            try:
                async with self.leases.kept(conversation_id):
                    while fresh := [pending for pending in await self.store.unfinished_inbound(conversation_id)
                                    if pending.id not in handled]:
                        for pending in fresh:
                            handled.add(pending.id)
                            try:
                                await self._handle_one(pending)
                            except Exception:  # one bad message must not stop the conversation's later ones
                                log.exception("handling message %d failed", pending.id)
            finally:
                await self.leases.release(conversation_id)
            # stored by another worker while we held the lease (its attempt to take it failed)?
            if not [pending for pending in await self.store.unfinished_inbound(conversation_id)
                    if pending.id not in handled]:
                return

    async def _handle_one(self, stored: StoredInbound) -> None:
        try:
            await self._dispatch(stored)
        finally:
            self.metrics.answered(stored.id, stored.message.channel.value)

    async def _dispatch(self, stored: StoredInbound) -> None:
        message = stored.message
        if stored.id in self._over_limit:
            # kept in the transcript, not sent to Rasa; the citizen is told once per streak
            tell = self._over_limit.pop(stored.id)
            await self.delivery.finish(stored, InboundStatus.RATE_LIMITED,
                                       [BotMessage(self.replies.say("rate_limited"))] if tell else [], sender="system")
            return
        if message.kind in CONVERSATIONAL:
            # read now, not when it arrived: an earlier message in the queue may have started a handoff
            status, owed = await self.store.conversation_state(stored.conversation_id)
            stored = replace(stored, conversation_status=status, rasa_events_owed=owed)
            if await self.handoff.handle(stored):
                return
        if message.kind is InboundKind.UNSUPPORTED:
            media = self.replies.media(message.media)
            await self._answer_alone(stored, self.replies.say("unsupported_media", media=media))
        elif message.kind is InboundKind.EDITED:
            await self._answer_alone(stored, self.replies.say("edited_message"))
        elif message.kind is InboundKind.BUTTON and not message.payload:
            await self._answer_alone(stored, self.replies.say("expired_button"))
        elif (link := LINK_COMMAND.match(message.text.strip())) and message.kind is not InboundKind.BUTTON:
            await self._link(stored, link.group(1))
        else:
            await self._converse(stored)

    async def _converse(self, stored: StoredInbound) -> None:
        message = stored.message
        text = rasa_text(message)
        if len(text) > MAX_CITIZEN_TEXT:
            text = text[:MAX_CITIZEN_TEXT]
            await self.delivery.deliver(stored, BotMessage(self.replies.say("too_long", limit=str(MAX_CITIZEN_TEXT))))
        turn = await self._ask_rasa(stored, text)
        if turn is None:
            self.metrics.error("rasa_failed")
            await self.delivery.finish(stored, InboundStatus.FAILED, [BotMessage(self.replies.say("rasa_failed"))],
                                       sender="system")
            return
        self.metrics.understood(turn.intent)
        await self.delivery.finish(stored, InboundStatus.ANSWERED, turn.messages, intent=turn.intent,
                                   confidence=turn.confidence, entities=turn.entities)
        if turn.paused:
            await self.handoff.start(stored, turn.handoff_reason)

    async def _ask_rasa(self, stored: StoredInbound, text: str) -> TurnResult | None:
        """Rasa's answer, retried with backoff while Rasa is unreachable; None after repeated errors."""
        delay, attempt, errors = self.first_retry_delay_s, 0, 0
        while True:
            attempt += 1
            try:
                if stored.rasa_events_owed and (
                        await self.handoff.settle_with_rasa(stored.conversation_id) is not Settled.DONE):
                    # a tracker still paused would not answer: the resume goes first
                    raise RasaUnavailable("tracker events for this conversation are not in Rasa yet")
                return await self.rasa.send(stored.sender_id, text, message_id=str(stored.id),
                                            metadata={"channel": stored.message.channel.value})
            except RasaUnavailable as problem:
                log.warning("Rasa unavailable for message %d (attempt %d): %s", stored.id, attempt, problem)
                self.metrics.error("rasa_unavailable")
                await self.store.count_attempt(stored.id, str(problem))
                errors += 0 if problem.transient else 1
                if errors >= FAILED_ANSWERS_BEFORE_GIVING_UP:
                    return None
            if attempt == 2:  # a blip is retried silently; a real outage is announced once
                await self.delivery.deliver(stored, BotMessage(self.replies.say("rasa_disruption")), sender="system")
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.retry_max_delay_s)

    async def _link(self, stored: StoredInbound, code: str | None) -> None:
        channel = stored.message.channel
        other = LINKABLE.get(channel)
        if other is None:
            await self._answer_alone(stored, self.replies.say("link_unavailable"))
        elif code is None:
            issued = await self.links.issue(stored.contact_id, channel)
            await self._answer_alone(stored, self.replies.say(
                "link_code_issued", code=issued, other_channel=self.replies.channel(other)))
        else:
            result = await self.links.redeem(code, channel, stored.message.address)
            await self._answer_alone(stored, self.replies.say(
                f"link_{result.outcome.value}", channel=self.replies.channel(channel),
                other_channel=self.replies.channel(other)))

    async def _answer_alone(self, stored: StoredInbound, text: str) -> None:
        """Answer without Rasa (the message is not something the model should see)."""
        await self.delivery.finish(stored, InboundStatus.ANSWERED, [BotMessage(text)], sender="system")


def rasa_text(message: InboundMessage) -> str:
    """What Rasa should read: a button's payload, a command's intent, or the citizen's text."""
    if message.kind is InboundKind.BUTTON and message.payload:
        return message.payload
    if message.kind is InboundKind.COMMAND:
        word = message.text.split(maxsplit=1)[0].lower() if message.text.strip() else ""
        return COMMAND_TEXTS.get(word, message.text)
    return message.text.strip()

