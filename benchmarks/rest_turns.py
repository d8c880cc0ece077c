"""Timing REST turns (`/webhooks/rest/webhook`) of a running Rasa server."""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass
from itertools import cycle, islice

import aiohttp

# A citizen's short conversation: greeting, two questions, thanks, goodbye.
SHORT_CONVERSATION = [
    "halo min",
    "cara bikin ktp baru gimana",
    "kalau ktp hilang syaratnya apa",
    "makasih ya",
    "dadah",
]
# Booking a queue slot through the forms (back office lookups on every turn), declined at the end
# so that repeated runs do not fill the day.
BOOKING_CONVERSATION = [
    "mau ambil antrian online",
    "di kabupaten tegal",
    "ktp",
    "senin depan",
    "tidak",
]
# A chat that goes on for months: questions come back again and again.
LONG_CONVERSATION = [
    "selamat pagi",
    "syarat bikin akta kelahiran",
    "mpp di bandung barat dimana",
    "jam buka mpp hari sabtu",
    "perpanjang sip bidan gimana",
    "biaya bikin kk berapa",
    "terima kasih",
    "mau tanya lagi",
    "cara aktivasi ikd",
    "oke",
    "pindah domisili ke kota lain",
    "sip makasih",
]


@dataclass(frozen=True)
class TurnStats:
    """Latency percentiles (ms) and throughput of a batch of turns."""

    turns: int
    p50_ms: float
    p95_ms: float
    turns_per_s: float


def percentile(values: list[float], share: float) -> float:
    """Return the ``share`` percentile (0-1) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def stats(latencies: list[float], seconds: float) -> TurnStats:
    """Summarise latencies (seconds) measured in ``seconds`` of wall time."""
    return TurnStats(len(latencies), 1000 * percentile(latencies, 0.5), 1000 * percentile(latencies, 0.95),
                     len(latencies) / seconds)


async def _turn(session: aiohttp.ClientSession, url: str, sender: str, text: str) -> float:
    started = time.perf_counter()
    async with session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}) as response:
        response.raise_for_status()
        await response.read()
    return time.perf_counter() - started


async def _conversation(session: aiohttp.ClientSession, url: str, texts: list[str]) -> list[float]:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    return [await _turn(session, url, sender, text) for text in texts]


async def short_conversations(url: str, concurrent: int, rounds: int,
                              script: list[str] = SHORT_CONVERSATION) -> TurnStats:
    """``rounds`` times, ``concurrent`` conversations of the script's turns at once."""
    async with aiohttp.ClientSession() as session:
        await _conversation(session, url, script)  # warm-up
        latencies: list[float] = []
        started = time.perf_counter()
        for _ in range(rounds):
            batches = await asyncio.gather(*(_conversation(session, url, script) for _ in range(concurrent)))
            latencies += [latency for batch in batches for latency in batch]
        return stats(latencies, time.perf_counter() - started)


async def long_conversation(url: str, turns: int = 240) -> list[float]:
    """Latencies (seconds) of each turn of one conversation of ``turns`` turns."""
    async with aiohttp.ClientSession() as session:
        return await _conversation(session, url, list(islice(cycle(LONG_CONVERSATION), turns)))


def median_ms(latencies: list[float]) -> float:
    """Median in milliseconds."""
    return 1000 * statistics.median(latencies)
