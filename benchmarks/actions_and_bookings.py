"""`make bench-actions`: the action server's round trip to the back office, and bookings under contention.

In one run:
  1. Action round trip: three custom actions (find an MPP, an application's status, a licence)
     called on the action server's ``/webhook`` exactly as Rasa calls them, with 1 and 20
     concurrent conversations; the same three lookups sent to the back office directly are the
     baseline, so the action server's own share is the difference.
  2. Bookings: on SQLite and on PostgreSQL (a fresh seeded back office each), 1, 10 and 50
     concurrent clients book the same MPP, service and day; then races of 50 clients for the
     40 places of MPP Kabupaten Tegal and for the 20 places of a small test MPP. After each
     row, GET /mpps/{id}/availability must agree with the number of 201s and never exceed
     the capacity.
Tables go to stdout and to bench-results/actions_and_bookings.md.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import math
import shutil
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from itertools import cycle, islice
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from benchmarks.process_stats import CLIENT, CpuMeter
from benchmarks.rest_turns import percentile
from benchmarks.tables import machine, table
from test_support.action_server import ActionServer
from test_support.backoffice import BackOffice, postgres_url
from test_support.backoffice_helpers import (
    ALL_DAY,
    JAKARTA,
    booking_body,
    days_from_today,
    get_json,
    post_booking,
    write_directory,
)
from test_support.paths import ROOT

RESULTS = ROOT / "bench-results"
WORK = RESULTS / "work" / "actions_and_bookings"
RASA_VERSION = importlib.metadata.version("rasa")

TEGAL_MPP = "mpp-kab-tegal"  # a real MPP of the directory: ktp_el, 40 places a day
BIG_MPP = "mpp-uji-beban"  # test MPP with room for every booking of the throughput rows
SMALL_MPP = "mpp-uji-rebutan"  # test MPP with few places, raced for by more clients
BIG_CAPACITY = 10_000  # the directory's maximum
SMALL_CAPACITY = 20
BENCH_ROWS = (
    f"{BIG_MPP},MPP Uji Beban,34.71,{JAKARTA},UJB,,,{ALL_DAY},demo,ktp_el:{BIG_CAPACITY};kk:{BIG_CAPACITY},true",
    f"{SMALL_MPP},MPP Uji Rebutan,34.71,{JAKARTA},UJR,,,{ALL_DAY},demo,ktp_el:{SMALL_CAPACITY},true",
)
RACE_CLIENTS = 50


# -- where the CPU goes ---------------------------------------------------------------------------------


def pids(servers: dict[str, BackOffice | ActionServer | None]) -> dict[str, int]:
    """The process ids of the running servers given by name."""
    return {name: server.process.pid for name, server in servers.items() if server and server.process}


# -- 1. action round trip ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionCase:
    """One custom action, the slots its form filled, the response it must send, and its direct lookup."""

    action: str
    form: str
    intent: str
    text: str
    slots: dict[str, str]
    expected: str
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] | None = None


CASES = (
    ActionCase("action_find_mpp", "mpp_location_form", "mpp_location", "mpp di kabupaten tegal dimana",
               {"region": "Kabupaten Tegal"}, "utter_mpp_found",
               "GET", "/mpps/nearest", params={"region_code": "33.28"}),
    ActionCase("action_check_application_status", "application_status_form", "check_application_status",
               "12 mei 1990", {"application_number": "PMH-250703-0002", "birth_date": "1990-05-12"},
               "utter_application_status",
               "POST", "/applications/lookup", body={"number": "PMH-250703-0002", "birth_date": "1990-05-12"}),
    ActionCase("action_check_licence", "licence_status_form", "license_status", "str saya 3320250100012345",
               {"licence_number": "3320250100012345"}, "utter_licence_status",
               "POST", "/licences/lookup", body={"number": "3320250100012345"}),
)

# The demo applications and their birth dates (docs/demo-data.md). Each conversation looks up its
# own, as citizens do: one number looked up by many at once would trip its brute-force guard,
# which counts lookups in flight so that parallel guesses cannot exceed the limit.
APPLICATIONS = (("PMH-250612-0001", "2006-03-05"), ("PMH-250703-0002", "1990-05-12"),
                ("PMH-250715-0003", "1995-08-03"), ("PMH-250801-0004", "1992-04-01"),
                ("PMH-250818-0005", "2002-02-14"), ("PMH-250902-0006", "1999-11-30"),
                ("PMH-250910-0007", "1988-01-21"), ("PMH-251006-0008", "1983-12-25"))


def for_conversation(case: ActionCase, index: int) -> ActionCase:
    """The case as conversation ``index`` sends it (its own application number)."""
    if case.action != "action_check_application_status":
        return case
    number, birth_date = APPLICATIONS[index % len(APPLICATIONS)]
    return replace(case, slots={"application_number": number, "birth_date": birth_date},
                   body={"number": number, "birth_date": birth_date})


# What a call returns: None when the answer is right, else a short description of what came instead.
Call = Callable[[aiohttp.ClientSession, ActionCase, str], Awaitable[str | None]]


def action_call(case: ActionCase, sender: str) -> dict[str, Any]:
    """The body Rasa POSTs to the action server when its form has just completed.

    rasa_sdk builds a ``Tracker`` from these keys only (``Tracker.from_dict``); the domain may
    stay empty because the actions send responses by name and Rasa fills the templates.
    """
    tracker = {
        "sender_id": sender,
        "slots": {**case.slots, "requested_slot": None},
        "latest_message": {"text": case.text, "intent": {"name": case.intent, "confidence": 1.0}, "entities": []},
        "events": [],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": case.form,
    }
    return {"next_action": case.action, "sender_id": sender, "tracker": tracker, "domain": {},
            "version": RASA_VERSION}


def via_action_server(webhook: str) -> Call:
    """A call of the action server's /webhook, judged by the responses it asks Rasa to send."""
    async def call(http: aiohttp.ClientSession, case: ActionCase, sender: str) -> str | None:
        async with http.post(webhook, json=action_call(case, sender)) as response:
            if response.status != 200:
                return f"HTTP {response.status}"
            answer = await response.json()
        names = [item.get("response") for item in answer.get("responses") or []]
        if case.expected in names:
            return None
        return str(names[0]) if names else "no responses"
    return call


