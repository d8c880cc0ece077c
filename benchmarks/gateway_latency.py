"""What the gateway adds to a turn: Telegram webhook and web chat vs. a direct Rasa REST call.

One run starts the back office, the action server, Rasa and the gateway (Telegram in webhook
mode against the fake Bot API, the web chat), then plays the same short conversation with 1, 10
and 50 concurrent conversations three ways:

- direct: ``POST /webhooks/rest/webhook`` on Rasa, timed until the answer;
- telegram: the update POSTed to ``/telegram/webhook``, timed until the fake Bot API received the
  last ``sendMessage`` of the turn (so it includes storing, the ordered worker, Rasa's gateway
  channel, rendering, PTB and the transcript writes);
- web: a websocket frame, timed until the last bot message of the turn arrives.

Usage: ``make bench-gateway`` (or ``.venv/bin/python -m benchmarks.gateway_latency``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiohttp

from benchmarks.process_stats import CpuMeter, rss_mb
from benchmarks.rest_turns import SHORT_CONVERSATION, percentile
from benchmarks.stack import running_stack
from benchmarks.tables import machine, table
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, deliver_webhook, text_update
from test_support.gateway_server import TELEGRAM_SECRET, Gateway
from test_support.paths import ROOT
from test_support.rasa_server import RasaServer

RESULTS = ROOT / "bench-results"
CONCURRENCY = (1, 10, 50)
_chat_ids = itertools.count(900_000_001)
Conversation = Callable[[aiohttp.ClientSession, list[int]], Awaitable[tuple[list[float], list[float]]]]


@dataclass(frozen=True)
class Row:
    path: str
    conversations: int
    turns: int
    p50_ms: float
    p95_ms: float
    turns_per_s: float
    webhook_p95_ms: float | None
    cpu_ms_per_turn: dict[str, float]


async def messages_per_turn(rasa: RasaServer) -> list[int]:
    """How many bot messages each turn of the script produces (so a turn's end can be recognised)."""
    sender = f"count-{uuid.uuid4().hex[:8]}"
    return [len(await rasa.say(sender, text)) for text in SHORT_CONVERSATION]


def direct(rasa: RasaServer) -> Conversation:
    async def conversation(http: aiohttp.ClientSession, _counts: list[int]) -> tuple[list[float], list[float]]:
        sender, latencies = f"direct-{uuid.uuid4().hex[:10]}", []
        for text in SHORT_CONVERSATION:
            started = time.monotonic()
            async with http.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as r:
                await r.read()
            latencies.append(time.monotonic() - started)
        return latencies, []
    return conversation


def telegram(gateway: Gateway, api: InThread[FakeTelegramApi]) -> Conversation:
    async def conversation(http: aiohttp.ClientSession, counts: list[int]) -> tuple[list[float], list[float]]:
        chat, expected, latencies, webhook = next(_chat_ids), 0, [], []
        for text, count in zip(SHORT_CONVERSATION, counts):
            expected += count
            started = time.monotonic()
            status, answered = await deliver_webhook(f"{gateway.url}/telegram/webhook", text_update(chat, text),
                                                     secret_token=TELEGRAM_SECRET, session=http)
            assert status == 200
            webhook.append(answered)
            sent = await api.call(api.server.wait_for_messages(chat, expected, timeout=120))
            latencies.append(sent[expected - 1].at - started)
        return latencies, webhook
    return conversation


def web(gateway: Gateway) -> Conversation:
    async def conversation(http: aiohttp.ClientSession, counts: list[int]) -> tuple[list[float], list[float]]:
        latencies: list[float] = []
        async with http.ws_connect(f"{gateway.url}/web/socket?session=bench-{uuid.uuid4().hex}") as ws:
            await ws.receive_json()  # history
            for n, (text, count) in enumerate(zip(SHORT_CONVERSATION, counts)):
                started = time.monotonic()
                await ws.send_json({"type": "message", "id": f"m{n}", "text": text})
                received = 0
                while received < count:
                    frame = await asyncio.wait_for(ws.receive_json(), 120)
                    received += frame["type"] == "message"
                latencies.append(time.monotonic() - started)
        return latencies, []
    return conversation


async def measure(path: str, conversation: Conversation, counts: list[int], concurrent: int,
                  processes: dict[str, int]) -> Row:
    rounds = max(1, 50 // (concurrent * len(SHORT_CONVERSATION)) + (1 if concurrent == 1 else 0))
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as http:
        await conversation(http, counts)  # warm-up
        latencies: list[float] = []
        webhook: list[float] = []
        meter = CpuMeter(processes)
        started = time.monotonic()
        for _ in range(rounds):
            for turns, answered in await asyncio.gather(*(conversation(http, counts) for _ in range(concurrent))):
                latencies += turns
                webhook += answered
        seconds = time.monotonic() - started
        cpu = {name: share / 100 * seconds * 1000 / len(latencies) for name, share in meter.shares().items()}
    return Row(path, concurrent, len(latencies), 1000 * percentile(latencies, 0.5), 1000 * percentile(latencies, 0.95),
               len(latencies) / seconds, 1000 * percentile(webhook, 0.95) if webhook else None, cpu)


def report(rows: list[Row], memory: dict[str, float], args: argparse.Namespace) -> str:
    direct_p50 = {row.conversations: row.p50_ms for row in rows if row.path == "direct"}
    direct_p95 = {row.conversations: row.p95_ms for row in rows if row.path == "direct"}
    lines = [
        f"Machine: {machine()}. Command: `make bench-gateway` (python -m benchmarks.gateway_latency"
        f"{' --skip-web' if args.skip_web else ''}). Script: {len(SHORT_CONVERSATION)}-turn FAQ conversation "
        "(SHORT_CONVERSATION), back office + action server + Rasa + gateway on one machine, fake Bot API in the "
        "benchmark process.",
        "",
        table(["path", "conversations", "turns", "p50 ms", "p95 ms", "turns/s", "added p50 ms", "added p95 ms",
               "webhook answered p95 ms", "CPU ms/turn: " + " / ".join(rows[0].cpu_ms_per_turn)],
              [[row.path, row.conversations, row.turns, f"{row.p50_ms:.1f}", f"{row.p95_ms:.1f}",
                f"{row.turns_per_s:.1f}",
                "-" if row.path == "direct" else f"{row.p50_ms - direct_p50[row.conversations]:+.1f}",
                "-" if row.path == "direct" else f"{row.p95_ms - direct_p95[row.conversations]:+.1f}",
                "-" if row.webhook_p95_ms is None else f"{row.webhook_p95_ms:.1f}",
                " / ".join(f"{ms:.1f}" for ms in row.cpu_ms_per_turn.values())] for row in rows]),
        "",
        "Resident memory after the run: " + ", ".join(f"{name} {mb:.0f} MB" for name, mb in memory.items()),
    ]
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--skip-web", action="store_true", help="leave out the web chat path")
    parser.add_argument("--conversations", type=int, nargs="+", default=list(CONCURRENCY),
                        help="numbers of concurrent conversations (default 1 10 50)")
    args = parser.parse_args()
    work = RESULTS / "gateway"
    rows: list[Row] = []
    with running_stack(work) as stack:
        rasa, gateway = stack.rasa, stack.gateway
        counts = await messages_per_turn(rasa)
        paths: list[tuple[str, Conversation]] = [("direct", direct(rasa)),
                                                 ("telegram", telegram(gateway, stack.telegram_api))]
        if not args.skip_web:
            paths.append(("web", web(gateway)))
        processes = {name: server.process.pid for name, server in (
            ("gateway", gateway), ("rasa", rasa), ("actions", stack.actions), ("back office", stack.office))
            if server.process}
        for concurrent in args.conversations:
            for name, conversation in paths:
                print(f"measuring {name} with {concurrent} conversation(s) ...", file=sys.stderr, flush=True)
                rows.append(await measure(name, conversation, counts, concurrent, processes))
        memory = {name: rss_mb(server.process.pid) for name, server in
                  (("gateway", gateway), ("rasa", rasa)) if server.process is not None}
    text = report(rows, memory, args)
    print(text)
    (RESULTS / "gateway_latency.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
