"""The handoff's behaviour: what happens to the citizen, Rasa and the console on each transition.

States live in the database (bot/store/handoff.py), so they survive restarts; Rasa is paused
while a person has the conversation and resumed (with ``handed_off`` set, so the bot does not
greet the citizen as a stranger) when the agent resolves it or the citizen stops waiting.

The pipeline hands the service a citizen's message when the conversation is (or just was) with a
person (``handle``) and tells it when Rasa paused a conversation (``start``); the service answers
citizens through :class:`bot.delivery.Delivery` and never calls the pipeline.
"""

from __future__ import annotations

import asyncio
import logging
import math
import re
import statistics
import weakref
from datetime import datetime, timezone
from enum import Enum

from bot.console.audience import audience_of, only
from bot.console.hub import Consoles
from bot.delivery import Delivery
from bot.handoff.hours import ServiceHours
from bot.messages import BotMessage, Button
from bot.metrics import GatewayMetrics
from bot.rasa_client import RasaApi, RasaUnavailable
from bot.replies import Replies
from bot.store.agents import AgentInfo
from bot.store.handoff import HandoffStore, Transition
from bot.store.models import utc_now
from bot.store.rasa_outbox import RasaOutbox
from bot.store.statuses import IN_HANDOFF, ConversationStatus, InboundStatus
from bot.store.transcripts import StoredInbound, TranscriptStore

log = logging.getLogger(__name__)
CANCEL = re.compile(r"^\s*(batal|batalkan|gak jadi|tidak jadi|nggak jadi)\s*[.!]*\s*$", re.IGNORECASE)
RATING = re.compile(r"^\s*([1-5])\s*(?:/\s*5)?\s*[.!]*\s*$")
RATING_BUTTONS = tuple(Button(title=str(n), payload=str(n)) for n in range(1, 6))


class Settled(Enum):
    DONE = "done"  # Rasa has every event the conversation's transitions owed it
    RASA_DOWN = "rasa_down"
    ELSEWHERE = "elsewhere"  # another worker is posting them right now