def direct(base_url: str) -> Call:
    """The same lookup sent straight to the back office."""
    async def call(http: aiohttp.ClientSession, case: ActionCase, sender: str) -> str | None:
        async with http.request(case.method, f"{base_url}{case.path}", params=case.params,
                                json=case.body) as response:
            answer = await response.json()
        if response.status != 200:
            return f"HTTP {response.status} {answer.get('error', {}).get('code', '')}".strip()
        if case.path == "/mpps/nearest" and answer.get("match") != "kabkota":
            return f"match {answer.get('match')}"
        return None
    return call


@dataclass
class LoadStats:
    """Latencies (s) and outcomes of one load run."""

    conversations: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    cpu: dict[str, float] = field(default_factory=dict)

    def row(self, path: str) -> list[object]:
        """A row of the round-trip table."""
        ms = [1000 * latency for latency in self.latencies]
        errors = sum(self.errors.values())
        kinds = ", ".join(f"{count}× {kind}" for kind, count in self.errors.most_common())
        return [path, self.conversations, len(ms), f"{percentile(ms, 0.5):.1f}", f"{percentile(ms, 0.95):.1f}",
                f"{statistics.fmean(ms):.1f}", f"{len(ms) / self.seconds:.0f}",
                *(f"{self.cpu.get(name, 0.0):.0f}" for name in ("action server", "back office", CLIENT)),
                f"{errors} ({kinds})" if errors else "0"]


async def conversation(http: aiohttp.ClientSession, call: Call, index: int, calls: int, stats: LoadStats) -> None:
    """``calls`` actions in a row for one sender, starting at a different action for each conversation."""
    sender = f"bench-{index}-{uuid.uuid4().hex[:8]}"
    start = index % len(CASES)
    for shared_case in islice(cycle(CASES[start:] + CASES[:start]), calls):
        case = for_conversation(shared_case, index)
        started = time.perf_counter()
        try:
            problem = await call(http, case, sender)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            problem = type(exc).__name__
        latency = time.perf_counter() - started
        stats.latencies.append(latency)
        stats.by_action.setdefault(case.action, []).append(latency)
        if problem:
            stats.errors[f"{case.action}: {problem}"] += 1


