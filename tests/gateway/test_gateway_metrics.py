"""The gateway's metrics object without a server: turn timings, and what it forgets."""

from __future__ import annotations

import pytest

from bot import metrics as gateway_metrics
from bot.metrics import GatewayMetrics


def test_a_turn_is_timed_from_accepted_to_answered_once(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter([10.0, 10.25, 99.0])
    monkeypatch.setattr(gateway_metrics.time, "perf_counter", lambda: next(clock))
    metrics = GatewayMetrics()
    metrics.accepted(1, "telegram")
    metrics.answered(1, "telegram")
    metrics.answered(1, "telegram")  # a second call (another path) does not count twice
    histogram = metrics.turn_seconds.labels("telegram")
    assert histogram._sum.get() == pytest.approx(0.25)  # type: ignore[attr-defined]


def test_messages_answered_by_another_worker_are_forgotten(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [0.0]
    monkeypatch.setattr(gateway_metrics.time, "perf_counter", lambda: now[0])
    monkeypatch.setattr(gateway_metrics, "MAX_PENDING_TIMINGS", 100)
    metrics = GatewayMetrics()
    for message_id in range(100):
        metrics.accepted(message_id, "web")
    now[0] = 3600.0
    metrics.accepted(1000, "web")
    assert len(metrics._accepted) == 1
