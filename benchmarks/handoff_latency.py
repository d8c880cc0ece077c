"""Handoff latencies an agent and a citizen feel.

1. request → console: from the moment a citizen's "saya mau bicara dengan petugas" is POSTed to
   the Telegram webhook until the conversation is in the agent's queue, seen the way the console
   page sees it (the websocket's "queue" event, then GET /console/api/conversations);
2. reply → citizen: from the agent's POST .../reply until the fake Bot API has the sendMessage.

Measured idle and while other citizens chat with the bot (background FAQ conversations, each
citizen reading the answer and thinking for a second before the next message).
Usage: ``make bench-handoff``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import sys
import time

import aiohttp

from benchmarks.rest_turns import SHORT_CONVERSATION, percentile
from benchmarks.stack import running_stack
from benchmarks.tables import machine, table
from test_support.console_client import ConsoleAgent
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, TgUser, deliver_webhook, text_update
from test_support.gateway_server import TELEGRAM_SECRET, Gateway
from test_support.paths import ROOT

RESULTS = ROOT / "bench-results"
PASSWORD = "bench-password-123"
THINK_S = 1.0
_chats = itertools.count(950_000_001)


async def one_handoff(gateway: Gateway, api: InThread[FakeTelegramApi], agent: ConsoleAgent,
                      ws: aiohttp.ClientWebSocketResponse, http: aiohttp.ClientSession) -> tuple[float, float]:
    chat = next(_chats)
    name = f"Warga {chat}"
    user = TgUser(id=chat, first_name="Warga", last_name=str(chat), username=None)
    started = time.monotonic()
    await deliver_webhook(f"{gateway.url}/telegram/webhook", text_update(chat, "saya mau bicara dengan petugas",
                                                                         user=user),
                          secret_token=TELEGRAM_SECRET, session=http)
    conversation = None
    while conversation is None:
        frame = await asyncio.wait_for(ws.receive_json(), 60)
        if frame["type"] == "queue":
            conversation = next((c for c in await agent.queue() if c["citizen"] == name), None)
    shown = time.monotonic() - started
    await api.call(api.server.wait_for_messages(chat, 2, timeout=60))  # the bot's answer and the queue notice
    assert (await agent.post(f"/conversations/{conversation['id']}/claim"))[0] == 200
    await api.call(api.server.wait_for_messages(chat, 3, timeout=60))
    started = time.monotonic()
    status, _ = await agent.post(f"/conversations/{conversation['id']}/reply", {"text": "Selamat siang, Bapak/Ibu."})
    assert status == 201
    sent = await api.call(api.server.wait_for_messages(chat, 4, timeout=60))
    delivered = sent[3].at - started
    await agent.post(f"/conversations/{conversation['id']}/resolve")
    return shown, delivered


async def background_chat(gateway: Gateway, api: InThread[FakeTelegramApi], stop: asyncio.Event,
                          http: aiohttp.ClientSession) -> int:
    """A citizen chatting with the bot over and over, reading each answer and thinking for a second
    before writing again (load beside the handoffs); returns the turns sent."""
    turns = 0
    while not stop.is_set():
        chat = next(_chats)
        for text in SHORT_CONVERSATION:
            answered = len(api.server.sent_messages(chat))
            await deliver_webhook(f"{gateway.url}/telegram/webhook", text_update(chat, text),
                                  secret_token=TELEGRAM_SECRET, session=http)
            turns += 1
            await api.call(api.server.wait_for_messages(chat, answered + 1, timeout=60))
            await asyncio.sleep(THINK_S)
            if stop.is_set():
                break
    return turns



async def measure(gateway: Gateway, api: InThread[FakeTelegramApi], rounds: int,
                  background: int) -> list[object]:
    async with ConsoleAgent(gateway, "bench-agent", PASSWORD) as agent, \
            aiohttp.ClientSession() as http, \
            agent.http.ws_connect(f"{gateway.url}/console/socket") as ws:
        await ws.receive_json()  # hello
        stop = asyncio.Event()
        load = [asyncio.create_task(background_chat(gateway, api, stop, http)) for _ in range(background)]
        shown, delivered = [], []
        try:
            for _ in range(rounds):
                a, b = await one_handoff(gateway, api, agent, ws, http)
                shown.append(a)
                delivered.append(b)
        finally:
            stop.set()
            with contextlib.suppress(Exception):
                await asyncio.gather(*load)
    return [background, rounds,
            *(f"{1000 * percentile(values, share):.0f}" for values in (shown, delivered) for share in (0.5, 0.95))]


async def main() -> None:
    parser = argparse.ArgumentParser(description="handoff latencies (console and citizen)")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    work = RESULTS / "handoff"
    rows = []
    with running_stack(work, {"GATEWAY_OFFICE": "always-open"}) as stack:
        stack.gateway.create_agent("bench-agent", PASSWORD)
        for background in (0, 10):
            print(f"measuring with {background} background conversation(s) ...", file=sys.stderr, flush=True)
            rows.append(await measure(stack.gateway, stack.telegram_api, args.rounds, background))
    text = "\n".join([
        f"Machine: {machine()}. Command: `make bench-handoff` (python -m benchmarks.handoff_latency "
        f"--rounds {args.rounds}). One agent with the console socket open; the citizen on the fake Bot API.",
        "",
        table(["background conversations", "handoffs", "request → on console p50 ms", "p95 ms",
               "agent reply → citizen p50 ms", "p95 ms"], rows),
    ])
    print(text)
    (RESULTS / "handoff_latency.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