async def load(call: Call, conversations: int, calls_each: int, processes: dict[str, int]) -> LoadStats:
    """``conversations`` concurrent conversations of ``calls_each`` calls."""
    stats = LoadStats(conversations)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        started, meter = time.perf_counter(), CpuMeter(processes)
        await asyncio.gather(*(conversation(http, call, index, calls_each, stats) for index in range(conversations)))
        stats.seconds, stats.cpu = time.perf_counter() - started, meter.shares()
    return stats


async def warm_up(call: Call) -> None:
    """Fill caches and connection pools on both servers; fail loudly if an action does not answer as expected.

    One conversation only: concurrent lookups of one application number can trip its brute-force guard.
    """
    stats = await load(call, 1, 3 * len(CASES), {})
    if stats.errors:
        raise RuntimeError(f"warm-up failed: {dict(stats.errors)}")


async def lookups_still_allowed(base_url: str) -> str:
    """After the run, is the application number still not locked by the brute-force guard?"""
    application = CASES[1]
    async with aiohttp.ClientSession() as http:
        problem = await direct(base_url)(http, application, "check")
    return "yes" if problem is None else f"no ({problem})"


@dataclass
class RoundTrip:
    """What part 1 measured."""

    rows: list[list[object]]
    per_action: list[list[object]]
    lockout: str


async def measure_round_trip(total_calls: int, concurrent: int) -> RoundTrip:
    """Start a back office (SQLite) and an action server, then load both paths."""
    office = BackOffice(f"sqlite:///{WORK / 'actions' / 'backoffice.db'}", WORK / "actions").start()
    server: ActionServer | None = None
    try:
        print("starting the action server ...", file=sys.stderr, flush=True)
        server = ActionServer(office.url, WORK / "actions").start()
        paths = [("action server → back office", via_action_server(server.webhook)),
                 ("back office alone", direct(office.url))]
        processes = pids({"action server": server, "back office": office})
        rows: list[list[object]] = []
        single: dict[str, LoadStats] = {}
        for label, call in paths:
            print(f"round trip: {label} ...", file=sys.stderr, flush=True)
            await warm_up(call)
            single[label] = await load(call, 1, total_calls, processes)
            rows.append(single[label].row(label))
            rows.append((await load(call, concurrent, math.ceil(total_calls / concurrent), processes)).row(label))
        rows.sort(key=lambda row: (row[1], row[0] != paths[0][0]))
        per_action: list[list[object]] = []
        for case in CASES:
            via = 1000 * statistics.median(single[paths[0][0]].by_action[case.action])
            alone = 1000 * statistics.median(single[paths[1][0]].by_action[case.action])
            per_action.append([case.action, f"{case.method} {case.path}", f"{via:.1f}", f"{alone:.1f}",
                               f"{via - alone:.1f}"])
        return RoundTrip(rows, per_action, await lookups_still_allowed(office.url))
    finally:
        if server:
            server.stop()
        office.stop()


# -- 2. bookings under contention ----------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """``clients`` concurrent clients, each making ``each`` bookings one after the other."""

    name: str
    mpp_id: str
    day: date
    clients: int
    each: int
    expected: tuple[int, int] | None = None  # exact (201s, fully_booked 409s) of a race


async def client(http: aiohttp.ClientSession, url: str, scenario: Scenario, index: int,
                 outcomes: Counter[str], latencies: list[float]) -> None:
    """One client's bookings, each for a distinct citizen with its own idempotency key."""
    for number in range(scenario.each):
        body = booking_body(scenario.day, f"bench-{scenario.name}-{index}-{number}-{uuid.uuid4().hex[:6]}",
                            scenario.mpp_id)
        started = time.perf_counter()
        try:
            status, answer, _ = await post_booking(http, url, body)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            outcomes[type(exc).__name__] += 1
            continue
        finally:
            latencies.append(time.perf_counter() - started)
        code = answer.get("error", {}).get("code", "") if isinstance(answer, dict) else ""
        outcomes["201" if status == 201 else "409 fully_booked" if code == "fully_booked" else f"{status} {code}"] += 1


