"""Which agents have the console open, on any gateway worker.

Each worker writes only its own rows (one per agent with sockets open on it) and refreshes them
every ``heartbeat_s`` (a quarter of ``stale_s``); every worker reads all rows. An agent is online
while some worker has a socket of theirs open and has refreshed its row lately: a worker that was
killed stops refreshing, and its agents count as gone ``stale_s`` later (then their grace period
starts).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.store.models import AgentPresence, utc_now
from storage.database import Database, bulk

STALE_S = 20.0
FORGET_AFTER = timedelta(days=1)  # rows of agents long gone, kept that long for nothing


def _open(fresh: datetime) -> ColumnElement[bool]:
    """A row of a socket still open: connections, refreshed since ``fresh``."""
    return and_(AgentPresence.connections > 0, AgentPresence.seen_at >= fresh)


class AgentPresenceStore:
    def __init__(self, database: Database, worker: str, stale_s: float = STALE_S) -> None:
        self.database = database
        self.worker = worker
        self.stale_s = stale_s
        self.heartbeat_s = stale_s / 4  # three heartbeats may be late before an agent counts as gone

    async def set_connections(self, agent_id: int, connections: int) -> None:
        """This worker now has ``connections`` console sockets of the agent open."""
        def work(session: Session) -> None:
            row = session.get(AgentPresence, (self.worker, agent_id))
            if row is None:
                session.add(AgentPresence(worker=self.worker, agent_id=agent_id, connections=connections,
                                          seen_at=utc_now()))
            else:
                row.connections, row.seen_at = connections, utc_now()
            session.commit()
        await self.database.run(work)

    async def heartbeat(self, connections: dict[int, int]) -> None:
        """Still alive, with ``connections`` (agent id -> sockets open here): this worker's rows say
        exactly that, whatever an earlier write that failed or another worker's claim left."""
        def work(session: Session) -> None:
            now = utc_now()
            rows = {row.agent_id: row for row in session.execute(
                select(AgentPresence).where(AgentPresence.worker == self.worker)).scalars()}
            for agent_id, row in rows.items():
                wanted = connections.get(agent_id, 0)
                if wanted or row.connections:
                    row.connections, row.seen_at = wanted, now
            session.add_all([AgentPresence(worker=self.worker, agent_id=agent_id, connections=count, seen_at=now)
                             for agent_id, count in connections.items() if count and agent_id not in rows])
            session.execute(bulk(delete(AgentPresence).where(AgentPresence.seen_at < now - FORGET_AFTER)))
            session.commit()
        await self.database.run(work)

    async def online_ids(self) -> set[int]:
        def work(session: Session) -> set[int]:
            fresh = utc_now() - timedelta(seconds=self.stale_s)
            return set(session.execute(select(AgentPresence.agent_id).where(_open(fresh))).scalars())
        return await self.database.run(work)

    async def claim_orphans(self) -> set[int]:
        """Agents whose open consoles were all on workers that stopped refreshing (killed).

        Their stale rows are marked closed with one conditional UPDATE each, so when several
        workers look at once each orphan is returned by one of them only.
        """
        def work(session: Session) -> set[int]:
            fresh = utc_now() - timedelta(seconds=self.stale_s)
            stale = (AgentPresence.connections > 0, AgentPresence.seen_at < fresh)
            claimed: set[int] = set()
            for worker, agent_id in session.execute(select(AgentPresence.worker, AgentPresence.agent_id)
                                                    .where(*stale)).all():
                marked = session.execute(bulk(update(AgentPresence).where(
                    AgentPresence.worker == worker, AgentPresence.agent_id == agent_id, *stale).values(connections=0)))
                if marked.rowcount:
                    claimed.add(agent_id)
            session.commit()
            still_online = set(session.execute(select(AgentPresence.agent_id).where(_open(fresh))).scalars())
            return claimed - still_online
        return await self.database.run(work)

    async def gone_since(self, seconds: float) -> set[int]:
        """Agents with no console open anywhere for at least ``seconds`` (by their rows)."""
        def work(session: Session) -> set[int]:
            now = utc_now()
            fresh = now - timedelta(seconds=self.stale_s)
            last_seen = func.max(AgentPresence.seen_at)
            open_somewhere = func.sum(case((_open(fresh), 1), else_=0))
            return set(session.execute(select(AgentPresence.agent_id).group_by(AgentPresence.agent_id).having(and_(
                open_somewhere == 0, last_seen < now - timedelta(seconds=seconds)))).scalars())
        return await self.database.run(work)

    async def leave(self) -> None:
        """This worker stops: its agents' sockets are closed as of now."""
        def work(session: Session) -> None:
            session.execute(bulk(update(AgentPresence).where(
                AgentPresence.worker == self.worker, AgentPresence.connections > 0).values(
                connections=0, seen_at=utc_now())))
            session.commit()
        await self.database.run(work)

    async def forget_all_workers(self) -> None:
        """The only worker starts (embedded profile): rows of its previous run are history."""
        def work(session: Session) -> None:
            session.execute(bulk(delete(AgentPresence)))
            session.commit()
        await self.database.run(work)
