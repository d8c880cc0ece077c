"""Rate limits: per citizen chat (messages) and per client IP (HTTP requests).

Token buckets: ``burst`` requests at once, then ``per_minute`` spread over a minute. A citizen
over the limit is told once per streak (not once per refused message), the rest is recorded but
not sent to Rasa; an IP over the limit gets 429 with Retry-After and a short Indonesian text.
The buckets live in one gateway process: with N workers a client can get up to N times the
limit, still bounded.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

Clock = Callable[[], float]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# Not counted per IP: health checks and scrapes come often from one address; the webhooks come from
# Telegram's and Meta's shared addresses, are authenticated (secret, signature) before any work,
# and are limited per chat instead.
UNLIMITED_PATHS = frozenset({"/healthz", "/metrics", "/telegram/webhook", "/whatsapp/webhook"})
MAX_TRACKED = 50_000  # beyond this many keys, buckets that are full again are forgotten
IP_LIMITED_TEXT = "Terlalu banyak permintaan dari alamat Anda. Mohon tunggu sebentar, lalu coba lagi."


@dataclass
class Bucket:
    tokens: float
    updated: float
    told: bool = False  # the client was told about this streak of refusals


@dataclass(frozen=True)
class Decision:
    allowed: bool
    tell: bool = False  # refused, and the first refusal of a streak: say so
    retry_after_s: float = 0.0


class TokenBuckets:
    """One bucket per key (a chat, an IP)."""

    def __init__(self, per_minute: float, burst: int, clock: Clock = time.monotonic) -> None:
        self.rate_per_s = per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self.buckets: dict[str, Bucket] = {}

    @property
    def enabled(self) -> bool:
        return self.rate_per_s > 0 and self.burst > 0

    def check(self, key: str) -> Decision:
        if not self.enabled:
            return Decision(True)
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            self._forget_full(now)
            bucket = self.buckets[key] = Bucket(self.burst, now)
        bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.told = False
            return Decision(True)
        tell, bucket.told = not bucket.told, True
        return Decision(False, tell, (1.0 - bucket.tokens) / self.rate_per_s)

    def _forget_full(self, now: float) -> None:
        if len(self.buckets) < MAX_TRACKED:
            return
        refill_s = self.burst / self.rate_per_s
        self.buckets = {key: bucket for key, bucket in self.buckets.items() if now - bucket.updated < refill_s}


def client_ip(request: web.Request, trust_forwarded: bool) -> str:
    """The caller's address; behind our own reverse proxy, the address it appended to X-Forwarded-For
    (the rightmost: entries to its left were written by the client and prove nothing)."""
    if trust_forwarded:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1]
    return request.remote or "unknown"


def ip_limit_middleware(buckets: TokenBuckets, trust_forwarded: bool,
                        refused: Callable[[], None] = lambda: None) -> Callable[[web.Request, Handler],
                                                                                Awaitable[web.StreamResponse]]:
    """429 for a client IP over its limit, before the request is read or parsed."""
    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in UNLIMITED_PATHS:
            return await handler(request)
        decision = buckets.check(client_ip(request, trust_forwarded))
        if decision.allowed:
            return await handler(request)
        refused()
        retry_after = str(max(1, round(decision.retry_after_s)))
        if request.path.startswith("/console/api"):
            return web.json_response({"error": "rate_limited", "message": IP_LIMITED_TEXT}, status=429,
                                     headers={"Retry-After": retry_after})
        return web.Response(status=429, text=IP_LIMITED_TEXT, headers={"Retry-After": retry_after})
    return limit