async def run_scenario(office: BackOffice, database: str, scenario: Scenario) -> list[object]:
    """Book concurrently, then check the availability the back office reports."""
    outcomes: Counter[str] = Counter()
    latencies: list[float] = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        started, meter = time.perf_counter(), CpuMeter(pids({"office": office}))
        await asyncio.gather(*(client(http, office.url, scenario, index, outcomes, latencies)
                               for index in range(scenario.clients)))
        seconds, cpu = time.perf_counter() - started, meter.shares()
        status, availability = await get_json(http, f"{office.url}/mpps/{scenario.mpp_id}/availability",
                                              service="ktp_el", date=scenario.day.isoformat())
    created, full = outcomes.pop("201", 0), outcomes.pop("409 fully_booked", 0)
    problems = []
    if status != 200:
        problems.append(f"availability HTTP {status}")
    else:
        if availability["booked"] != created:
            problems.append(f"booked {availability['booked']} ≠ {created} × 201")
        if availability["booked"] > availability["capacity"]:
            problems.append(f"booked {availability['booked']} > capacity {availability['capacity']}")
    if scenario.expected and (created, full) != scenario.expected:
        problems.append(f"expected {scenario.expected[0]} × 201 + {scenario.expected[1]} × 409")
    ms = [1000 * latency for latency in latencies]
    capacity = availability.get("capacity", "?") if status == 200 else "?"
    return [database, scenario.name, capacity, scenario.clients, len(ms), f"{created / seconds:.0f}",
            f"{len(ms) / seconds:.0f}", f"{percentile(ms, 0.5):.1f}", f"{percentile(ms, 0.95):.1f}",
            f"{cpu['office']:.0f}", f"{cpu[CLIENT]:.0f}", created, full,
            ", ".join(f"{count}× {kind}" for kind, count in outcomes.items()) or "0",
            "yes" if not problems else "no: " + "; ".join(problems)]


async def next_open_day(office: BackOffice, mpp_id: str) -> tuple[date, int]:
    """The first day after today on which ``mpp_id`` takes ktp_el bookings, and its capacity that day."""
    async with aiohttp.ClientSession() as http:
        for offset in range(1, 8):
            day = days_from_today(offset)
            _, availability = await get_json(http, f"{office.url}/mpps/{mpp_id}/availability", service="ktp_el",
                                             date=day.isoformat())
            if availability.get("open"):
                return day, int(availability["capacity"])
    raise RuntimeError(f"{mpp_id} is closed all week")


async def measure_bookings(database: str, url: str, workdir: Path, bookings: int) -> list[list[object]]:
    """A fresh seeded back office on ``url`` with the bench MPPs, and every booking scenario against it."""
    office = BackOffice(url, workdir).start()
    try:
        office.cli("load-directory", str(write_directory(workdir / "directory.csv", BENCH_ROWS)))
        warm = Scenario("warm-up", BIG_MPP, days_from_today(20), 5, 4)
        await run_scenario(office, database, warm)
        tegal_day, tegal_capacity = await next_open_day(office, TEGAL_MPP)
        scenarios = [Scenario("throughput", BIG_MPP, days_from_today(offset), clients, math.ceil(bookings / clients))
                     for offset, clients in ((1, 1), (2, 10), (3, 50))]
        scenarios += [
            Scenario(f"race {TEGAL_MPP} {tegal_day:%a}", TEGAL_MPP, tegal_day, RACE_CLIENTS, 1,
                     (tegal_capacity, RACE_CLIENTS - tegal_capacity)),
            Scenario("race small MPP", SMALL_MPP, days_from_today(4), RACE_CLIENTS, 1,
                     (SMALL_CAPACITY, RACE_CLIENTS - SMALL_CAPACITY)),
        ]
        rows = []
        for scenario in scenarios:
            print(f"bookings on {database}: {scenario.name}, {scenario.clients} clients ...", file=sys.stderr,
                  flush=True)
            rows.append(await run_scenario(office, database, scenario))
        return rows
    finally:
        office.stop()