class HandoffService:
    def __init__(self, store: HandoffStore, transcripts: TranscriptStore, rasa: RasaApi, replies: Replies,
                 hours: ServiceHours, consoles: Consoles, delivery: Delivery, outbox: RasaOutbox,
                 metrics: GatewayMetrics | None = None) -> None:
        self.store = store
        self.outbox = outbox  # pause/resume events stay here until Rasa has them
        # one lock per conversation being settled; entries vanish when no task holds their lock
        self._settling: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.metrics = metrics or GatewayMetrics()
        self.transcripts = transcripts
        self.rasa = rasa
        self.replies = replies
        self.hours = hours
        self.consoles = consoles  # the agents' open consoles: who is online, events to them
        self.delivery = delivery

    # -- from the citizen's side ------------------------------------------------------------------

    async def handle(self, stored: StoredInbound) -> bool:
        """A citizen's text or button, with the conversation's status as of now: True when a person
        has (or will have) the conversation, or it was just resolved and this is the rating — the
        handoff took the message; False: it goes to the bot."""
        if stored.conversation_status in IN_HANDOFF:
            await self.citizen_wrote(stored)
            return True
        return stored.conversation_status == ConversationStatus.RESOLVED and await self.rated(stored)

    async def start(self, stored: StoredInbound, reason: str | None) -> None:
        """Rasa paused the conversation: queue it and tell the citizen where they stand."""
        moved = await self.store.queue(stored.conversation_id, reason or "request_human")
        if not moved.changed:
            return
        self.metrics.handoffs.labels(reason or "request_human").inc()
        await self.delivery.deliver(stored, BotMessage(await self._queue_text(stored.conversation_id)), "system")
        await self.queue_changed()

    async def _queue_text(self, conversation_id: str) -> str:
        now = datetime.now(timezone.utc)
        if not self.hours.is_open(now):
            return self.replies.say("handoff_outside_hours", opening=self.hours.describe_opening(now))
        spot = await self.store.position(conversation_id)
        position = spot[0] if spot else 1
        return self.replies.say("handoff_queued", position=str(position), estimate=await self._estimate(position))

    async def _estimate(self, position: int) -> str:
        """Honest: from how long agents really took lately and how many are online, or no number at all."""
        online = len(await self.consoles.online_ids())
        if online == 0:
            return self.replies.say("estimate_no_agent")
        handling = await self.store.recent_handling_s()
        if len(handling) < 3:
            return self.replies.say("estimate_unknown")
        minutes = max(1, round(math.ceil(position / online) * statistics.median(handling) / 60))
        return self.replies.say("estimate_minutes", minutes=str(minutes))

    async def citizen_wrote(self, stored: StoredInbound) -> None:
        """A message while a person has (or will have) the conversation: to the console, not to Rasa."""
        text = (stored.message.payload or stored.message.text) if stored.message.kind.value == "button" else (
            stored.message.text)
        if stored.conversation_status == ConversationStatus.QUEUED and CANCEL.match(text or ""):
            moved = await self.store.cancel(stored.conversation_id)
            if moved.changed:
                await self.delivery.finish(stored, InboundStatus.ANSWERED)
                await self.settle_with_rasa(stored.conversation_id)
                await self.delivery.deliver(stored, BotMessage(self.replies.say("handoff_cancelled")), "system")
                await self.queue_changed()
                return
        await self.delivery.finish(stored, InboundStatus.FORWARDED)
        await self.conversation_changed(stored.conversation_id)

    async def rated(self, stored: StoredInbound) -> bool:
        """After resolution: a 1-5 answer is the rating (True: handled); anything else goes to the bot."""
        text = stored.message.payload or stored.message.text
        match = RATING.match(text or "")
        await self.store.finish(stored.conversation_id, int(match.group(1)) if match else None)
        if match is None:
            return False
        await self.delivery.finish(stored, InboundStatus.ANSWERED)
        await self.delivery.deliver(stored, BotMessage(self.replies.say("csat_thanks")), "system")
        return True

    # -- from the console ---------------------------------------------------------------------------

    async def claim(self, conversation_id: str, agent: AgentInfo) -> Transition:
        moved = await self.store.claim(conversation_id, agent)
        if moved.changed:
            if moved.view is not None and moved.view.queued_at is not None:
                self.metrics.handoff_wait.observe((utc_now() - moved.view.queued_at).total_seconds())
            await self._tell_citizen(conversation_id, self.replies.say("handoff_claimed", agent=agent.name))
            await self.queue_changed()
        return moved

    async def reply(self, conversation_id: str, agent: AgentInfo, text: str) -> int | None:
        latest = await self.transcripts.latest_inbound(conversation_id)
        if latest is None:
            return None
        message_id = await self.delivery.deliver(latest, BotMessage(text), "agent", agent.id)
        await self.conversation_changed(conversation_id)
        return message_id

    async def transfer(self, conversation_id: str, actor: AgentInfo, to_agent_id: int) -> Transition:
        moved = await self.store.transfer(conversation_id, actor, to_agent_id)
        if moved.changed:
            await self.consoles.publish({"type": "assigned", "conversation_id": conversation_id},
                                        only(to_agent_id))
            await self.queue_changed()
        return moved

    async def resolve(self, conversation_id: str, actor: AgentInfo) -> Transition:
        moved = await self.store.resolve(conversation_id, actor)
        if moved.changed and moved.view is not None:
            await self.settle_with_rasa(conversation_id)
            latest = await self.transcripts.latest_inbound(conversation_id)
            if latest is not None:
                await self.delivery.deliver(latest, BotMessage(self.replies.say("csat_question"), RATING_BUTTONS),
                                            "system")
            await self.queue_changed()
        return moved

    async def takeover(self, conversation_id: str, supervisor: AgentInfo) -> Transition:
        moved = await self.store.takeover(conversation_id, supervisor)
        if moved.changed and moved.view is not None:
            await self.settle_with_rasa(conversation_id)  # the pause, when it came from the bot
            await self._tell_citizen(conversation_id, self.replies.say("handoff_taken_over", agent=supervisor.name))
            await self.queue_changed()
        return moved

    async def agent_gone(self, agent_id: int) -> None:
        """The grace period of an agent who left ran out: their citizens go back to the queue."""
        for conversation_id in await self.store.requeue_agent(agent_id):
            spot = await self.store.position(conversation_id)
            await self._tell_citizen(conversation_id, self.replies.say(
                "handoff_requeued", position=str(spot[0] if spot else 1)))
        await self.queue_changed()

    # -- helpers --------------------------------------------------------------------------------------

    async def _tell_citizen(self, conversation_id: str, text: str) -> None:
        latest = await self.transcripts.latest_inbound(conversation_id)
        if latest is not None:
            await self.delivery.deliver(latest, BotMessage(text), "system")
        await self.conversation_changed(conversation_id)

    async def queue_changed(self) -> None:
        await self.consoles.publish({"type": "queue"})

    async def conversation_changed(self, conversation_id: str) -> None:
        view = await self.store.view(conversation_id)
        if view is None:
            return
        await self.consoles.publish({"type": "message", "conversation_id": conversation_id}, audience_of(view))
        await self.queue_changed()

    async def settle_with_rasa(self, conversation_id: str) -> Settled:
        """Post the tracker events the conversation's transitions owe Rasa, oldest first (one poster
        per conversation in this worker; claims keep other workers off the same entry)."""
        lock = self._settling.setdefault(conversation_id, asyncio.Lock())
        async with lock:
            while (owed := await self.outbox.claim_next(conversation_id)) is not None:
                try:
                    await self.rasa.post_events(owed.sender_id, owed.events)
                except RasaUnavailable as problem:
                    log.warning("Rasa unavailable for tracker events (%s); kept for later", problem)
                    await self.outbox.failed(owed)
                    return Settled.RASA_DOWN
                await self.outbox.delivered(owed)
            return Settled.ELSEWHERE if await self.outbox.owes(conversation_id) else Settled.DONE

    async def settle_all_with_rasa(self) -> None:
        """Every conversation still owed tracker events (Rasa was down, or a worker died meanwhile)."""
        for conversation_id in await self.outbox.conversations_owed():
            if await self.settle_with_rasa(conversation_id) is Settled.RASA_DOWN:
                return  # next time
