"""The circuit breaker's state machine, driven by a fake clock."""

from __future__ import annotations

import pytest

from actions.clients import BackOfficeUnavailable, CircuitBreaker, CircuitOpenError, CircuitState

THRESHOLD = 3
RESET_S = 10.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def breaker(clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker(THRESHOLD, RESET_S, clock=clock)


def fail(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        with breaker.attempt() as attempt:
            attempt.failure()


def succeed(breaker: CircuitBreaker) -> None:
    with breaker.attempt() as attempt:
        attempt.success()


def open_breaker(breaker: CircuitBreaker) -> None:
    fail(breaker, THRESHOLD)
    assert breaker.state is CircuitState.OPEN


def test_opens_after_threshold_consecutive_failures(breaker: CircuitBreaker) -> None:
    fail(breaker, THRESHOLD - 1)
    assert breaker.state is CircuitState.CLOSED
    fail(breaker)
    assert breaker.state is CircuitState.OPEN


def test_a_success_resets_the_failure_count(breaker: CircuitBreaker) -> None:
    fail(breaker, THRESHOLD - 1)
    succeed(breaker)
    fail(breaker, THRESHOLD - 1)
    assert breaker.state is CircuitState.CLOSED


def test_client_errors_count_as_success(breaker: CircuitBreaker) -> None:
    """A 4xx proves the back office is alive: the client reports it as a success."""
    fail(breaker, THRESHOLD - 1)
    succeed(breaker)  # e.g. 404 not_found
    fail(breaker)
    assert breaker.state is CircuitState.CLOSED


def test_open_circuit_fails_fast(breaker: CircuitBreaker, clock: FakeClock) -> None:
    open_breaker(breaker)
    clock.now += RESET_S - 1
    with pytest.raises(CircuitOpenError) as raised, breaker.attempt():
        pytest.fail("an open circuit must not let a call through")
    assert isinstance(raised.value, BackOfficeUnavailable)
    assert raised.value.retry_in_s == pytest.approx(1.0)


def test_half_open_lets_exactly_one_trial_through(breaker: CircuitBreaker, clock: FakeClock) -> None:
    open_breaker(breaker)
    clock.now += RESET_S
    assert breaker.state is CircuitState.HALF_OPEN
    with breaker.attempt() as trial:
        with pytest.raises(CircuitOpenError), breaker.attempt():
            pytest.fail("a concurrent caller must fail fast during the trial")
        trial.success()
    assert breaker.state is CircuitState.CLOSED
    succeed(breaker)


def test_failed_trial_reopens_for_a_full_reset_timeout(breaker: CircuitBreaker, clock: FakeClock) -> None:
    open_breaker(breaker)
    clock.now += RESET_S
    fail(breaker)
    assert breaker.state is CircuitState.OPEN
    clock.now += RESET_S - 0.1
    with pytest.raises(CircuitOpenError), breaker.attempt():
        pass
    clock.now += 0.1
    assert breaker.state is CircuitState.HALF_OPEN


def test_trial_without_verdict_frees_the_slot(breaker: CircuitBreaker, clock: FakeClock) -> None:
    """A cancelled trial must not leave the circuit stuck half-open."""
    open_breaker(breaker)
    clock.now += RESET_S
    with pytest.raises(KeyboardInterrupt), breaker.attempt():
        raise KeyboardInterrupt
    assert breaker.state is CircuitState.HALF_OPEN
    succeed(breaker)
    assert breaker.state is CircuitState.CLOSED


def test_late_outcomes_of_calls_admitted_before_opening_are_ignored(breaker: CircuitBreaker, clock: FakeClock) -> None:
    with breaker.attempt() as slow_success, breaker.attempt() as slow_failure:
        open_breaker(breaker)
        clock.now += RESET_S
        with breaker.attempt() as trial:
            slow_success.success()
            slow_failure.failure()
            assert breaker.state is CircuitState.HALF_OPEN
            trial.failure()
    assert breaker.state is CircuitState.OPEN


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(0, RESET_S)