@contextmanager
def postgres_or_none() -> Iterator[str | None]:
    """A throw-away PostgreSQL database, or None when the server is unreachable.

    ``postgres_url`` (shared with the tests) skips or fails the pytest test when there is no
    server; here that only leaves the PostgreSQL rows out.
    """
    try:
        with postgres_url() as url:
            yield url
    except (pytest.skip.Exception, pytest.fail.Exception) as unreachable:
        print(f"PostgreSQL rows skipped: {unreachable}", file=sys.stderr)
        yield None


# -- report ---------------------------------------------------------------------------------------------


def report(args: argparse.Namespace, trip: RoundTrip, booking_rows: list[list[object]], skipped: list[str]) -> str:
    """The Markdown of the whole run."""
    command = " ".join(["RASA_TELEMETRY_ENABLED=false .venv/bin/python -m benchmarks.actions_and_bookings",
                        *sys.argv[1:]])
    parts = [
        f"Machine: {machine()}. Command: `{command}`. Rasa {RASA_VERSION} call format, "
        f"rasa-sdk {importlib.metadata.version('rasa_sdk')}.\n",
        "### Action round trip (Rasa → action server → back office on SQLite → back)\n",
        f"{args.calls} calls per run cycling the three actions, after a warm-up. An error is any answer without "
        f"its expected response (utter_mpp_found, utter_application_status, utter_licence_status).\n",
        table(["path", "conversations", "calls", "p50 ms", "p95 ms", "mean ms", "calls/s", "CPU % action server",
               "CPU % back office", "CPU % client", "errors"], trip.rows),
        "",
        "Median per action, 1 conversation:\n",
        table(["action", "back-office call", "via action server ms", "back office alone ms",
               "action server's share ms"], trip.per_action),
        "",
        f"Application number still answered after the run (brute-force guard not tripped): {trip.lockout}.\n",
        "### Booking throughput under contention (POST /bookings, same MPP, service ktp_el and day)\n",
        f"Throughput rows: {args.bookings} bookings per row spread over the clients, on a test MPP with "
        f"capacity {BIG_CAPACITY}. Races: {RACE_CLIENTS} clients at once, one booking each. consistent = "
        "GET /availability booked equals the 201s, never above capacity (and, for races, exactly capacity × 201).\n",
        "CPU % is CPU time over wall time (100 = one core of the two); PostgreSQL's own processes are not counted.\n",
        table(["database", "scenario", "capacity", "clients", "requests", "bookings/s", "requests/s", "p50 ms",
               "p95 ms", "CPU % back office", "CPU % client", "201", "409 fully_booked", "other", "consistent"],
              booking_rows),
    ]
    parts += [f"\n{line}" for line in skipped]
    return "\n".join(parts)


async def main() -> None:
    parser = argparse.ArgumentParser(description="Action server round trip and booking throughput, in one run.")
    parser.add_argument("--calls", type=int, default=300, help="action calls per round-trip run")
    parser.add_argument("--concurrent", type=int, default=20, help="concurrent conversations of the second run")
    parser.add_argument("--bookings", type=int, default=300, help="bookings per throughput row")
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    trip = await measure_round_trip(args.calls, args.concurrent)
    booking_rows = await measure_bookings("SQLite", f"sqlite:///{WORK / 'sqlite' / 'backoffice.db'}",
                                          WORK / "sqlite", args.bookings)
    skipped = []
    with postgres_or_none() as url:
        if url is None:
            skipped.append("PostgreSQL rows skipped: no server at 127.0.0.1:5432.")
        else:
            booking_rows += await measure_bookings("PostgreSQL", url, WORK / "postgresql", args.bookings)

    text = report(args, trip, booking_rows, skipped)
    print(text)
    (RESULTS / "actions_and_bookings.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
