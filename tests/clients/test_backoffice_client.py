"""The back-office client against the real back office, with the network broken on purpose.

Every client here talks to the back office through a ``FaultProxy``, so "slow" and "down" are
real timeouts and refused connections; the proxy's counters show how often the client tried.
Demo data: docs/demo-data.md (backend/demo_data.yml).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from actions.clients import (
    BackOfficeClient,
    BackOfficeRejected,
    BackOfficeSettings,
    BackOfficeUnavailable,
    CircuitOpenError,
    CircuitState,
)
from test_support.fault_proxy import FaultProxy
from test_support.rasa_server import free_port

pytestmark = pytest.mark.asyncio(loop_scope="session")

MPP_ID = "mpp-kab-tegal"  # region 33.28, open Monday-Saturday, closed on Sunday
KECAMATAN = "33.28.05"
SERVICE = "ktp_el"
APPLICATION = ("PMH-250703-0002", "1990-05-12")
NIK_REGISTERED = "3328051205900001"
KK_NUMBER = "3328051502100007"  # its second factors (docs/demo-data.md)
MOTHER_MAIDEN_NAME = "Sumarni"
LICENCE = "3320250100012345"
CITIZEN_DEADLINE_S = 5.0

# Short timings so that failures, opening and recovery take a fraction of a second.
FAST = BackOfficeSettings(attempt_timeout_s=0.3, deadline_s=0.8, backoff_base_s=0.02,
                          breaker_failure_threshold=3, breaker_reset_timeout_s=0.3)


def next_weekday(weekdays: set[int]) -> dt.date:
    """The first day from tomorrow on whose weekday (Monday = 0) is in ``weekdays``."""
    day = dt.date.today() + dt.timedelta(days=1)
    while day.weekday() not in weekdays:
        day += dt.timedelta(days=1)
    return day


def citizen() -> str:
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
async def proxy(backoffice_address: tuple[str, int]) -> AsyncIterator[FaultProxy]:
    async with FaultProxy(*backoffice_address) as started:
        yield started


def make_client(url: str, timings: BackOfficeSettings | None = None) -> BackOfficeClient:
    return BackOfficeClient(dataclasses.replace(timings or BackOfficeSettings(), url=url))


@pytest.fixture
async def client(proxy: FaultProxy) -> AsyncIterator[BackOfficeClient]:
    """Production timings (the 5-second promise is tested with them), through the proxy."""
    async with make_client(proxy.url) as started:
        yield started


@pytest.fixture
async def fast_client(proxy: FaultProxy) -> AsyncIterator[BackOfficeClient]:
    async with make_client(proxy.url, FAST) as started:
        yield started


# -- happy paths -----------------------------------------------------------------------------------


async def test_offices_services_and_schedules(client: BackOfficeClient) -> None:
    nearest = await client.nearest_mpps(KECAMATAN)
    assert nearest["match"] == "kabkota"
    assert nearest["mpps"][0]["id"] == MPP_ID
    assert (await client.mpp(MPP_ID))["region_code"] == "33.28"
    assert any(mpp["id"] == MPP_ID for mpp in (await client.mpps("33"))["mpps"])
    assert SERVICE in {service["code"] for service in (await client.services())["services"]}
    day = next_weekday({0, 1, 2, 3, 4})
    availability = await client.availability(MPP_ID, SERVICE, day)
    assert availability["open"] is True
    assert availability["remaining"] <= availability["capacity"]
    assert isinstance((await client.mobile_services("33.28", from_date=dt.date.today()))["schedules"], list)
    assert isinstance((await client.kiosks("33.28"))["kiosks"], list)


async def test_book_replay_read_and_cancel(client: BackOfficeClient) -> None:
    ref, key, day = citizen(), uuid.uuid4().hex, next_weekday({0, 1, 2, 3, 4})
    booking = await client.book(MPP_ID, SERVICE, day, ref, key)
    assert booking["mpp_id"] == MPP_ID
    assert booking["date"] == day.isoformat()
    assert booking["status"] == "active"

    replayed = await client.book(MPP_ID, SERVICE, day, ref, key)
    assert replayed["code"] == booking["code"]
    assert replayed["queue_number"] == booking["queue_number"]

    assert (await client.booking(booking["code"], ref))["code"] == booking["code"]
    assert (await client.cancel_booking(booking["code"], ref))["status"] == "cancelled"
    assert (await client.cancel_booking(booking["code"], ref))["status"] == "cancelled"


async def test_lookups(client: BackOfficeClient) -> None:
    application = await client.lookup_application(*APPLICATION)
    assert application["number"] == APPLICATION[0]
    assert application["history"]
    assert (await client.check_resident(NIK_REGISTERED, citizen(), kk_number=KK_NUMBER))["registered"] is True
    confirmed = await client.check_resident(NIK_REGISTERED, citizen(), mother_maiden_name=MOTHER_MAIDEN_NAME)
    assert confirmed == {"registered": True, "demo": True}
    with pytest.raises(BackOfficeRejected) as wrong_factor:
        await client.check_resident(NIK_REGISTERED, citizen(), mother_maiden_name="Siti")
    assert (wrong_factor.value.status, wrong_factor.value.code) == (404, "not_found")
    assert (await client.lookup_licence(LICENCE))["status"] == "aktif"


# -- rejections ------------------------------------------------------------------------------------


async def test_rejections_carry_the_contract_code_and_are_not_retried(
    client: BackOfficeClient, proxy: FaultProxy
) -> None:
    with pytest.raises(BackOfficeRejected) as unknown:
        await client.booking("TGL-NOSUCH", citizen())
    assert (unknown.value.status, unknown.value.code) == (404, "not_found")
    assert unknown.value.message  # the back office's Indonesian sentence

    sunday = next_weekday({6})
    with pytest.raises(BackOfficeRejected) as closed:
        await client.book(MPP_ID, SERVICE, sunday, citizen(), uuid.uuid4().hex)
    assert closed.value.code == "closed_day"
    assert proxy.requests == 2  # one each: a 4xx is never retried

    proxy.reset_counters()
    with pytest.raises(BackOfficeRejected) as rejected:
        await client.lookup_licence("0000000000000000")
    assert rejected.value.code == "not_found"
    assert proxy.requests == 1


async def test_too_many_attempts_is_a_rejection_when_retry_after_exceeds_the_deadline(
    client: BackOfficeClient, proxy: FaultProxy
) -> None:
    number = f"PMH-990101-{uuid.uuid4().int % 10_000:04d}"
    codes = []
    for _ in range(6):
        try:
            await client.lookup_application(number, "2000-01-01")
        except BackOfficeRejected as exc:
            codes.append(exc.code)
            last = exc
    assert codes == ["not_found"] * 5 + ["too_many_attempts"]
    assert last.status == 429
    assert last.retry_after_s is not None and last.retry_after_s > client.settings.deadline_s
    assert proxy.requests == 6  # Retry-After does not fit the deadline: no retry


async def test_an_id_that_would_change_the_path_is_not_found_without_a_request(
    client: BackOfficeClient, proxy: FaultProxy
) -> None:
    for code in ("..", ".", ""):
        with pytest.raises(BackOfficeRejected) as raised:
            await client.booking(code, citizen())
        assert raised.value.code == "not_found"
    with pytest.raises(BackOfficeRejected):
        await client.booking("../../mpps", citizen())  # stays one (unknown) path segment
    assert proxy.requests == 1


# -- slow and down ---------------------------------------------------------------------------------


async def test_slow_back_office_is_unavailable_within_the_citizen_deadline(
    client: BackOfficeClient, proxy: FaultProxy
) -> None:
    proxy.delay(10)
    started = time.monotonic()
    with pytest.raises(BackOfficeUnavailable):
        await client.nearest_mpps(KECAMATAN)
    elapsed = time.monotonic() - started
    assert client.settings.deadline_s - 0.1 < elapsed < CITIZEN_DEADLINE_S
    assert 2 <= proxy.requests <= client.settings.max_attempts


async def test_unanswered_requests_are_unavailable_within_the_citizen_deadline(
    client: BackOfficeClient, proxy: FaultProxy
) -> None:
    proxy.blackhole()
    started = time.monotonic()
    with pytest.raises(BackOfficeUnavailable):
        await client.lookup_application(*APPLICATION)
    assert time.monotonic() - started < CITIZEN_DEADLINE_S


async def test_refused_connections_are_unavailable_quickly(client: BackOfficeClient, proxy: FaultProxy) -> None:
    proxy.refuse()
    started = time.monotonic()
    with pytest.raises(BackOfficeUnavailable):
        await client.services()
    assert time.monotonic() - started < 1.5
    assert proxy.connections == client.settings.max_attempts


async def test_nothing_listening_is_unavailable_quickly() -> None:
    async with make_client(f"http://127.0.0.1:{free_port()}") as nowhere:
        started = time.monotonic()
        with pytest.raises(BackOfficeUnavailable):
            await nowhere.services()
        assert time.monotonic() - started < 1.5


async def test_a_non_idempotent_call_gets_exactly_one_attempt(client: BackOfficeClient, proxy: FaultProxy) -> None:
    proxy.refuse()
    with pytest.raises(BackOfficeUnavailable):
        await client._request("POST", "/residents/check", idempotent=False,
                              body={"nik": NIK_REGISTERED, "citizen_ref": citizen(), "kk_number": KK_NUMBER})
    assert proxy.connections == 1


# -- circuit breaker -------------------------------------------------------------------------------


async def test_circuit_opens_fails_fast_and_recovers(fast_client: BackOfficeClient, proxy: FaultProxy) -> None:
    proxy.refuse()
    with pytest.raises(BackOfficeUnavailable):  # three refused attempts reach the threshold of 3
        await fast_client.kiosks("33.28")
    assert fast_client.breaker.state is CircuitState.OPEN

    proxy.reset_counters()
    started = time.monotonic()
    with pytest.raises(CircuitOpenError):
        await fast_client.kiosks("33.28")
    assert time.monotonic() - started < 0.05
    assert proxy.connections == 0

    proxy.passthrough()
    await asyncio.sleep(FAST.breaker_reset_timeout_s + 0.1)  # asyncio may wake a little early
    assert fast_client.breaker.state is CircuitState.HALF_OPEN
    assert isinstance((await fast_client.kiosks("33.28"))["kiosks"], list)
    assert fast_client.breaker.state is CircuitState.CLOSED
    assert proxy.requests == 1


async def test_a_failed_trial_reopens_the_circuit(fast_client: BackOfficeClient, proxy: FaultProxy) -> None:
    proxy.delay(10)
    with pytest.raises(BackOfficeUnavailable):  # three timeouts reach the threshold of 3
        await fast_client.services()
    assert fast_client.breaker.state is CircuitState.OPEN

    await asyncio.sleep(FAST.breaker_reset_timeout_s + 0.1)  # asyncio may wake a little early
    proxy.reset_counters()
    with pytest.raises(BackOfficeUnavailable):
        await fast_client.services()
    assert proxy.requests == 1  # the trial only: its retry met the re-opened circuit
    assert fast_client.breaker.state is CircuitState.OPEN
