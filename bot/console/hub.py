"""Live console connections: who is online, and pushing events to the agents who may see them.

An agent is online while at least one console tab has its websocket open. When the last one
closes, a grace period starts; if the agent is not back by then, ``on_agent_gone`` runs (their
conversations go back to the queue), so a lost connection never strands a citizen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.store.agents import AgentInfo

log = logging.getLogger(__name__)
AgentGone = Callable[[int], Awaitable[None]]


class ConsoleHub:
    def __init__(self, grace_s: float, on_agent_gone: AgentGone) -> None:
        self.grace_s = grace_s
        self.on_agent_gone = on_agent_gone
        self._sockets: dict[int, set[web.WebSocketResponse]] = {}
        self._agents: dict[int, AgentInfo] = {}
        self._grace: dict[int, asyncio.Task[None]] = {}

    def online(self, agent_id: int) -> bool:
        return bool(self._sockets.get(agent_id))

    @property
    def online_count(self) -> int:
        return sum(1 for sockets in self._sockets.values() if sockets)

    def connected(self, agent: AgentInfo, ws: web.WebSocketResponse) -> None:
        self._agents[agent.id] = agent
        self._sockets.setdefault(agent.id, set()).add(ws)
        pending = self._grace.pop(agent.id, None)
        if pending is not None:
            pending.cancel()

    def disconnected(self, agent: AgentInfo, ws: web.WebSocketResponse) -> None:
        sockets = self._sockets.get(agent.id, set())
        sockets.discard(ws)
        if not sockets:
            self._sockets.pop(agent.id, None)
            self.start_grace(agent.id)

    def start_grace(self, agent_id: int) -> None:
        """After the grace period, if the agent is still away, hand their conversations back."""
        if agent_id in self._grace or self.online(agent_id):
            return
        self._grace[agent_id] = asyncio.create_task(self._expire(agent_id), name=f"grace-{agent_id}")

    async def _expire(self, agent_id: int) -> None:
        try:
            await asyncio.sleep(self.grace_s)
            if not self.online(agent_id):
                await self.on_agent_gone(agent_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("returning the conversations of agent %d to the queue failed", agent_id)
        finally:
            self._grace.pop(agent_id, None)

    async def publish(self, frame: dict[str, Any], audience: Callable[[AgentInfo], bool] | None = None) -> None:
        """Send ``frame`` to every open console of the agents in ``audience`` (everyone by default)."""
        for agent_id, sockets in list(self._sockets.items()):
            agent = self._agents.get(agent_id)
            if agent is None or (audience is not None and not audience(agent)):
                continue
            for ws in list(sockets):
                try:
                    await ws.send_json(frame)
                except (ConnectionError, RuntimeError):
                    log.debug("a console tab went away while sending")

    async def close(self) -> None:
        for task in list(self._grace.values()):
            task.cancel()
        for sockets in list(self._sockets.values()):
            for ws in list(sockets):
                await ws.close()
