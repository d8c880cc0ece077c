"""What a back-office call can raise: actions catch ``BackOfficeError`` and answer the citizen.

Nothing else escapes the client (no aiohttp or asyncio exception), so an action needs exactly
two branches: ``BackOfficeRejected`` (the back office answered "no", branch on ``code``) and
``BackOfficeUnavailable`` (it could not answer in time: apologise and offer an officer).
"""

from __future__ import annotations

from typing import Any


class BackOfficeError(Exception):
    """Base class of every back-office client error."""


class BackOfficeUnavailable(BackOfficeError):
    """The back office is down, too slow for the deadline, failing (5xx) or the circuit is open."""


class CircuitOpenError(BackOfficeUnavailable):
    """The circuit breaker is open: the call failed fast without touching the network."""

    def __init__(self, retry_in_s: float) -> None:
        super().__init__(f"back office circuit open; next trial in {retry_in_s:.1f} s")
        self.retry_in_s = retry_in_s


class BackOfficeRejected(BackOfficeError):
    """The back office answered with a 4xx error of the contract's shape.

    ``code`` is the contract's snake_case code (``not_found``, ``fully_booked``, ``closed_day``,
    ``too_many_attempts``, ...); ``body`` the whole decoded JSON body (``already_booked``
    carries the existing booking there). ``retry_after_s`` is set for 429 answers.
    The body is left out of ``str()`` so that logging the exception cannot leak it.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        body: dict[str, Any],
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(f"back office rejected the request: {status} {code}")
        self.status = status
        self.code = code
        self.message = message
        self.body = body
        self.retry_after_s = retry_after_s
