"""The gateway's real core (bot/core.py) in the test's own event loop: a SQLite database in a
temporary folder, a fake Rasa and channel senders that record what citizens would receive.

No process, no HTTP: a test says what citizens write (``Citizen.says``), waits until every
conversation is handled (``GatewayUnderTest.settle``) and reads what each citizen was sent.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.channels.base import DeliveryFailed, NotConnected
from bot.core import GatewayCore, build_core
from bot.messages import BotMessage, Channel, InboundKind, InboundMessage
from bot.rasa_client import RasaUnavailable, RasaUnreachable, TurnResult
from bot.rate_limits import Clock
from bot.replies import Replies
from bot.settings import Settings
from bot.store.agents import AgentInfo, Agents
from bot.store.database import gateway_database
from bot.store.migrate import MIGRATIONS
from bot.store.models import Message
from bot.store.transcripts import StoredInbound

REPLIES = Replies.load()
HANDOFF_WORD = "petugas"  # the fake Rasa pauses the conversation for it, as the real one does
# Rasa unreachable: retried after 10 ms, doubling to 40 ms (the gateway's defaults: 0.5 s to 30 s)
FIRST_RETRY_S, MAX_RETRY_S = 0.01, 0.04


def migrate_template(path: Path) -> Path:
    """An empty gateway database at ``path``, migrated to the latest schema (once per session)."""
    MIGRATIONS.upgrade(f"sqlite:///{path}")
    return path


def migrated_database(template: Path, folder: Path) -> str:
    """A fresh gateway database in ``folder``: a copy of ``template``."""
    target = folder / "gateway.db"
    source, copy = sqlite3.connect(template), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return f"sqlite:///{target}"


def answer_to(text: str) -> str:
    """What the fake Rasa answers to ``text``."""
    return f"jawaban: {text}"


@dataclass(frozen=True)
class Turn:
    """One request the gateway made to Rasa."""

    sender_id: str
    text: str
    message_id: str
    at: float  # time.monotonic()


class FakeRasa:
    """Rasa as the gateway sees it (:class:`bot.rasa_client.RasaApi`; mypy checks it where
    :func:`bot.core.build_core` takes it).

    Answers ``answer_to(text)``; pauses the conversation for :data:`HANDOFF_WORD`. Unreachable for
    the next ``unreachable_for`` requests, or while ``down``; answers errors (a 500) while ``failing``.
    ``slow`` makes the turn of a text take that long. Every request is recorded, failed or not.
    """

    def __init__(self) -> None:
        self.turns: list[Turn] = []
        self.posted: list[tuple[str, list[dict[str, Any]]]] = []  # tracker events that reached Rasa
        self.history: list[str] = []  # what reached Rasa, in order: "turn <text>" / "events <first event>"
        self.down = False
        self.unreachable_for = 0
        self.failing = False
        self.slow: dict[str, float] = {}
        self.in_turn: dict[str, int] = {}  # sender id -> turns running now
        self.overlapped = False  # two turns of one conversation ran at once

    async def send(self, sender_id: str, text: str, message_id: str,
                   metadata: dict[str, Any] | None = None) -> TurnResult:
        self.turns.append(Turn(sender_id, text, message_id, time.monotonic()))
        if self.down or self.unreachable_for > 0:
            self.unreachable_for = max(0, self.unreachable_for - 1)
            raise RasaUnreachable("ClientConnectorError: connection refused")
        if self.failing:
            raise RasaUnavailable("Rasa answered 500", transient=False)
        self.in_turn[sender_id] = self.in_turn.get(sender_id, 0) + 1
        self.overlapped = self.overlapped or self.in_turn[sender_id] > 1
        try:
            await asyncio.sleep(self.slow.get(text, 0.0))
        finally:
            self.in_turn[sender_id] -= 1
        self.history.append(f"turn {text}")
        paused = text.strip().lower() == HANDOFF_WORD
        return TurnResult([BotMessage(answer_to(text))], intent="ask_officer" if paused else "faq", confidence=0.9,
                          paused=paused, handoff_reason="request_human" if paused else None)

    async def post_events(self, sender_id: str, events: list[dict[str, Any]]) -> None:
        if self.down:
            raise RasaUnavailable("ClientConnectorError: connection refused")
        self.posted.append((sender_id, events))
        self.history.append(f"events {events[0]['event']}")

    def texts(self) -> list[str]:
        """The texts Rasa was asked about, one per request (retries included)."""
        return [turn.text for turn in self.turns]


@dataclass
class RecordingSender:
    """A channel (:class:`bot.channels.base.ChannelSender`) that keeps what it was given."""

    sent: list[tuple[str, BotMessage]] = field(default_factory=list)
    refusing: bool = False  # like a Telegram 403: the citizen blocked the bot
    closed: bool = False  # like a web page with no tab open

    async def deliver(self, address: str, message: BotMessage, message_id: int) -> str | None:
        if self.refusing:
            raise DeliveryFailed("403 Forbidden: bot was blocked by the user")
        if self.closed:
            raise NotConnected()
        self.sent.append((address, message))
        return f"sent-{message_id}"


class ConsoleTab:
    """An agent's open console: the events pushed to it."""

    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    async def send_json(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)

    async def close(self) -> None:
        return None

    def about(self, conversation_id: str) -> list[str]:
        return [frame["type"] for frame in self.frames if frame.get("conversation_id") == conversation_id]


