"""Rasa with the production endpoints (deploy/rasa/endpoints.yml) on the real servers: two Rasa
servers sharing the PostgreSQL tracker store and the Redis lock store, events on RabbitMQ."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import aio_pika
import aiohttp
import pytest
import redis

from test_support.production_services import (
    RABBITMQ,
    RABBITMQ_PASSWORD,
    RABBITMQ_USER,
    RASA_TOKEN,
    REDIS,
    ProductionRasa,
    stored_events,
    unique_name,
)
from test_support.rasa_server import RasaServer

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]


async def published_events(queue: str, sender: str, wanted: int, timeout: float = 20.0) -> list[dict[str, Any]]:
    """Events of ``sender`` read from the RabbitMQ queue Rasa publishes to."""
    connection = await aio_pika.connect_robust(f"amqp://{RABBITMQ_USER}:{RABBITMQ_PASSWORD}@{RABBITMQ[0]}:{RABBITMQ[1]}/")
    found: list[dict[str, Any]] = []
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True)
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < wanted and asyncio.get_running_loop().time() < deadline:
            message = await declared.get(fail=False)
            if message is None:
                await asyncio.sleep(0.2)
                continue
            await message.ack()
            event = json.loads(message.body)
            if event.get("sender_id") == sender:
                found.append(event)
    return found


class RedisKeysSeen:
    """The keys Rasa touches in Redis while the block runs (Redis MONITOR)."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self._client = redis.Redis(host=REDIS[0], port=REDIS[1])
        self._monitor = self._client.monitor()
        self._monitor.__enter__()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        try:
            for command in self._monitor.listen():
                parts = str(command.get("command", "")).split()
                if len(parts) > 1:
                    self.keys.append(parts[1])
        except Exception:  # the monitor connection is closed by stop()
            return

    def stop(self) -> list[str]:
        self._monitor.connection.disconnect()
        self._thread.join(timeout=5)
        return self.keys


async def say(server: RasaServer, sender: str, text: str, http: aiohttp.ClientSession) -> list[dict[str, Any]]:
    """A turn through the gateway channel, the only one the production credentials open."""
    async with http.post(f"{server.url}/webhooks/gateway/webhook", json={"sender": sender, "message": text},
                         headers={"Authorization": f"Bearer {RASA_TOKEN}"}) as answer:
        assert answer.status == 200, await answer.text()
        return list((await answer.json())["messages"])


async def test_only_the_gateway_with_its_token_reaches_rasa(production: ProductionRasa) -> None:
    server = production.servers[0]
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{server.url}/webhooks/gateway/webhook", json={"sender": "x", "message": "halo"},
                             headers={"Authorization": "Bearer wrong"}) as answer:
            assert answer.status in (401, 403)
        async with http.post(f"{server.url}/webhooks/rest/webhook", json={"sender": "x", "message": "halo"}) as answer:
            assert answer.status == 404


async def test_a_conversation_is_stored_in_postgresql_locked_in_redis_and_published(production: ProductionRasa
                                                                                     ) -> None:
    sender = unique_name("citizen")
    seen = RedisKeysSeen()
    try:
        async with aiohttp.ClientSession() as http:
            answer = await say(production.servers[0], sender, "syarat bikin ktp baru", http)
    finally:
        keys = seen.stop()
    assert answer and "KTP" in answer[0]["text"]
    assert any(key.startswith(f"{production.key_prefix}:lock:") and sender in key for key in keys), keys
    stored = stored_events(production.database_url, sender)
    assert [event["text"] for event in stored if event["event"] == "user"] == ["syarat bikin ktp baru"]
    assert any(event["event"] == "bot" for event in stored)
    published = await published_events(production.queue, sender, len(stored))
    assert [event["event"] for event in published] == [event["event"] for event in stored]


async def test_two_servers_take_turns_on_one_conversation_without_losing_or_mixing_turns(
        production: ProductionRasa) -> None:
    sender = unique_name("citizen")
    texts = [f"jam buka mpp hari ke {number}" for number in range(10)]
    async with aiohttp.ClientSession() as http:
        answers = await asyncio.gather(*(say(production.servers[number % 2], sender, text, http)
                                         for number, text in enumerate(texts)))
    assert all(answers), "every message got an answer"
    # the tracker store has each message once, each turn whole (never interleaved): the last action
    # before a user event is action_listen (all sessions: long conversations roll over to a new one)
    events = stored_events(production.database_url, sender)
    assert sorted(event["text"] for event in events if event["event"] == "user") == sorted(texts)
    last_action = None
    for event in events:
        if event["event"] == "action":
            last_action = event["name"]
        elif event["event"] == "user" and last_action is not None:
            assert last_action == "action_listen", f"a turn was interrupted: {events}"
