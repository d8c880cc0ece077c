"""The console with two gateway workers on one PostgreSQL database: what one worker sees, the
agents on the other see live; presence and the grace period count sockets on every worker; the
login throttle counts failures on every worker."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from test_support.backoffice import postgres_url
from test_support.console_client import ConsoleAgent
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi
from test_support.gateway_server import Gateway
from test_support.handoff_steps import ask_for_an_officer, say
from test_support.production_services import RASA_TOKEN, ProductionRasa
from test_support.scale_out_citizens import new_chat
from test_support.telegram_chat import TelegramCitizen, text_of

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
PASSWORD = "kata-sandi-konsol-1"
GRACE_S = 3.0
STALE_S = 4.0
_names = itertools.count(1)


@pytest.fixture(scope="module")
def workers(production: ProductionRasa, telegram_api: InThread[FakeTelegramApi],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, Gateway]]:
    rasa_urls = ",".join(server.url for server in production.servers)
    with postgres_url() as database_url:
        pair = [Gateway(rasa_urls, tmp_path_factory.mktemp(f"console_{name}"),
                        telegram_api_url=telegram_api.server.base_url, shared_database_url=database_url,
                        extra_env={"GATEWAY_RASA_TOKEN": RASA_TOKEN, "GATEWAY_OFFICE": "always-open",
                                   "GATEWAY_AGENT_GRACE_S": str(GRACE_S), "GATEWAY_PRESENCE_STALE_S": str(STALE_S),
                                   "GATEWAY_IP_PER_MINUTE": "0"})
                for name in ("a", "b")]
        pair[0].start()
        try:
            pair[1].start()
            yield pair[0], pair[1]
        finally:
            for worker in pair:
                worker.stop()


class Console:
    """An agent logged in through one worker, with the console page's websocket open on it."""

    def __init__(self, agent: ConsoleAgent, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.agent = agent
        self.socket = socket

    async def frame(self, wanted: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """The first frame containing ``wanted``'s items (others are skipped)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"no frame like {wanted} within {timeout} s")
            try:
                message = await self.socket.receive(timeout=left)
            except asyncio.TimeoutError:
                continue
            if message.type != aiohttp.WSMsgType.TEXT:
                raise AssertionError(f"the console socket closed: {message}")
            frame = json.loads(message.data)
            if all(frame.get(key) == value for key, value in wanted.items()):
                return dict(frame)

    async def no_frame(self, unwanted: dict[str, Any], within: float = 1.5) -> None:
        with pytest.raises(AssertionError, match="no frame like"):
            await self.frame(unwanted, timeout=within)

    async def close(self) -> None:
        await self.socket.close()
        await self.agent.__aexit__()


async def open_console(worker: Gateway, role: str = "agent", username: str | None = None) -> Console:
    name = username or f"{role}{next(_names)}x"
    if username is None:
        await asyncio.to_thread(worker.create_agent, name, PASSWORD, role, f"Petugas {name.title()}")
    agent = await ConsoleAgent(worker, name, PASSWORD).__aenter__()
    socket = await agent.http.ws_connect(f"{worker.url}/console/socket")
    assert (await socket.receive_json())["type"] == "hello"
    return Console(agent, socket)


@pytest.fixture
async def consoles() -> AsyncIterator[list[Console]]:
    opened: list[Console] = []
    yield opened
    for console in opened:
        await console.close()


async def claimed_citizen(worker: Gateway, api: InThread[FakeTelegramApi], agent: Console,
                          watcher: Console | None = None) -> tuple[TelegramCitizen, str]:
    """A citizen writing to ``worker`` asks for an officer (seen in ``watcher``'s queue) and ``agent``
    claims the conversation; the citizen and the conversation's id."""
    citizen = TelegramCitizen(worker, api, chat_id=new_chat())
    conversation = await ask_for_an_officer(citizen, (watcher or agent).agent)
    assert (await agent.agent.post(f"/conversations/{conversation}/claim"))[0] == 200
    await citizen.replies(1)
    return citizen, conversation


async def test_what_one_worker_sees_reaches_agents_on_the_other_live(
        workers: tuple[Gateway, Gateway], telegram_api: InThread[FakeTelegramApi], consoles: list[Console]) -> None:
    first, second = workers
    consoles += [await open_console(second), await open_console(first)]
    agent, colleague = consoles
    citizen, conversation = await claimed_citizen(first, telegram_api, agent)
    await agent.frame({"type": "queue"})  # the handoff on the first worker, pushed to the second
    await say(citizen, "nomor antrean saya berapa ya")
    # the citizen wrote to the first worker: the agent on the second sees it at once, the colleague
    # (not assigned, not a supervisor) gets nothing about it
    pushed = await agent.frame({"type": "message", "conversation_id": conversation})
    assert pushed["conversation_id"] == conversation
    await colleague.no_frame({"type": "message", "conversation_id": conversation})
    lines = (await agent.agent.get(f"/conversations/{conversation}"))["messages"]
    assert "nomor antrean saya berapa ya" in [line["text"] for line in lines]
    await agent.agent.post(f"/conversations/{conversation}/resolve")


async def test_an_agent_online_on_one_worker_keeps_their_citizens_when_the_other_restarts(
        workers: tuple[Gateway, Gateway], telegram_api: InThread[FakeTelegramApi], consoles: list[Console]) -> None:
    first, second = workers
    consoles += [await open_console(second), await open_console(first, "supervisor")]
    agent, supervisor = consoles
    citizen, conversation = await claimed_citizen(second, telegram_api, agent)
    listed = {a["id"]: a for a in (await supervisor.agent.get("/agents"))["agents"]}
    assert listed[agent.agent.me["id"]]["online"] is True  # the supervisor's worker sees the other's socket
    process = first.process
    assert process is not None
    process.kill()
    await asyncio.to_thread(first.restart)  # after a restart, agents holding conversations get a grace
    await asyncio.sleep(GRACE_S + STALE_S + 2)
    still = await agent.agent.wait_for_conversation(lambda c: c["id"] == conversation)
    assert still["status"] == "assigned" and still["assigned_to"]["id"] == agent.agent.me["id"]
    assert citizen.sent_so_far()[-1:] and "antrean" not in text_of(citizen.sent_so_far()[-1])
    await agent.agent.post(f"/conversations/{conversation}/resolve")


async def test_the_citizens_of_an_agent_on_a_killed_worker_are_requeued_once(
        workers: tuple[Gateway, Gateway], telegram_api: InThread[FakeTelegramApi], consoles: list[Console]) -> None:
    first, second = workers
    consoles += [await open_console(first), await open_console(second)]
    agent, colleague = consoles
    citizen, conversation = await claimed_citizen(second, telegram_api, agent, watcher=colleague)
    process = first.process
    assert process is not None
    process.kill()  # the agent's console was on this worker, and the agent does not come back
    try:
        [requeued] = await citizen.replies(1, timeout=STALE_S + GRACE_S + 15)
        assert "antrean" in text_of(requeued)
        back = await colleague.agent.wait_for_conversation(lambda c: c["id"] == conversation)
        assert back["status"] == "queued" and back["assigned_to"] is None
        await colleague.frame({"type": "queue"})
    finally:
        await asyncio.to_thread(first.restart)
    await asyncio.sleep(GRACE_S + 1)  # the restarted worker's own look at the agents changes nothing
    assert sum("antrean" in text_of(sent) for sent in citizen.sent_so_far()) == 2  # queued, requeued: once
    assert (await colleague.agent.post(f"/conversations/{conversation}/claim"))[0] == 200
    await colleague.agent.post(f"/conversations/{conversation}/resolve")


async def test_wrong_passwords_on_both_workers_add_up_to_one_lockout(workers: tuple[Gateway, Gateway]) -> None:
    first, second = workers
    username = f"agent{next(_names)}lock"
    await asyncio.to_thread(first.create_agent, username, PASSWORD, "agent", "Petugas Kunci")
    async with aiohttp.ClientSession() as http:
        async def log_in(worker: Gateway, password: str) -> str:
            async with http.post(f"{worker.url}/console/login", allow_redirects=False,
                                 data={"username": username, "password": password}) as answer:
                assert answer.status == 303
                return answer.headers["Location"]

        for attempt in range(5):  # 3 on one worker, 2 on the other: each alone is under the limit
            assert await log_in(workers[attempt % 2], "salah-sandi-123") == "/console/login?error=1"
        for worker in (first, second):
            assert await log_in(worker, PASSWORD) == "/console/login?error=locked"
