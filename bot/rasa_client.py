"""The gateway's client of Rasa's ``gateway`` input channel (see rasa_server/gateway_channel.py)."""

from __future__ import annotations

import asyncio
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

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


class RasaUnreachable(RasaUnavailable):
    """Nothing reached the server (connection refused, a proxy's 502-504): another may take the turn."""


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


class RasaApi(Protocol):
    """What the pipeline and the handoff service need from Rasa: :class:`RasaClient`, or a fake in tests."""

    async def send(self, sender_id: str, text: str, message_id: str,
                   metadata: dict[str, Any] | None = None) -> TurnResult:
        """One turn. Raises :class:`RasaUnavailable` (:class:`RasaUnreachable`: nothing reached Rasa)."""
        ...

    async def post_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker. Raises :class:`RasaUnavailable`."""
        ...


@dataclass
class RasaServer:
    """One Rasa server of the gateway's list, and until when it is avoided after failing."""

    base_url: str
    in_flight: asyncio.Semaphore
    avoid_until: float = 0.0

    @property
    def url(self) -> str:
        return f"{self.base_url}/webhooks/gateway/webhook"


class RasaClient:
    """Sends one citizen message to Rasa and returns the turn; one shared aiohttp session.

    With several Rasa servers (``RASA_URL`` a comma-separated list, all sharing the tracker and
    lock stores) a conversation goes to the same server while it answers (rendezvous hashing of
    the sender id: its locks stay on one server); a server that cannot be reached is avoided
    for ``AVOID_S`` and the turn goes to the next one at once.
    """

    AVOID_S = 10.0

    def __init__(self, base_url: str, timeout_s: float = 30.0, token: str | None = None,
                 max_in_flight: int = 8) -> None:
        # Rasa works on one turn at a time per CPU; more requests in flight only make it pick among
        # them unfairly. A FIFO semaphore per server keeps turns first come, first served (tail latency).
        self.servers = [RasaServer(url.strip().rstrip("/"), asyncio.Semaphore(max_in_flight))
                        for url in base_url.split(",") if url.strip()]
        if not self.servers:
            raise ValueError("no Rasa URL")
        self._timeout = aiohttp.ClientTimeout(total=timeout_s, connect=min(5.0, timeout_s))
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=self._timeout, headers=self._headers)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()

    def order_for(self, sender_id: str) -> list[RasaServer]:
        """The servers to try for ``sender_id``: its own first, avoided ones last."""
        ranked = sorted(self.servers, key=lambda server: hashlib.sha256(
            f"{server.base_url}|{sender_id}".encode()).digest())
        now = time.monotonic()
        return sorted(ranked, key=lambda server: server.avoid_until > now)  # stable: keeps the hash order

    async def send(self, sender_id: str, text: str, message_id: str,
                   metadata: dict[str, Any] | None = None) -> TurnResult:
        """One turn. Raises :class:`RasaUnavailable` when no Rasa server could answer."""
        body = {"sender": sender_id, "message": text, "message_id": message_id, "metadata": metadata or {}}
        problem: RasaUnavailable | None = None
        for server in self.order_for(sender_id):
            try:
                data = await self._post_turn(server, body)
            except RasaUnreachable as unreachable:
                server.avoid_until = time.monotonic() + self.AVOID_S
                problem = unreachable
                continue  # nothing reached this server: the next one may answer at once
            return self._turn_of(data)
        assert problem is not None
        raise problem

    async def _post_turn(self, server: RasaServer, body: dict[str, Any]) -> dict[str, Any]:
        assert self._session is not None, "RasaClient.start() was not called"
        try:
            async with server.in_flight, self._session.post(server.url, json=body) as answer:
                if answer.status in {502, 503, 504}:  # a proxy, or a server still loading its model
                    raise RasaUnreachable(f"Rasa at {server.base_url} answered {answer.status}")
                if answer.status != 200:
                    raise RasaUnavailable(f"Rasa answered {answer.status}", transient=False)
                return dict(await answer.json())
        except aiohttp.ClientConnectorError as error:  # refused / no route: the turn never started there
            raise RasaUnreachable(f"{type(error).__name__}: {error}") from error
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            # the server may have started the turn: retried later (by the pipeline), not elsewhere now
            raise RasaUnavailable(f"{type(error).__name__}: {error}") from error

    @staticmethod
    def _turn_of(data: dict[str, Any]) -> TurnResult:
        nlu = data.get("nlu") or {}
        messages = [m for m in (bot_message_of(raw) for raw in data.get("messages") or []) if m is not None]
        return TurnResult(messages=messages, intent=nlu.get("intent"), confidence=nlu.get("confidence"),
                          entities=list(nlu.get("entities") or []), paused=bool(data.get("paused")),
                          handoff_reason=data.get("handoff_reason"))

    async def post_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        """Append events to the conversation's tracker (``pause``, ``resume``, slots) via Rasa's HTTP API."""
        assert self._session is not None, "RasaClient.start() was not called"
        problem: RasaUnavailable = RasaUnavailable("no Rasa server")
        for server in self.order_for(sender_id):
            url = f"{server.base_url}/conversations/{sender_id}/tracker/events"
            try:
                async with self._session.post(url, json=events, params={"include_events": "NONE"}) as answer:
                    if answer.status == 200:
                        return
                    problem = RasaUnavailable(f"Rasa answered {answer.status} to tracker events")
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                problem = RasaUnavailable(f"{type(error).__name__}: {error}")
        raise problem
