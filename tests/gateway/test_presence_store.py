"""Agent presence shared by gateway workers (bot/store/presence.py), on SQLite and PostgreSQL:
who is online anywhere, the agents of a worker that stopped refreshing, and a live worker that
was only late putting its agents back online."""

from __future__ import annotations

import asyncio

from bot.store.agents import Agents
from bot.store.presence import AgentPresenceStore
from storage.database import Database

STALE_S = 0.5


async def new_agent(database: Database, username: str) -> int:
    return (await Agents(database).create(username, username.title(), "agent", "kata-sandi-panjang-1")).id


async def test_an_agent_is_online_while_any_worker_holds_a_socket(database: Database) -> None:
    first, second = (AgentPresenceStore(database, worker, STALE_S) for worker in ("worker-a", "worker-b"))
    agent = await new_agent(database, "ani")
    await first.set_connections(agent, 1)
    await second.set_connections(agent, 2)
    assert agent in await second.online_ids()
    await second.set_connections(agent, 0)
    assert agent in await second.online_ids()  # still open on the first worker
    await first.set_connections(agent, 0)
    assert agent not in await first.online_ids()


async def test_the_agents_of_a_silent_worker_are_claimed_once_and_a_late_worker_puts_them_back(
        database: Database) -> None:
    silent, watcher, other_watcher = (AgentPresenceStore(database, worker, STALE_S)
                                      for worker in ("worker-a", "worker-b", "worker-c"))
    agent = await new_agent(database, "budi")
    await silent.set_connections(agent, 1)
    assert await watcher.claim_orphans() == set()  # fresh: nothing to claim
    await asyncio.sleep(STALE_S + 0.2)
    assert agent not in await watcher.online_ids()
    claimed = await asyncio.gather(watcher.claim_orphans(), other_watcher.claim_orphans())
    assert sorted(map(len, claimed)) == [0, 1] and agent in claimed[0] | claimed[1]  # by one worker only
    await silent.heartbeat({agent: 1})  # it was only late (a database outage): its socket is still open
    assert agent in await watcher.online_ids()


async def test_agents_away_longer_than_a_while_are_found_for_the_backstop(database: Database) -> None:
    first, second = (AgentPresenceStore(database, worker, STALE_S) for worker in ("worker-a", "worker-b"))
    away, back = await new_agent(database, "citra"), await new_agent(database, "dodi")
    for agent in (away, back):
        await first.set_connections(agent, 1)
        await first.set_connections(agent, 0)
    await asyncio.sleep(0.3)
    await second.set_connections(back, 1)
    gone = await second.gone_since(0.2)
    assert away in gone and back not in gone
    assert away not in await second.gone_since(30)
