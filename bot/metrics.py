"""What the gateway tells Prometheus: messages by channel, how long a citizen waits for the answer,
how often the model did not understand, the handoff queue and its waits, and errors.

The fallback rate is ``rate(mpp_gateway_nlu_turns_total{understood="false"})`` over
``rate(mpp_gateway_nlu_turns_total)``. With several gateway workers each exposes its own counters
(Prometheus adds them up); the queue length is read from the shared database, so every worker
reports the same value.
"""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from observability.http_metrics import HttpMetrics

PREFIX = "mpp_gateway"
NOT_UNDERSTOOD = frozenset({"nlu_fallback", "out_of_scope"})
TURN_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
MAX_PENDING_TIMINGS = 10_000
WAIT_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


class GatewayMetrics:
    """The gateway's own registry and metrics."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http = HttpMetrics(self.registry, PREFIX)
        self.messages = Counter(f"{PREFIX}_messages_total", "Messages by channel and direction (in: citizen)",
                                ["channel", "direction"], registry=self.registry)
        self.turn_seconds = Histogram(f"{PREFIX}_turn_seconds",
                                      "From a citizen's message accepted to the last answer handed to the channel",
                                      ["channel"], buckets=TURN_BUCKETS, registry=self.registry)
        self.nlu_turns = Counter(f"{PREFIX}_nlu_turns_total", "Turns answered by Rasa, by whether the model "
                                 "understood (not nlu_fallback / out_of_scope)", ["understood"],
                                 registry=self.registry)
        self.queue_length = Gauge(f"{PREFIX}_handoff_queue_length", "Conversations waiting for an agent",
                                  registry=self.registry)
        self.handoff_wait = Histogram(f"{PREFIX}_handoff_wait_seconds", "From queued to claimed by an agent",
                                      buckets=WAIT_BUCKETS, registry=self.registry)
        self.handoffs = Counter(f"{PREFIX}_handoffs_total", "Conversations handed to a person, by reason",
                                ["reason"], registry=self.registry)
        self.errors = Counter(f"{PREFIX}_errors_total", "Things that went wrong, by kind", ["kind"],
                              registry=self.registry)
        self.rate_limited = Counter(f"{PREFIX}_rate_limited_total", "Requests refused or slowed by a rate limit",
                                    ["limit"], registry=self.registry)
        self._accepted: dict[int, float] = {}

    def accepted(self, message_id: int, channel: str) -> None:
        self.messages.labels(channel, "in").inc()
        now = time.perf_counter()
        if len(self._accepted) >= MAX_PENDING_TIMINGS:
            # with several workers another one may answer a message this one accepted: forget old ones
            self._accepted = {key: at for key, at in self._accepted.items() if now - at < TURN_BUCKETS[-1]}
        self._accepted[message_id] = now

    def answered(self, message_id: int, channel: str) -> None:
        """The turn of ``message_id`` is over (answers handed to the channel)."""
        started = self._accepted.pop(message_id, None)
        if started is not None:  # recovered after a restart: its wait is not known
            self.turn_seconds.labels(channel).observe(time.perf_counter() - started)

    def sent(self, channel: str) -> None:
        self.messages.labels(channel, "out").inc()

    def understood(self, intent: str | None) -> None:
        self.nlu_turns.labels("false" if intent in NOT_UNDERSTOOD or not intent else "true").inc()

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()
