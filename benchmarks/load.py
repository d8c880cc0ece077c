"""Load on the Telegram webhook path: simulated citizens holding multi-turn conversations.

Each citizen plays a script (the FAQ conversation or the queue booking through the forms, which
asks the back office on every turn), reads each answer and thinks ``--think-s`` before the next
message, then starts again as a new citizen until the level's time is up. A turn is timed from
the POST to /telegram/webhook until the fake Bot API has all of the turn's messages. At the end
of a level every chat must have received exactly the messages its turns produce: fewer is a
lost reply, more a duplicate.

Setups, same run, production profile (PostgreSQL tracker store, Redis lock store, RabbitMQ
broker, gateways on PostgreSQL):
- direct: the same citizens against Rasa's gateway channel (no gateway, no Telegram) — baseline;
- single: one gateway, one Rasa server;
- scale-out: two gateways (citizens alternate between them, as a load balancer would) and two
  Rasa servers.
Usage: ``make bench-load`` (``--levels 1 10 50 200 --seconds 30 --think-s 1``).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

from benchmarks.process_stats import CpuMeter, rss_mb
from benchmarks.production_stack import ProductionStack, production_stack
from benchmarks.rest_turns import BOOKING_CONVERSATION, SHORT_CONVERSATION, percentile
from benchmarks.tables import machine, table
from test_support.fakes.telegram_api import deliver_webhook, text_update
from test_support.gateway_server import TELEGRAM_SECRET
from test_support.paths import ROOT
from test_support.production_services import RASA_TOKEN

RESULTS = ROOT / "bench-results" / "load"
SCRIPTS = (SHORT_CONVERSATION, SHORT_CONVERSATION, SHORT_CONVERSATION, BOOKING_CONVERSATION)  # 3 FAQ : 1 booking
TURN_TIMEOUT_S = 60.0
_chats = itertools.count(990_000_001)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0  # webhook or Rasa refused, or a turn not answered in time
    expected: dict[int, int] = field(default_factory=dict)  # chat -> messages its turns produce
    turns: int = 0


Citizen = Callable[[list[str], list[int], Tally], Awaitable[None]]


async def messages_per_turn(stack: ProductionStack, script: list[str]) -> list[int]:
    """How many messages each turn of ``script`` produces (a turn's end is recognised by the count)."""
    sender, counts = f"count-{uuid.uuid4().hex[:8]}", []
    async with aiohttp.ClientSession() as http:
        for text in script:
            counts.append(len(await rasa_turn(http, stack.rasa[0].url, sender, text)))
    return counts


async def rasa_turn(http: aiohttp.ClientSession, url: str, sender: str, text: str) -> list[object]:
    async with http.post(f"{url}/webhooks/gateway/webhook", json={"sender": sender, "message": text},
                         headers={"Authorization": f"Bearer {RASA_TOKEN}"}) as answer:
        answer.raise_for_status()
        messages = (await answer.json())["messages"]
        return [message for message in messages if message.get("text") or message.get("buttons")]


def direct_citizen(stack: ProductionStack, http: aiohttp.ClientSession, think_s: float) -> Citizen:
    async def citizen(script: list[str], _counts: list[int], tally: Tally) -> None:
        sender = f"direct-{uuid.uuid4().hex[:12]}"
        for text in script:
            started = time.monotonic()
            try:
                await rasa_turn(http, stack.rasa[0].url, sender, text)
            except (aiohttp.ClientError, asyncio.TimeoutError):
                tally.errors += 1
                return
            tally.latencies.append(time.monotonic() - started)
            tally.turns += 1
            await asyncio.sleep(think_s)
    return citizen


def telegram_citizen(stack: ProductionStack, http: aiohttp.ClientSession, think_s: float) -> Citizen:
    gateways = itertools.cycle(stack.gateways)
    api = stack.telegram_api

    async def citizen(script: list[str], counts: list[int], tally: Tally) -> None:
        chat, received = next(_chats), 0
        tally.expected[chat] = 0
        for text, count in zip(script, counts):
            gateway = next(gateways)  # a load balancer spreads requests; a conversation is not sticky
            received += count
            started = time.monotonic()
            status, _ = await deliver_webhook(f"{gateway.url}/telegram/webhook", text_update(chat, text),
                                              secret_token=TELEGRAM_SECRET, session=http, timeout=TURN_TIMEOUT_S)
            tally.expected[chat] += count
            if status != 200:
                tally.errors += 1
                return
            try:
                sent = await api.call(api.server.wait_for_messages(chat, received, timeout=TURN_TIMEOUT_S))
            except (TimeoutError, asyncio.TimeoutError):
                tally.errors += 1
                return
            tally.latencies.append(sent[received - 1].at - started)
            tally.turns += 1
            await asyncio.sleep(think_s)
    return citizen


async def run_level(citizen: Citizen, scripts: list[tuple[list[str], list[int]]], concurrent: int,
                    seconds: float, tally: Tally) -> float:
    """``concurrent`` citizens, each starting again with a new script until ``seconds`` are over."""
    deadline = time.monotonic() + seconds
    randomness = random.Random(concurrent)

    async def one_after_another(number: int) -> None:
        await asyncio.sleep(randomness.random() * min(2.0, seconds / 4))  # do not all start at once
        while time.monotonic() < deadline:
            script, counts = scripts[(number + tally.turns) % len(scripts)]
            await citizen(script, counts, tally)

    started = time.monotonic()
    await asyncio.gather(*(one_after_another(number) for number in range(concurrent)))
    return time.monotonic() - started


def lost_and_duplicated(stack: ProductionStack, tally: Tally) -> tuple[int, int]:
    lost = duplicated = 0
    for chat, expected in tally.expected.items():
        got = len(stack.telegram_api.server.sent_messages(chat))
        lost += max(0, expected - got)
        duplicated += max(0, got - expected)
    return lost, duplicated


async def measure(setup: str, stack: ProductionStack, make_citizen: Callable[..., Citizen], levels: list[int],
                  seconds: float, think_s: float) -> list[list[str]]:
    scripts = [(list(script), await messages_per_turn(stack, list(script))) for script in SCRIPTS]
    rows = []
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as http:
        citizen = make_citizen(stack, http, think_s)
        for concurrent in levels:
            print(f"{setup}: {concurrent} conversation(s) for {seconds:.0f} s ...", file=sys.stderr, flush=True)
            tally = Tally()
            meter = CpuMeter(stack.processes())
            elapsed = await run_level(citizen, scripts, concurrent, seconds, tally)
            await asyncio.sleep(2.0)  # late replies (duplicates) would arrive now
            lost, duplicated = lost_and_duplicated(stack, tally) if tally.expected else (0, 0)
            cpu = meter.shares()
            rows.append([setup, str(concurrent), str(tally.turns),
                         *(f"{1000 * percentile(tally.latencies, q):.0f}" if tally.latencies else "-"
                           for q in (0.5, 0.95, 0.99)),
                         f"{tally.turns / elapsed:.1f}", str(tally.errors), str(lost), str(duplicated),
                         f"{sum(cpu.values()):.0f}"])
    return rows


def memory_of(stack: ProductionStack) -> str:
    return ", ".join(f"{name} {rss_mb(pid):.0f} MB" for name, pid in stack.processes().items())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--seconds", type=float, default=30.0, help="duration of each level")
    parser.add_argument("--think-s", type=float, default=1.0, help="pause between an answer and the next message")
    parser.add_argument("--setups", nargs="+", default=["direct", "single", "scale-out"])
    args = parser.parse_args()
    rows: list[list[str]] = []
    memory: list[str] = []
    for setup in args.setups:
        rasa_servers, gateways = (2, 2) if setup == "scale-out" else (1, 1)
        with production_stack(RESULTS / setup, rasa_servers, gateways) as stack:
            make = direct_citizen if setup == "direct" else telegram_citizen
            rows += await measure(setup, stack, make, args.levels, args.seconds, args.think_s)
            memory.append(f"- {setup}: {memory_of(stack)}")
    text = "\n".join([
        f"Machine: {machine()}. Command: `make bench-load` (python -m benchmarks.load --levels "
        f"{' '.join(map(str, args.levels))} --seconds {args.seconds:.0f} --think-s {args.think_s:g}).",
        "",
        table(["setup", "conversations", "turns", "p50 ms", "p95 ms", "p99 ms", "turns/s", "errors", "lost",
               "duplicated", "CPU % (all processes, 200 = both cores)"], rows),
        "",
        "Resident memory per process after the run:",
        *memory,
    ])
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
