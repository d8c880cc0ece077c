"""Who may see a console event, in a form that travels between gateway workers.

An event about a queued conversation is for everyone; one about an assigned conversation is for
its agent and the supervisors. The same rule decides who may open a conversation at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.store.agents import AgentInfo
from bot.store.handoff import ConversationView
from bot.store.statuses import ConversationStatus


@dataclass(frozen=True)
class Audience:
    """``agent_ids`` None: every agent; otherwise those agents, plus supervisors if ``supervisors``."""

    agent_ids: frozenset[int] | None = None
    supervisors: bool = False

    def includes(self, agent: AgentInfo) -> bool:
        if self.agent_ids is None:
            return True
        return agent.id in self.agent_ids or (self.supervisors and agent.is_supervisor)

    def as_json(self) -> dict[str, Any]:
        return {"agent_ids": None if self.agent_ids is None else sorted(self.agent_ids),
                "supervisors": self.supervisors}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        ids = data.get("agent_ids")
        return cls(None if ids is None else frozenset(int(i) for i in ids), bool(data.get("supervisors")))


EVERYONE = Audience()


def only(agent_id: int) -> Audience:
    return Audience(frozenset({agent_id}))


def of_conversation(status: ConversationStatus, assigned_agent_id: int | None) -> Audience:
    """Queued: every agent may claim it; otherwise its agent (if any) and the supervisors."""
    if status == ConversationStatus.QUEUED:
        return EVERYONE
    return Audience(frozenset() if assigned_agent_id is None else frozenset({assigned_agent_id}), supervisors=True)


def audience_of(view: ConversationView) -> Audience:
    """Who may see the conversation and its events."""
    return of_conversation(view.status, view.assigned_to[0] if view.assigned_to else None)


def may_see(agent: AgentInfo, view: ConversationView) -> bool:
    """Whether ``agent`` may open the conversation."""
    return audience_of(view).includes(agent)
