"""Faults under load in the production profile, with nothing lost: every question answered once, in
order, whatever broke meanwhile.

A stack of its own, since the faults break it: a private PostgreSQL (Rasa's tracker store and
the gateways' database) and a private Redis (Rasa's lock store) that the tests restart and stop,
the machine's RabbitMQ, two Rasa servers, two gateway workers (leases of 3 s, so a dead worker's
conversations are taken over quickly), the session's action server and back office. Citizens
deliver their updates like Telegram behind a load balancer: to either worker, again on failure.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest

from test_support.action_server import ActionServer
from test_support.console_client import ConsoleAgent
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi
from test_support.gateway_server import Gateway
from test_support.private_servers import PrivatePostgres, PrivateRedis
from test_support.production_services import (
    PRODUCTION_CREDENTIALS,
    PRODUCTION_ENDPOINTS,
    RABBITMQ,
    RASA_TOKEN,
    production_env,
    rabbitmq_queue,
    require,
    unique_name,
)
from test_support.rasa_server import RasaServer
from test_support.scale_out_citizens import DISRUPTION, QUESTIONS, answered, converse, deliver, new_chat
from test_support.telegram_chat import text_of

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
CITIZENS = 6
PASSWORD = "kata-sandi-gangguan-1"


@dataclass
class FaultStack:
    postgres: PrivatePostgres
    redis: PrivateRedis
    rasa: list[RasaServer]
    gateways: list[Gateway]
    telegram_api: InThread[FakeTelegramApi]


@pytest.fixture(scope="module")
def stack(model: Path, action_server: ActionServer, telegram_api: InThread[FakeTelegramApi],
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[FaultStack]:
    require("RabbitMQ", RABBITMQ)
    root = tmp_path_factory.mktemp("faults")
    with ExitStack() as cleanup:
        postgres = PrivatePostgres().start()
        cleanup.callback(postgres.stop)
        redis = PrivateRedis(root / "redis").start()
        cleanup.callback(redis.stop)
        env = production_env(postgres.create_database("tracker"), unique_name("faults"),
                             cleanup.enter_context(rabbitmq_queue("faults_")), action_server.webhook)
        env |= {"TRACKER_DB_PORT": str(postgres.port), "REDIS_PORT": str(redis.port)}
        endpoints = PRODUCTION_ENDPOINTS.read_text("utf-8")
        servers = [RasaServer(model, root / f"rasa{number}", endpoints=endpoints, extra_env=env,
                              credentials=PRODUCTION_CREDENTIALS) for number in range(2)]
        for server in servers:
            cleanup.callback(server.stop)
            server.start()
        gateway_database = postgres.create_database("gateway")
        workers = [Gateway(",".join(server.url for server in servers), root / f"gateway{number}",
                           telegram_api_url=telegram_api.server.base_url, shared_database_url=gateway_database,
                           extra_env={"GATEWAY_RASA_TOKEN": RASA_TOKEN, "GATEWAY_LEASE_TTL_S": "3",
                                      "GATEWAY_OFFICE": "always-open", "GATEWAY_IP_PER_MINUTE": "0"})
                   for number in range(2)]
        for worker in workers:
            cleanup.callback(worker.stop)
            worker.start()
        yield FaultStack(postgres, redis, servers, workers, telegram_api)


async def citizens_during(stack: FaultStack, fault: asyncio.Future[None] | None = None) -> list[list[str]]:
    """``CITIZENS`` citizens asking 4 questions each while ``fault`` happens; their replies."""
    asked = [[(number + turn) % len(QUESTIONS) for turn in range(4)] for number in range(CITIZENS)]
    conversations = asyncio.gather(*(converse(stack.gateways, stack.telegram_api, questions) for questions in asked))
    got, _ = await asyncio.gather(conversations, fault if fault is not None else asyncio.sleep(0))
    for questions, texts in zip(asked, got):
        assert answered(texts) == questions, f"asked {questions}, answered {answered(texts)}: {texts}"
    return got


async def refused_by_flood_control(api: InThread[FakeTelegramApi], count: int, timeout_s: float = 30.0) -> None:
    """Wait until the fake Bot API has answered ``count`` sendMessage calls with 429."""
    def refused() -> int:
        return sum(call.status == 429 for call in api.server.calls_to("sendMessage"))
    deadline = time.monotonic() + timeout_s
    while await asyncio.to_thread(api.do, refused) < count:
        assert time.monotonic() < deadline, f"fewer than {count} answers reached the Bot API in {timeout_s} s"
        await asyncio.sleep(0.05)


async def test_a_rasa_server_killed_under_load(stack: FaultStack) -> None:
    async def kill_and_restart() -> None:
        await asyncio.sleep(1.5)
        process = stack.rasa[0].process
        assert process is not None
        process.kill()  # SIGKILL: turns in flight there are cut off
        await asyncio.sleep(5)
        await asyncio.to_thread(stack.rasa[0].start)

    await citizens_during(stack, asyncio.ensure_future(kill_and_restart()))


async def test_redis_unavailable_for_a_while(stack: FaultStack) -> None:
    async def outage() -> None:
        await asyncio.sleep(1.0)
        stack.redis.stop()
        await asyncio.sleep(4.0)
        await asyncio.to_thread(stack.redis.start)

    replies = await citizens_during(stack, asyncio.ensure_future(outage()))
    assert any(DISRUPTION in text for texts in replies for text in texts), "citizens were told about the delay"


async def test_postgresql_restart_under_load(stack: FaultStack) -> None:
    async def restart() -> None:
        await asyncio.sleep(1.0)
        await asyncio.to_thread(stack.postgres.restart)

    await citizens_during(stack, asyncio.ensure_future(restart()))


async def test_a_gateway_worker_killed_with_messages_in_flight_and_a_conversation_in_handoff(
        stack: FaultStack) -> None:
    """The first worker dies holding answers Telegram has not taken yet (flood control) and
    questions still at Rasa; the survivor answers each citizen exactly once.

    The kill lands where nothing is ambiguous. One between handing an answer to Telegram and
    hearing back would bring that answer twice: sending is at least once (see
    TranscriptStore.claim_stranded_outbound)."""
    first, second = stack.gateways
    api = stack.telegram_api
    # a citizen waits for an officer
    waiting = new_chat()
    await deliver([first], 0, waiting, "saya mau bicara dengan petugas")
    await api.call(api.server.wait_for_messages(waiting, 2, timeout=30))
    chats = [new_chat() for _ in range(CITIZENS)]
    questions = {chat: number % len(QUESTIONS) for number, chat in enumerate(chats)}
    held, at_rasa = chats[:CITIZENS // 2], chats[CITIZENS // 2:]
    # answers the first worker stored and must wait to send: Telegram says "retry after 25 s"
    api.do(lambda: api.server.fail_next("sendMessage", status=429, times=len(held), retry_after=25))
    for chat in held:
        await deliver([first], 0, chat, QUESTIONS[questions[chat]][0])
    await refused_by_flood_control(api, len(held))
    # questions the first worker stored and passed on to Rasa, which is busy
    with ExitStack() as busy:
        for server in stack.rasa:
            busy.enter_context(server.frozen())
        for chat in at_rasa:
            await deliver([first], 0, chat, QUESTIONS[questions[chat]][0])
        await asyncio.sleep(0.5)
        process = first.process
        assert process is not None
        process.kill()
    # the citizen in the queue writes meanwhile (to the surviving worker)
    await deliver([second], 0, waiting, "halo, masih menunggu petugas")
    # the survivor takes over: questions after the lease ran out, answers once they are 30 s old
    for chat in chats:
        sent = await api.call(api.server.wait_for_messages(chat, 1, timeout=60))
        assert answered([text_of(call) for call in sent]) == [questions[chat]]
    await asyncio.to_thread(first.restart)
    # the handoff survived: an agent finds the citizen still queued, with the message written meanwhile
    username = f"agen{uuid.uuid4().hex[:6]}"
    await asyncio.to_thread(second.create_agent, username, PASSWORD)
    async with ConsoleAgent(second, username, PASSWORD) as agent:
        conversation = await agent.wait_for_conversation(
            lambda c: c["status"] == "queued" and "masih menunggu" in (c["last_message"] or ""))
        assert (await agent.post(f"/conversations/{conversation['id']}/claim"))[0] == 200
        status, _ = await agent.post(f"/conversations/{conversation['id']}/reply", {"text": "Baik, saya bantu."})
        assert status == 201
    sent = await api.call(api.server.wait_for_messages(waiting, 4, timeout=30))
    assert "Baik, saya bantu." in [text_of(call) for call in sent]
    # no message of the killed worker's citizens was answered twice
    await asyncio.sleep(3.0)
    assert all(len(api.server.sent_messages(chat)) == 1 for chat in chats)
