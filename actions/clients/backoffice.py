"""The one HTTP client every action uses to reach the back office (contract: docs of issue 3).

Each call has an overall deadline (``deadline_s``) that covers every attempt and every backoff
sleep, so a citizen gets an answer - the data, or "the service is unavailable, shall I call an
officer?" - in bounded time. Only calls declared idempotent are retried, and only on connection
errors, timeouts, 502/503/504 and 429. A circuit breaker shared by all calls makes a dead back
office fail fast instead of costing every citizen the full deadline.

Privacy: request bodies are never logged and logs name the route template
(``/bookings/{code}``), never the values filled in, nor the query string; NIKs, birth dates and
application numbers travel only in POST bodies.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import functools
import json
import logging
import random
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any
from urllib.parse import quote

import aiohttp
import yarl

from .circuit_breaker import CircuitBreaker
from .errors import BackOfficeRejected, BackOfficeUnavailable
from .settings import BackOfficeSettings

logger = logging.getLogger(__name__)

JSONObject = dict[str, Any]
DateLike = dt.date | str

_RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
_MIN_ATTEMPT_S = 0.05  # never start an attempt with less time than this left before the deadline


class _AttemptFailed(Exception):
    """An attempt got no usable answer (connection error, timeout, unreadable body)."""

    def __init__(self, reason: str, *, retryable: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


@dataclass(frozen=True)
class _Response:
    status: int
    body: JSONObject
    retry_after_s: float | None


class BackOfficeClient:
    """Typed access to the back-office API; methods return the contract's JSON objects as dicts.

    Every method raises only ``BackOfficeRejected`` (a 4xx answer; branch on ``.code``) or
    ``BackOfficeUnavailable`` (no answer within the deadline, 5xx, circuit open).
    """

    def __init__(
        self,
        settings: BackOfficeSettings,
        *,
        breaker: CircuitBreaker | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.settings = settings
        self.breaker = breaker or CircuitBreaker(settings.breaker_failure_threshold, settings.breaker_reset_timeout_s)
        self._base_url = settings.url.rstrip("/")
        self._rng = rng or random.Random()
        self._http: aiohttp.ClientSession | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> BackOfficeClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session (a later call opens a new one)."""
        if self._http is not None and not self._http.closed:
            await self._http.close()
        self._http = None

    # -- offices and services ------------------------------------------------------------------

    async def services(self) -> JSONObject:
        """``{"services": [{"code", "label", "area"}, ...]}``."""
        return await self._request("GET", "/services", idempotent=True)

    async def mpps(self, region_code: str | None = None) -> JSONObject:
        """``{"mpps": [MPP, ...]}`` in a kab/kota or province code prefix; all MPPs without a code."""
        query = {"region_code": region_code} if region_code else None
        return await self._request("GET", "/mpps", idempotent=True, query=query)

    async def nearest_mpps(self, region_code: str) -> JSONObject:
        """``{"match": "kabkota"|"province"|"none", "mpps": [MPP, ...]}`` for a region or kecamatan code."""
        return await self._request("GET", "/mpps/nearest", idempotent=True, query={"region_code": region_code})

    async def mpp(self, mpp_id: str) -> JSONObject:
        """One MPP (hours, services with daily capacity); ``not_found``/``unknown_mpp`` if unknown."""
        return await self._request("GET", "/mpps/{mpp_id}", idempotent=True, path={"mpp_id": mpp_id})

    async def availability(self, mpp_id: str, service: str, date: DateLike) -> JSONObject:
        """``{"open", "reason", "capacity", "booked", "remaining", ...}`` for one service on one day."""
        return await self._request(
            "GET", "/mpps/{mpp_id}/availability", idempotent=True,
            path={"mpp_id": mpp_id}, query={"service": service, "date": _iso(date)},
        )

    async def mobile_services(self, region_code: str, from_date: DateLike | None = None) -> JSONObject:
        """``{"schedules": [...]}``: mobile service visits in a region, from a date on."""
        query = {"region_code": region_code}
        if from_date is not None:
            query["from"] = _iso(from_date)
        return await self._request("GET", "/mobile-services", idempotent=True, query=query)

    async def kiosks(self, region_code: str) -> JSONObject:
        """``{"kiosks": [...]}``: self-service kiosks of a region."""
        return await self._request("GET", "/kiosks", idempotent=True, query={"region_code": region_code})

    # -- bookings ------------------------------------------------------------------------------

    async def book(
        self, mpp_id: str, service: str, date: DateLike, citizen_ref: str, idempotency_key: str
    ) -> JSONObject:
        """Book a visit and return the Booking.

        Retried safely: the back office answers a repeated ``idempotency_key`` with the same
        booking, so keep one key per booking intent (e.g. derived from the conversation and the
        form's values). ``citizen_ref`` must be an opaque id (a hash of channel and sender), never
        a phone number: ``booking()`` sends it in a query string.
        Rejections: ``fully_booked``, ``closed_day``, ``date_in_past``, ``too_far_ahead``,
        ``already_booked`` (the existing booking is in ``body["booking"]``), ``unknown_service``, ...
        """
        return await self._request(
            "POST", "/bookings", idempotent=True,
            body={"mpp_id": mpp_id, "service": service, "date": _iso(date), "citizen_ref": citizen_ref},
            headers={"Idempotency-Key": idempotency_key},
        )

    async def booking(self, code: str, citizen_ref: str) -> JSONObject:
        """The Booking with this code, if it belongs to ``citizen_ref`` (else ``not_found``)."""
        return await self._request(
            "GET", "/bookings/{code}", idempotent=True, path={"code": code}, query={"citizen_ref": citizen_ref}
        )

    async def cancel_booking(self, code: str, citizen_ref: str) -> JSONObject:
        """Cancel a booking (cancelling twice is fine) and return it with status ``cancelled``."""
        return await self._request(
            "POST", "/bookings/{code}/cancel", idempotent=True, path={"code": code}, body={"citizen_ref": citizen_ref}
        )

    # -- lookups (personal data only in POST bodies) --------------------------------------------

    async def lookup_application(self, number: str, birth_date: DateLike) -> JSONObject:
        """Status and history of an application; ``not_found`` for an unknown number or a wrong
        birth date alike, ``too_many_attempts`` (429, ``retry_after_s``) after repeated failures."""
        return await self._request(
            "POST", "/applications/lookup", idempotent=True, body={"number": number, "birth_date": _iso(birth_date)}
        )

    async def check_resident(self, nik: str, citizen_ref: str, *, kk_number: str | None = None,
                             mother_maiden_name: str | None = None) -> JSONObject:
        """``{"registered": true, "demo": bool}`` when the 16-digit NIK is registered and the second factor (the
        KK number or the mother's maiden name, one of them) matches; ``not_found`` for an unknown NIK and a wrong
        or missing factor alike, ``too_many_attempts`` (429) after repeated failures of the NIK or the citizen."""
        factor = {"kk_number": kk_number} if kk_number is not None else {"mother_maiden_name": mother_maiden_name}
        return await self._request("POST", "/residents/check", idempotent=True,
                                   body={"nik": nik, "citizen_ref": citizen_ref, **factor})

    async def lookup_licence(self, number: str) -> JSONObject:
        """An STR/SIP licence with its status and validity; ``not_found`` if unknown."""
        return await self._request("POST", "/licences/lookup", idempotent=True, body={"number": number})

    # -- transport -----------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        route: str,
        *,
        idempotent: bool,
        path: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
        body: JSONObject | None = None,
        headers: dict[str, str] | None = None,
    ) -> JSONObject:
        """Send one logical call: attempts, backoff and breaker within ``settings.deadline_s``.

        ``idempotent`` must be declared by every caller: a non-idempotent call gets exactly one
        attempt, because a lost answer does not tell whether the back office acted on it.
        ``route`` is a template filled from ``path``; only the template is ever logged.
        """
        url = self._url(route, path or {})
        settings = self.settings
        started = time.monotonic()
        deadline = started + settings.deadline_s
        max_attempts = settings.max_attempts if idempotent else 1
        attempt = 0
        while True:
            attempt += 1
            response: _Response | None = None
            failure: _AttemptFailed | None = None
            try:
                with self.breaker.attempt() as permit:
                    timeout = min(settings.attempt_timeout_s, deadline - time.monotonic())
                    try:
                        response = await self._send(method, url, timeout, query, body, headers)
                    except _AttemptFailed as exc:
                        failure = exc
                        permit.failure()
                    else:
                        (permit.failure if response.status >= 500 else permit.success)()
            except BackOfficeUnavailable:  # circuit open: fail fast, no network (the breaker logged the opening)
                logger.debug("back office %s %s -> circuit open (attempt %d)", method, route, attempt)
                raise
            outcome = str(response.status) if response else failure.reason if failure else "?"
            logger.debug(
                "back office %s %s -> %s (attempt %d, %d ms)", method, route, outcome, attempt, _ms_since(started)
            )

            if response is not None and 200 <= response.status < 300:
                return response.body
            if response is not None and 400 <= response.status < 500 and response.status != 429:
                raise _rejection(response)
            retryable = response.status in _RETRYABLE_STATUSES if response else bool(failure and failure.retryable)
            wait = self._wait_before_retry(attempt, response)
            if retryable and attempt < max_attempts and time.monotonic() + wait + _MIN_ATTEMPT_S < deadline:
                await asyncio.sleep(wait)
                continue
            if response is not None and response.status == 429:
                raise _rejection(response)
            self._log_give_up(method, route, attempt, started, outcome)
            raise BackOfficeUnavailable(f"back office unavailable: {method} {route} -> {outcome}")

    async def _send(
        self,
        method: str,
        url: yarl.URL,
        timeout_s: float,
        query: dict[str, str] | None,
        body: JSONObject | None,
        headers: dict[str, str] | None,
    ) -> _Response:
        """One HTTP exchange; every aiohttp/asyncio failure becomes ``_AttemptFailed``."""
        if timeout_s <= 0:
            raise _AttemptFailed("deadline", retryable=False)
        try:
            async with self._session().request(
                method, url, params=query, json=body, headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout_s), allow_redirects=False,
            ) as resp:
                raw = await resp.read()
                status, retry_after = resp.status, resp.headers.get("Retry-After")
        except asyncio.TimeoutError:
            raise _AttemptFailed("timeout", retryable=True) from None
        except (aiohttp.ClientError, OSError) as exc:
            raise _AttemptFailed(type(exc).__name__, retryable=True) from None
        if status >= 500:
            return _Response(status, {}, _parse_retry_after(retry_after))
        try:
            decoded = json.loads(raw) if raw else {}
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict):
            if status < 300:
                raise _AttemptFailed("invalid_response", retryable=False)
            decoded = {}
        return _Response(status, decoded, _parse_retry_after(retry_after))

    def _session(self) -> aiohttp.ClientSession:
        """The session, created in the running loop (Sanic's, in the action server) on first use."""
        loop = asyncio.get_running_loop()
        if self._http is None or self._http.closed or self._http_loop is not loop:
            self._http = aiohttp.ClientSession(headers={"Accept": "application/json"})
            self._http_loop = loop
        return self._http

    def _url(self, route: str, path: dict[str, str]) -> yarl.URL:
        try:
            filled = route.format_map({name: _segment(value) for name, value in path.items()})
        except _EmptySegment:
            # An id made of dots or nothing would change the path itself; no such resource exists.
            raise BackOfficeRejected(404, "not_found", "Data tidak ditemukan.", {}) from None
        return yarl.URL(self._base_url + filled, encoded=True)

    def _wait_before_retry(self, attempt: int, response: _Response | None) -> float:
        """Exponential backoff with jitter, or the server's Retry-After if longer."""
        ceiling = self.settings.backoff_base_s * 2 ** (attempt - 1)
        backoff = ceiling / 2 + self._rng.uniform(0, ceiling / 2)
        retry_after = response.retry_after_s if response is not None else None
        return max(backoff, retry_after or 0.0)

    def _log_give_up(self, method: str, route: str, attempts: int, started: float, reason: str) -> None:
        logger.warning(
            "back office %s %s unavailable after %d attempt(s), %d ms: %s",
            method, route, attempts, _ms_since(started), reason,
        )


