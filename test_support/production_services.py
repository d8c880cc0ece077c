"""The production profile's servers on this machine: PostgreSQL, Redis, RabbitMQ.

They run before a session and in CI. Without one, a test of the production profile is skipped on
a developer's machine and fails on CI (``CI=true``): CI must never pass by skipping them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import aio_pika
import psycopg2
import pytest

from test_support.paths import ROOT
from test_support.rasa_server import RasaServer

REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)
RABBITMQ_USER = RABBITMQ_PASSWORD = "guest"
RASA_TOKEN = "gateway-to-rasa-token-for-tests"  # deploy/rasa/credentials.yml: the gateway channel's token
PRODUCTION_ENDPOINTS = ROOT / "deploy" / "rasa" / "endpoints.yml"
PRODUCTION_CREDENTIALS = ROOT / "deploy" / "rasa" / "credentials.yml"


def unavailable(message: str) -> None:
    """A server the test needs is missing: fail on CI, skip on a developer's machine."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require(name: str, address: tuple[str, int]) -> None:
    """Skip (locally) or fail (CI) when nothing listens at ``address``."""
    try:
        socket.create_connection(address, timeout=3).close()
    except OSError as problem:
        unavailable(f"{name} is not reachable at {address[0]}:{address[1]}: {problem}")


def unique_name(prefix: str) -> str:
    """Letters and digits only (Rasa's Redis key_prefix accepts nothing else)."""
    return f"{prefix}{secrets.token_hex(4)}"


@dataclass
class ProductionRasa:
    servers: tuple[RasaServer, RasaServer]
    database_url: str
    key_prefix: str
    queue: str


def production_env(database_url: str, key_prefix: str, queue: str, action_url: str) -> dict[str, str]:
    """The variables deploy/rasa/endpoints.yml reads, pointing at this machine's servers."""
    database = database_url.rsplit("/", 1)[1]
    return {"TRACKER_DB_HOST": "127.0.0.1", "TRACKER_DB_PORT": "5432", "TRACKER_DB_NAME": database,
            "TRACKER_DB_USER": "postgres", "TRACKER_DB_PASSWORD": "",
            "REDIS_HOST": REDIS[0], "REDIS_PORT": str(REDIS[1]), "REDIS_DB": "1", "REDIS_PASSWORD": "",
            "REDIS_KEY_PREFIX": key_prefix,
            "RABBITMQ_HOST": RABBITMQ[0], "RABBITMQ_PORT": str(RABBITMQ[1]), "RABBITMQ_USER": RABBITMQ_USER,
            "RABBITMQ_PASSWORD": RABBITMQ_PASSWORD, "RABBITMQ_QUEUE": queue, "RABBITMQ_EXCHANGE": f"{queue}-exchange",
            "ACTION_ENDPOINT_URL": action_url,
            "GATEWAY_RASA_TOKEN": RASA_TOKEN}


def stored_events(database_url: str, sender: str) -> list[dict[str, Any]]:
    with psycopg2.connect(database_url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
        return [json.loads(data) for (data,) in cursor.fetchall()]


async def _delete_rabbitmq(queue: str) -> None:
    connection = await aio_pika.connect(f"amqp://{RABBITMQ_USER}:{RABBITMQ_PASSWORD}@{RABBITMQ[0]}:{RABBITMQ[1]}/")
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)
        await channel.exchange_delete(f"{queue}-exchange")


@contextmanager
def rabbitmq_queue(prefix: str) -> Iterator[str]:
    """A queue name (and its exchange, ``<queue>-exchange``) for Rasa's broker, both deleted at the
    end: nobody consumes them, and RabbitMQ would keep every event of every run."""
    queue = unique_name(prefix)
    try:
        yield queue
    finally:
        try:  # in a thread of its own: the caller may be inside a running event loop
            with concurrent.futures.ThreadPoolExecutor(1) as thread:
                thread.submit(asyncio.run, _delete_rabbitmq(queue)).result(timeout=30)
        except Exception as problem:  # RabbitMQ gone: nothing to clean
            print(f"could not delete RabbitMQ queue {queue}: {problem}")
