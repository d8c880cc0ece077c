"""The Redis lock store shared by several Rasa servers (rasa_server/atomic_lock_store.py), on the
real Redis: tickets issued at the same moment by different servers are all different and all
kept, and a server giving its ticket back never drops another server's."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import pytest
import redis

from rasa_server.atomic_lock_store import AtomicRedisLockStore
from test_support.production_services import REDIS, require, unique_name

pytestmark = pytest.mark.slow

SERVERS = 4
TICKETS_EACH = 25


def stores(prefix: str) -> list[AtomicRedisLockStore]:
    """One lock store per simulated Rasa server, each with its own Redis connection."""
    require("Redis", REDIS)
    return [AtomicRedisLockStore(host=REDIS[0], port=REDIS[1], db=1, key_prefix=prefix) for _ in range(SERVERS)]


def all_at_once(work: Callable[[AtomicRedisLockStore], None], servers: list[AtomicRedisLockStore]) -> None:
    """``work`` on every server at the same moment, each in its own thread; raises what any raised."""
    start = threading.Barrier(len(servers))
    problems: list[BaseException] = []

    def run(store: AtomicRedisLockStore) -> None:
        start.wait()
        try:
            work(store)
        except BaseException as problem:
            problems.append(problem)

    threads = [threading.Thread(target=run, args=(store,)) for store in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if problems:
        raise problems[0]


def test_tickets_issued_at_once_by_several_servers_are_unique_and_all_kept() -> None:
    servers = stores(unique_name("locktest"))
    conversation = unique_name("citizen")
    issued: list[int] = []

    def issue(store: AtomicRedisLockStore) -> None:
        for _ in range(TICKETS_EACH):
            issued.append(store.issue_ticket(conversation, lock_lifetime=60))

    all_at_once(issue, servers)
    lock = servers[0].get_lock(conversation)
    assert lock is not None
    assert sorted(issued) == list(range(SERVERS * TICKETS_EACH)), "two servers got the same ticket"
    assert [ticket.number for ticket in lock.tickets] == sorted(issued), "a ticket was overwritten"
    for number in sorted(issued):
        servers[number % SERVERS].cleanup(conversation, number)
    assert servers[0].get_lock(conversation) is None, "the lock is deleted with its last ticket"


def test_returning_tickets_while_others_are_issued_drops_none() -> None:
    servers = stores(unique_name("locktest"))
    conversation = unique_name("citizen")
    held = [servers[0].issue_ticket(conversation, lock_lifetime=60) for _ in range(SERVERS * TICKETS_EACH)]
    returners = servers[: SERVERS // 2]  # the others issue fresh tickets meanwhile
    fresh: list[int] = []

    def work(store: AtomicRedisLockStore) -> None:
        if store in returners:
            for number in held[returners.index(store)::len(returners)]:
                store.cleanup(conversation, number)
        else:
            for _ in range(TICKETS_EACH):
                fresh.append(store.issue_ticket(conversation, lock_lifetime=60))

    all_at_once(work, servers)
    lock = servers[0].get_lock(conversation)
    assert lock is not None
    assert sorted(ticket.number for ticket in lock.tickets) == sorted(fresh), "a fresh ticket was lost"
    assert len(set(fresh)) == len(fresh)


def test_one_conversation_is_served_by_one_server_at_a_time_in_order() -> None:
    servers = stores(unique_name("locktest"))
    conversation = unique_name("citizen")
    inside: list[int] = []
    side_by_side: list[list[int]] = []
    served: list[int] = []

    async def turn(store: AtomicRedisLockStore, number: int) -> None:
        # a short lifetime: a lost ticket ends in LockError instead of a minute's wait
        async with store.lock(conversation, lock_lifetime=5, wait_time_in_seconds=0.01):
            inside.append(number)
            if len(inside) > 1:
                side_by_side.append(list(inside))
            served.append(number)
            await asyncio.sleep(0.005)
            inside.remove(number)

    def run_turns(store: AtomicRedisLockStore) -> None:
        position = servers.index(store)

        async def turns() -> None:
            await asyncio.gather(*(turn(store, position * 100 + index) for index in range(5)))

        asyncio.run(turns())

    all_at_once(run_turns, servers)
    assert side_by_side == [], "two turns of one conversation ran side by side"
    assert len(served) == SERVERS * 5


def test_a_lock_left_by_a_server_that_died_expires_with_its_ticket() -> None:
    prefix = unique_name("locktest")
    store = stores(prefix)[0]
    conversation = unique_name("citizen")
    store.issue_ticket(conversation, lock_lifetime=1)
    key = f"{prefix}:lock:{conversation}"
    ttl = redis.Redis(host=REDIS[0], port=REDIS[1], db=1).pttl(key)
    assert 0 < ttl <= 6_000
