"""What goes back to the citizen: a message's outcome and its answers stored, then handed to the
citizen's channel, with the delivery status of each answer.

Built first in the gateway's core (bot/app.py): the pipeline and the handoff service both answer
through it, so neither calls the other to reach a citizen. Channels register their sender here
when the app is assembled, before the workers start.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from bot.channels.base import ChannelSender, DeliveryFailed, NotConnected
from bot.messages import BotMessage, Channel
from bot.metrics import GatewayMetrics
from bot.store.statuses import DeliveryStatus, InboundStatus
from bot.store.transcripts import StoredInbound, TranscriptStore

log = logging.getLogger(__name__)
# channels the gateway sends to (the web page instead collects what is pending when it reconnects)
PUSH_CHANNELS = (Channel.TELEGRAM, Channel.WHATSAPP)


class Delivery:
    """The channel senders, and every answer's way from the transcript store to the citizen."""

    def __init__(self, store: TranscriptStore, metrics: GatewayMetrics | None = None) -> None:
        self.store = store
        self.metrics = metrics or GatewayMetrics()
        self.senders: dict[Channel, ChannelSender] = {}

    def register(self, channel: Channel, sender: ChannelSender) -> None:
        """``channel``'s answers go to ``sender`` (an answer for a channel without one is ``failed``)."""
        self.senders[channel] = sender

    async def finish(self, stored: StoredInbound, status: InboundStatus, answers: Sequence[BotMessage] = (),
                     sender: str = "bot", intent: str | None = None, confidence: float | None = None,
                     entities: list[dict[str, Any]] | None = None) -> None:
        """The one place a citizen message is marked finished (answered, forwarded, rate_limited,
        failed): its status, what the model understood and its answers are recorded in one
        transaction, then the answers are sent in order."""
        ids = await self.store.finish_inbound(stored, status, answers, sender, intent=intent,
                                              confidence=confidence, entities=entities)
        for message_id, answer in zip(ids, answers):
            await self._send(stored, answer, message_id)

    async def deliver(self, stored: StoredInbound, message: BotMessage, sender: str = "bot",
                      agent_id: int | None = None) -> int:
        """Store ``message`` as an answer to ``stored``, send it on the citizen's channel; returns its id."""
        message_id = await self.store.add_outbound(stored, message, sender, agent_id)
        await self._send(stored, message, message_id)
        return message_id

    async def resend_stranded(self, older_than_s: float) -> int:
        """Send the answers a worker that died had stored but not sent (see
        TranscriptStore.claim_stranded_outbound); returns how many."""
        stranded = await self.store.claim_stranded_outbound(older_than_s, PUSH_CHANNELS)
        for outbound in stranded:
            await self._send_to(outbound.channel, outbound.address, outbound.message, outbound.id)
        return len(stranded)

    async def _send(self, stored: StoredInbound, message: BotMessage, message_id: int) -> None:
        await self._send_to(stored.message.channel, stored.message.address, message, message_id)

    async def _send_to(self, channel: Channel, address: str, message: BotMessage, message_id: int) -> None:
        channel_sender = self.senders.get(channel)
        if channel_sender is None:
            await self.store.set_delivery(message_id, DeliveryStatus.FAILED,
                                          error=f"channel {channel.value} is not configured")
            return
        try:
            external_id = await channel_sender.deliver(address, message, message_id)
        except NotConnected:
            return  # stays pending; the web page collects it when it reconnects
        except DeliveryFailed as problem:
            log.error("delivery of message %d on %s failed: %s", message_id, channel.value, problem)
            self.metrics.error("delivery_failed")
            await self.store.set_delivery(message_id, DeliveryStatus.FAILED, error=str(problem))
            return
        await self.store.set_delivery(message_id, DeliveryStatus.SENT, external_id=external_id)
        self.metrics.sent(channel.value)
