"""A circuit breaker shared by every call to the back office.

closed --(N consecutive failures)--> open --(reset timeout)--> half-open
half-open lets exactly one trial through: its success closes the circuit, its failure re-opens it;
other callers fail fast meanwhile. A "failure" is the caller's verdict (the client reports
connection errors, timeouts and 5xx; a 4xx means the back office is alive and counts as success).
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import CircuitOpenError

logger = logging.getLogger(__name__)


class CircuitState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass
class Attempt:
    """One permitted call; the caller reports its outcome with ``success()`` or ``failure()``.

    ``generation`` ties the outcome to the state in which the call was let through, so a slow
    call that started while the circuit was closed cannot close or re-open it later.
    """

    breaker: CircuitBreaker
    generation: int
    trial: bool
    settled: bool = False

    def success(self) -> None:
        self.breaker._settle(self, failed=False)

    def failure(self) -> None:
        self.breaker._settle(self, failed=True)


class CircuitBreaker:
    """Consecutive-failure circuit breaker for one downstream service (not thread-safe: one event loop)."""

    def __init__(
        self,
        failure_threshold: int,
        reset_timeout_s: float,
        clock: Callable[[], float] = time.monotonic,
        name: str = "back office",
    ) -> None:
        if failure_threshold < 1 or reset_timeout_s <= 0:
            raise ValueError("failure_threshold must be >= 1 and reset_timeout_s > 0")
        self._threshold = failure_threshold
        self._reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._name = name
        self._state = CircuitState.CLOSED
        self._generation = 0
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        """The current state; an open circuit whose reset timeout has passed reports half-open."""
        if self._state is CircuitState.OPEN and self._reset_elapsed():
            return CircuitState.HALF_OPEN
        return self._state

    @contextmanager
    def attempt(self) -> Iterator[Attempt]:
        """Let one call through or raise ``CircuitOpenError`` at once.

        Leaving the block without a verdict (cancellation, a bug) frees a half-open trial slot
        without changing the state, so the circuit can never stay stuck half-open.
        """
        permit = self._admit()
        try:
            yield permit
        finally:
            if not permit.settled:
                permit.settled = True
                if permit.trial and permit.generation == self._generation:
                    self._trial_in_flight = False

    def _admit(self) -> Attempt:
        if self._state is CircuitState.OPEN and self._reset_elapsed():
            self._move_to(CircuitState.HALF_OPEN)
        if self._state is CircuitState.CLOSED:
            return Attempt(self, self._generation, trial=False)
        if self._state is CircuitState.HALF_OPEN and not self._trial_in_flight:
            self._trial_in_flight = True
            return Attempt(self, self._generation, trial=True)
        raise CircuitOpenError(retry_in_s=max(0.0, self._opened_at + self._reset_timeout_s - self._clock()))

    def _settle(self, permit: Attempt, *, failed: bool) -> None:
        if permit.settled:
            return
        permit.settled = True
        if permit.generation != self._generation:
            return  # outcome of a call let through before the last state change
        if permit.trial:
            self._trial_in_flight = False
            self._move_to(CircuitState.OPEN if failed else CircuitState.CLOSED)
        elif not failed:
            self._failures = 0
        else:
            self._failures += 1
            if self._failures >= self._threshold:
                self._move_to(CircuitState.OPEN)

    def _move_to(self, state: CircuitState) -> None:
        logger.log(
            logging.WARNING if state is CircuitState.OPEN else logging.INFO,
            "%s circuit %s -> %s", self._name, self._state.value, state.value,
        )
        self._state = state
        self._generation += 1
        self._failures = 0
        self._trial_in_flight = False
        if state is CircuitState.OPEN:
            self._opened_at = self._clock()

    def _reset_elapsed(self) -> bool:
        return self._clock() - self._opened_at >= self._reset_timeout_s