_update_ids = itertools.count(1)


async def until(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """Wait until ``condition()`` holds (checked every few milliseconds)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.005)


@dataclass
class Citizen:
    """Someone writing to the gateway on one channel."""

    gateway: GatewayUnderTest
    channel: Channel
    address: str

    def message(self, text: str, kind: InboundKind = InboundKind.TEXT, external_id: str | None = None,
                payload: str | None = None, media: str | None = None) -> InboundMessage:
        """An update of this citizen; a fresh ``external_id`` unless one is given (a redelivery)."""
        return InboundMessage(self.channel, external_id or str(next(_update_ids)), self.address, kind, text=text,
                              payload=payload, media=media)

    async def says(self, *texts: str) -> list[StoredInbound | None]:
        """Each text as the channel would hand it over, one after the other."""
        return [await self.gateway.core.pipeline.accept(self.message(text)) for text in texts]

    def heard(self) -> list[str]:
        """Everything sent to this citizen so far, in order."""
        return [message.text for address, message in self.gateway.senders[self.channel].sent
                if address == self.address]

    def last_message(self) -> BotMessage:
        return [message for address, message in self.gateway.senders[self.channel].sent
                if address == self.address][-1]


@dataclass
class GatewayUnderTest:
    core: GatewayCore
    rasa: FakeRasa
    senders: dict[Channel, RecordingSender]
    database_url: str

    def citizen(self, address: str, channel: Channel = Channel.TELEGRAM) -> Citizen:
        return Citizen(self, channel, address)

    async def settle(self, timeout_s: float = 5.0) -> None:
        """Until every accepted message is handled."""
        await asyncio.wait_for(self.core.pipeline.workers.wait_idle(), timeout_s)

    async def agent(self, username: str, role: str = "agent") -> AgentInfo:
        return await Agents(self.core.store.database).create(username, username.title(), role,
                                                             "kata-sandi-panjang-1")

    async def open_console(self, agent: AgentInfo) -> ConsoleTab:
        tab = ConsoleTab()
        await self.core.hub.connected(agent, cast(web.WebSocketResponse, tab))
        return tab

    async def close_console(self, agent: AgentInfo, tab: ConsoleTab) -> None:
        await self.core.hub.disconnected(agent, cast(web.WebSocketResponse, tab))

    async def statuses(self, citizen: Citizen) -> list[str]:
        """The status of each message of ``citizen``, oldest first (what the console's transcript shows)."""
        def work(session: Session) -> list[str]:
            return list(session.execute(select(Message.status).where(
                Message.direction == "in", Message.address == citizen.address).order_by(Message.id)).scalars())
        return await self.core.store.database.run(work)


SETTINGS = Settings(office="always-open", agent_grace_s=0.2, presence_stale_s=20.0, retry_max_delay_s=MAX_RETRY_S,
                    chat_per_minute=0, chat_burst=0)


@asynccontextmanager
async def gateway(template: Path, folder: Path, rasa: FakeRasa | None = None, database_url: str | None = None,
                  clock: Clock = time.monotonic, **settings: Any) -> AsyncIterator[GatewayUnderTest]:
    """The core on a fresh database (or on ``database_url``, to start again on one) with channels
    registered as the app registers them; ``settings`` override :data:`SETTINGS`. Stopped on the
    way out as the app stops: consoles closed, workers cancelled (their messages stay ``received``)."""
    url = database_url or migrated_database(template, folder)
    database = gateway_database(url)
    fake = rasa or FakeRasa()
    core = build_core(replace(SETTINGS, database_url=url, **settings), database, fake,
                      first_retry_delay_s=FIRST_RETRY_S, clock=clock)
    senders = {channel: RecordingSender() for channel in Channel}
    for channel, sender in senders.items():
        core.delivery.register(channel, sender)
    try:
        yield GatewayUnderTest(core, fake, senders, url)
    finally:
        await core.hub.close()
        await core.pipeline.workers.stop()
        database.close()


@dataclass(frozen=True)
class Gateways:
    """Starts gateways on fresh copies of the migrated template (the ``gateways`` fixture)."""

    template: Path
    folder: Path

    def __call__(self, rasa: FakeRasa | None = None, database_url: str | None = None, clock: Clock = time.monotonic,
                 **settings: Any) -> AbstractAsyncContextManager[GatewayUnderTest]:
        return gateway(self.template, self.folder, rasa, database_url, clock, **settings)
