"""Live console connections: who is online, and pushing events to the agents who may see them.

An agent is online while at least one console tab has its websocket open, on any gateway worker
(bot/store/presence.py). When the last one closes, a grace period starts; if the agent is not
back by then — on this worker or another — ``on_agent_gone`` runs (their conversations go back to
the queue), so a lost connection never strands a citizen. Agents whose worker died get the same
grace once its presence rows go stale. Events travel between workers as frames
(bot/console/frames.py); each worker hands them to its own sockets.

Two parts, built in this order (bot/core.py): :class:`Consoles` (the sockets open here, presence,
frames: what the handoff service publishes to) comes before the handoff service;
:class:`ConsoleHub` (connections coming and going, grace periods) after it, with its ``agent_gone``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.console.audience import EVERYONE, Audience
from bot.console.frames import Deliver, Frames, LocalFrames
from bot.store.agents import AgentInfo
from bot.store.presence import AgentPresenceStore

log = logging.getLogger(__name__)
AgentGone = Callable[[int], Awaitable[None]]
Holding = Callable[[], Awaitable[set[int]]]
FramesFor = Callable[[Deliver], Frames]  # LocalFrames, or PostgresFrames for several workers


class Consoles:
    """The console sockets open on this worker, who is online on any worker, and frames to them."""

    def __init__(self, presence: AgentPresenceStore, frames: FramesFor = LocalFrames) -> None:
        self.presence = presence
        self.frames = frames(self.deliver)
        self._sockets: dict[int, set[web.WebSocketResponse]] = {}
        self._agents: dict[int, AgentInfo] = {}
        self._presence_writes = asyncio.Lock()  # in order, so a quick close-and-reopen ends as "online"

    def online_here(self, agent_id: int) -> bool:
        return bool(self._sockets.get(agent_id))

    async def online_ids(self) -> set[int]:
        """Agents with a console open on any worker."""
        here = {agent_id for agent_id, sockets in self._sockets.items() if sockets}
        return here | await self.presence.online_ids()

    def add(self, agent: AgentInfo, ws: web.WebSocketResponse) -> None:
        self._agents[agent.id] = agent
        self._sockets.setdefault(agent.id, set()).add(ws)

    def remove(self, agent: AgentInfo, ws: web.WebSocketResponse) -> bool:
        """Forget ``ws``; True when it was the agent's last socket here."""
        sockets = self._sockets.get(agent.id, set())
        sockets.discard(ws)
        if sockets:
            return False
        self._sockets.pop(agent.id, None)
        return True

    async def write_presence(self, agent_id: int) -> None:
        async with self._presence_writes:  # the count as it is now, not as it was when asked
            try:
                await self.presence.set_connections(agent_id, len(self._sockets.get(agent_id, ())))
            except Exception:  # the database is restarting: the next heartbeat writes it again
                log.exception("recording the console presence of agent %d failed", agent_id)

    async def heartbeat(self) -> None:
        """This worker is alive, with these sockets open."""
        async with self._presence_writes:
            await self.presence.heartbeat({agent_id: len(sockets) for agent_id, sockets in self._sockets.items()})

    async def start(self) -> None:
        await self.frames.start()

    async def publish(self, frame: dict[str, Any], audience: Audience = EVERYONE) -> None:
        """Send ``frame`` to every open console, on every worker, of the agents in ``audience``."""
        await self.frames.send(frame, audience)

    async def deliver(self, frame: dict[str, Any], audience: Audience) -> None:
        """Hand ``frame`` to this worker's sockets of the agents in ``audience``."""
        for agent_id, sockets in list(self._sockets.items()):
            agent = self._agents.get(agent_id)
            if agent is None or not audience.includes(agent):
                continue
            for ws in list(sockets):
                try:
                    await ws.send_json(frame)
                except (ConnectionError, RuntimeError):
                    log.debug("a console tab went away while sending")

    async def close(self) -> None:
        await self.frames.close()
        for sockets in list(self._sockets.values()):
            for ws in list(sockets):
                await ws.close()
        try:
            await self.presence.leave()
        except Exception:
            log.exception("recording that this worker's consoles closed failed")


class ConsoleHub:
    """Console connections coming and going, and the grace period of an agent who left."""

    def __init__(self, grace_s: float, consoles: Consoles, on_agent_gone: AgentGone, holding: Holding) -> None:
        self.grace_s = grace_s
        self.consoles = consoles
        self.presence = consoles.presence
        self.on_agent_gone = on_agent_gone
        self.holding = holding  # the agents who hold conversations now
        self._grace: dict[int, asyncio.Task[None]] = {}

    async def online_ids(self) -> set[int]:
        """Agents with a console open on any worker."""
        return await self.consoles.online_ids()

    async def connected(self, agent: AgentInfo, ws: web.WebSocketResponse) -> None:
        self.consoles.add(agent, ws)
        pending = self._grace.pop(agent.id, None)
        if pending is not None:
            pending.cancel()
        await self.consoles.write_presence(agent.id)

    async def disconnected(self, agent: AgentInfo, ws: web.WebSocketResponse) -> None:
        if self.consoles.remove(agent, ws):
            self.start_grace(agent.id)
        await self.consoles.write_presence(agent.id)

    def start_grace(self, agent_id: int) -> None:
        """After the grace period, if the agent is still away, hand their conversations back."""
        if agent_id in self._grace or self.consoles.online_here(agent_id):
            return
        self._grace[agent_id] = asyncio.create_task(self._expire(agent_id), name=f"grace-{agent_id}")

    async def _expire(self, agent_id: int) -> None:
        try:
            await asyncio.sleep(self.grace_s)
            if agent_id not in await self.online_ids():
                await self.on_agent_gone(agent_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("returning the conversations of agent %d to the queue failed", agent_id)
        finally:
            self._grace.pop(agent_id, None)

    async def recover(self) -> None:
        """After a restart: agents holding conversations who are not online (on another worker) get
        their grace period."""
        for agent_id in await self.holding() - await self.online_ids():
            self.start_grace(agent_id)

    async def tick(self) -> None:
        """Every few seconds: say this worker is alive and who is connected to it, keep frames
        flowing, give the agents of a worker that died their grace period, and requeue for agents
        whose grace was lost (the database was down when it ended, or its worker stopped)."""
        await self.consoles.heartbeat()
        await self.consoles.frames.check()
        for agent_id in await self.presence.claim_orphans():
            self.start_grace(agent_id)
        overdue = await self.presence.gone_since(self.grace_s + self.presence.stale_s) - set(self._grace)
        if overdue:  # most ticks: nobody, and no need to ask who holds conversations
            for agent_id in overdue & await self.holding():
                await self.on_agent_gone(agent_id)

    async def close(self) -> None:
        for task in list(self._grace.values()):
            task.cancel()
        await self.consoles.close()
