"""What the pipeline needs from a channel to answer a citizen."""

from __future__ import annotations

from typing import Protocol

from bot.messages import BotMessage


class DeliveryFailed(Exception):
    """The channel refused or could not take the message (after its own retries)."""


class NotConnected(Exception):
    """Nobody is there to take it now (a closed web page): the message stays pending."""


class ChannelSender(Protocol):
    """Delivers bot messages to one channel."""

    async def deliver(self, address: str, message: BotMessage, message_id: int) -> str | None:
        """Send ``message`` to ``address``; return the channel's id of what was sent (last part).

        ``message_id`` is the transcript's id of the message. Raises :class:`DeliveryFailed` or
        :class:`NotConnected`.
        """
        ...