class _EmptySegment(ValueError):
    pass


def _segment(value: str) -> str:
    """Percent-encode one path segment so user input (a typed booking code) stays inside it."""
    if not value.strip("."):
        raise _EmptySegment
    return quote(value, safe="")


def _iso(value: DateLike) -> str:
    return value.isoformat() if isinstance(value, dt.date) else value


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)


def _parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds (delta-seconds or HTTP date); None when absent or unreadable."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.timezone.utc)).total_seconds())


def _rejection(response: _Response) -> BackOfficeRejected:
    error = response.body.get("error")
    error = error if isinstance(error, dict) else {}
    return BackOfficeRejected(
        status=response.status,
        code=str(error.get("code") or f"http_{response.status}"),
        message=str(error.get("message") or ""),
        body=response.body,
        retry_after_s=response.retry_after_s,
    )


@functools.lru_cache(maxsize=1)
def shared_backoffice_client() -> BackOfficeClient:
    """The action server's one client, built from the environment on first use.

    A process-wide instance is the point here, not a shortcut: the circuit breaker only protects
    citizens if every action sees the same failure count (one dead back office must open the
    circuit for all of them), and the connection pool is worth sharing. rasa-sdk instantiates each
    ``Action`` class itself, without a hook to inject dependencies, so actions fetch the client
    here. Its session is created lazily in the running (Sanic) loop; tests build their own
    ``BackOfficeClient`` instead of using this one.
    """
    return BackOfficeClient(BackOfficeSettings.from_env())
