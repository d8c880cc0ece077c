"""Rate and size limits of the real gateway: a chat that floods, an address that floods, a huge body.

A gateway of its own with small limits: the shared one serves every test from 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import sqlite3
from collections.abc import Iterator

import aiohttp
import pytest

from test_support.background_proxy import BackgroundProxy
from test_support.fakes.graph_api import FakeGraphApi
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, text_update
from test_support.gateway_server import TELEGRAM_SECRET, Gateway
from test_support.telegram_chat import TelegramCitizen, text_of

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
CHAT_BURST = 3
IP_BURST = 5
LIMITED = "mengirim banyak pesan dalam waktu singkat"


@pytest.fixture(scope="module")
def limited_gateway(rasa_link: BackgroundProxy, telegram_api: InThread[FakeTelegramApi],
                    graph_api: InThread[FakeGraphApi],
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    server = Gateway(rasa_link.url, tmp_path_factory.mktemp("limited_gateway"),
                     telegram_api_url=telegram_api.server.base_url, graph_api_url=graph_api.server.api_url,
                     extra_env={"GATEWAY_CHAT_PER_MINUTE": "30", "GATEWAY_CHAT_BURST": str(CHAT_BURST),
                                "GATEWAY_IP_PER_MINUTE": "6", "GATEWAY_IP_BURST": str(IP_BURST),
                                "GATEWAY_TRUST_FORWARDED": "true"}).start()
    yield server
    server.stop()


async def test_a_flooding_chat_is_told_once_and_nothing_is_lost(
        limited_gateway: Gateway, telegram_api: InThread[FakeTelegramApi]) -> None:
    flooder, neighbour = TelegramCitizen(limited_gateway, telegram_api), TelegramCitizen(limited_gateway, telegram_api)
    texts = [f"jam buka mpp {number}" for number in range(CHAT_BURST + 3)]
    for text in texts:
        assert (await flooder.post(text_update(flooder.chat_id, text)))[0] == 200  # Telegram is never refused
    while not any(LIMITED in text_of(reply) for reply in flooder.sent_so_far()):
        await flooder.replies(1)
    await asyncio.sleep(1.0)  # nothing more comes for the refused messages
    assert sum(LIMITED in text_of(reply) for reply in flooder.sent_so_far()) == 1
    # another citizen is not slowed down
    assert (await neighbour.post(text_update(neighbour.chat_id, "jam buka mpp")))[0] == 200
    assert LIMITED not in text_of((await neighbour.replies(1))[0])
    # every message is in the transcript, the refused ones marked
    with sqlite3.connect(limited_gateway.workdir / "gateway.db") as db:
        statuses = [status for (status,) in db.execute(
            "SELECT status FROM messages WHERE direction = 'in' AND address = ? ORDER BY id", (str(flooder.chat_id),))]
    assert statuses == ["answered"] * CHAT_BURST + ["rate_limited"] * 3
    # after a pause (one message every 2 s) the chat is answered again
    await asyncio.sleep(2.5)
    flooder.seen = len(flooder.sent_so_far())
    assert (await flooder.post(text_update(flooder.chat_id, "jam buka mpp sabtu")))[0] == 200
    assert LIMITED not in text_of((await flooder.replies(1))[0])


async def get(gateway: Gateway, path: str, address: str) -> aiohttp.ClientResponse:
    async with aiohttp.ClientSession() as http, http.get(f"{gateway.url}{path}",
                                                         headers={"X-Forwarded-For": address}) as answer:
        await answer.read()
        return answer


async def test_a_flooding_address_gets_429_with_a_polite_text(limited_gateway: Gateway) -> None:
    statuses = [(await get(limited_gateway, "/chat", "203.0.113.10")).status for _ in range(IP_BURST + 2)]
    assert statuses == [200] * IP_BURST + [429, 429]
    async with aiohttp.ClientSession() as http, http.get(f"{limited_gateway.url}/chat",
                                                         headers={"X-Forwarded-For": "203.0.113.10"}) as answer:
        assert answer.status == 429
        assert int(answer.headers["Retry-After"]) >= 1
        assert "Mohon tunggu sebentar" in await answer.text()
        refused_console = await http.get(f"{limited_gateway.url}/console/api/me",
                                         headers={"X-Forwarded-For": "203.0.113.10"})
        assert refused_console.status == 429 and (await refused_console.json())["error"] == "rate_limited"
    assert (await get(limited_gateway, "/chat", "203.0.113.11")).status == 200  # another address
    assert (await get(limited_gateway, "/healthz", "203.0.113.10")).status == 200  # health checks are not limited


@pytest.mark.parametrize("path", ["/telegram/webhook", "/whatsapp/webhook"])
async def test_a_huge_webhook_body_is_refused_before_it_is_read(limited_gateway: Gateway, path: str) -> None:
    body = b'{"update_id": 1, "padding": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    async with aiohttp.ClientSession() as http, http.post(
            f"{limited_gateway.url}{path}", data=body,
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
                     "X-Hub-Signature-256": "sha256=" + "0" * 64}) as answer:
        assert answer.status == 413


async def test_a_compressed_body_is_refused_and_nothing_of_it_is_answered(
        limited_gateway: Gateway, telegram_api: InThread[FakeTelegramApi]) -> None:
    citizen = TelegramCitizen(limited_gateway, telegram_api)
    update = json.dumps(text_update(citizen.chat_id, "syarat bikin ktp baru")).encode()
    async with aiohttp.ClientSession(auto_decompress=False) as http, http.post(
            f"{limited_gateway.url}/telegram/webhook", data=gzip.compress(update),
            headers={"Content-Type": "application/json", "Content-Encoding": "gzip",
                     "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET}) as answer:
        assert answer.status == 415
    status, _ = await citizen.post(text_update(citizen.chat_id, "jam buka mpp"))  # the same, plain
    assert status == 200
    [reply] = await citizen.replies(1)
    assert "ktp" not in text_of(reply).lower()
    await asyncio.sleep(1.0)
    assert len(citizen.sent_so_far()) == 1
