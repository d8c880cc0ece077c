"""The gateway's client of Rasa's ``gateway`` input channel (see bot/rasa_channel.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.messages import BotMessage, Button


class RasaUnavailable(Exception):
    """Rasa could not be reached or answered with an error: the message is kept and retried.

    ``transient`` is False for an error answer (a 500): retrying that forever could block the
    conversation behind a message that always fails, so the pipeline gives up after a few tries.
    """

    def __init__(self, reason: str, transient: bool = True) -> None:
        super().__init__(reason)
        self.transient = transient


@dataclass(frozen=True)
class TurnResult:
    """What one citizen message produced: the bot's messages and what the model understood."""

    messages: list[BotMessage]
    intent: str | None = None
    confidence: float | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    paused: bool = False
    handoff_reason: str | None = None


def bot_message_of(raw: dict[str, Any]) -> BotMessage | None:
    """A Rasa output message as a :class:`BotMessage` (None for ones with nothing to show)."""
    text = str(raw.get("text") or "").strip()
    buttons = tuple(
        Button(title=str(b.get("title") or b.get("payload")), payload=str(b.get("payload") or b.get("title")))
        for b in raw.get("buttons") or [] if isinstance(b, dict) and (b.get("title") or b.get("payload"))
    )
    image = raw.get("image") if isinstance(raw.get("image"), str) else None
    if not text and not buttons and not image:
        return None
    return BotMessage(text=text, buttons=buttons, image=image)


class RasaClient:
    """Sends one citizen message to Rasa and returns the turn; one shared aiohttp session."""

    def __init__(self, base_url: str, timeout_s: float = 30.0, token: str | None = None,
                 max_in_flight: int = 8) -> None:
        self.url = f"{base_url.rstrip('/')}/webhooks/gateway/webhook"
        # Rasa works on one turn at a time per CPU; more requests in flight only make it pick among
        # them unfairly. A FIFO semaphore keeps turns first come, first served (tail latency).
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(5.0, timeout_s))
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    async def send(self, sender_id: str, text: str, message_id: str,
                   metadata: dict[str, Any] | None = None) -> TurnResult:
        """One turn. Raises :class:`RasaUnavailable` when Rasa is down, restarting or failing."""
        assert self._session is not None, "RasaClient.start() was not called"
        body = {"sender": sender_id, "message": text, "message_id": message_id, "metadata": metadata or {}}
        try:
            async with self._in_flight, self._session.post(self.url, json=body) as answer:
                if answer.status != 200:
                    # 502/503/504: a proxy or a server still loading its model; others are errors.
                    raise RasaUnavailable(f"Rasa answered {answer.status}", transient=answer.status in {502, 503, 504})
                data = await answer.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
        nlu = data.get("nlu") or {}
        messages = [m for m in (bot_message_of(raw) for raw in data.get("messages") or []) if m is not None]
        return TurnResult(messages=messages, intent=nlu.get("intent"), confidence=nlu.get("confidence"),
                          entities=list(nlu.get("entities") or []), paused=bool(data.get("paused")),
                          handoff_reason=data.get("handoff_reason"))

    async def post_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker (``pause``, ``resume``, slots) via Rasa's HTTP API."""
        assert self._session is not None, "RasaClient.start() was not called"
        url = self.url.replace("/webhooks/gateway/webhook", f"/conversations/{sender_id}/tracker/events")
        try:
            async with self._session.post(url, json=events, params={"include_events": "NONE"}) as answer:
                if answer.status != 200:
                    raise RasaUnavailable(f"Rasa answered {answer.status} to tracker events")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
