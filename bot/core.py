"""The gateway's core, built in dependency order: every part gets what it uses in its constructor,
and nothing is wired afterwards.

1. :class:`~bot.delivery.Delivery`: answers to citizens (channel senders, delivery status,
   resending stranded answers) and the one place a citizen message is marked finished;
2. :class:`~bot.console.hub.Consoles`: the agents' open consoles (sockets, presence, frames);
3. :class:`~bot.handoff.service.HandoffService` (delivery, consoles): a person's part of a conversation;
4. :class:`~bot.console.hub.ConsoleHub` (consoles, the handoff service's ``agent_gone``): grace periods;
5. :class:`~bot.pipeline.MessagePipeline` (delivery, the handoff service, leases): a citizen message
   end to end.

The app (bot/app.py) builds the core, then the channels, which register their senders with
``delivery`` before the workers start; the in-process tests (tests/gateway/) build the same core
with a fake Rasa.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.console.frames import Deliver, Frames, LocalFrames, PostgresFrames
from bot.console.hub import ConsoleHub, Consoles
from bot.delivery import Delivery
from bot.handoff.hours import ServiceHours
from bot.handoff.service import HandoffService
from bot.metrics import GatewayMetrics
from bot.pipeline import MessagePipeline
from bot.rasa_client import RasaApi
from bot.rate_limits import Clock, TokenBuckets
from bot.replies import Replies
from bot.settings import Settings
from bot.store.handoff import HandoffStore
from bot.store.leases import ConversationLeases, worker_name
from bot.store.linking import ChannelLinks
from bot.store.presence import AgentPresenceStore
from bot.store.rasa_outbox import RasaOutbox
from bot.store.transcripts import TranscriptStore
from storage.database import Database

FIRST_RETRY_DELAY_S = 0.5  # Rasa unreachable: the first retry after this, doubling to retry_max_delay_s


@dataclass(frozen=True)
class GatewayCore:
    store: TranscriptStore
    delivery: Delivery
    presence: AgentPresenceStore
    consoles: Consoles
    handoff_store: HandoffStore
    handoff: HandoffService
    hub: ConsoleHub
    leases: ConversationLeases | None  # None: this worker is the only one (SQLite)
    pipeline: MessagePipeline
    metrics: GatewayMetrics

    @property
    def shared(self) -> bool:
        """Other workers may share the database (a server database)."""
        return self.leases is not None


def build_core(settings: Settings, database: Database, rasa: RasaApi, *, rasa_servers: int = 1,
               metrics: GatewayMetrics | None = None, first_retry_delay_s: float = FIRST_RETRY_DELAY_S,
               clock: Clock = time.monotonic) -> GatewayCore:
    """The core of one gateway worker on ``database``, asking ``rasa`` (``rasa_servers`` of them)."""
    metrics = metrics or GatewayMetrics()
    shared = database.engine.dialect.name != "sqlite"  # a server database: other workers may share it
    worker = worker_name()
    replies = Replies.load()
    store = TranscriptStore(database)
    delivery = Delivery(store, metrics)
    presence = AgentPresenceStore(database, worker, stale_s=settings.presence_stale_s)

    def frames(deliver: Deliver) -> Frames:
        """Several workers share console events through PostgreSQL; one worker keeps them local."""
        return PostgresFrames(database, settings.database_url, deliver) if shared else LocalFrames(deliver)
    consoles = Consoles(presence, frames)
    handoff_store = HandoffStore(database)
    # a claim on owed tracker events outlasts a post that tries every Rasa server in turn
    outbox = RasaOutbox(database, worker, claim_s=settings.rasa_timeout_s * rasa_servers + 10)
    handoff = HandoffService(handoff_store, store, rasa, replies, ServiceHours.load(settings.office), consoles,
                             delivery, outbox, metrics)
    hub = ConsoleHub(settings.agent_grace_s, consoles, handoff.agent_gone, handoff_store.assigned_agents)
    leases = ConversationLeases(database, owner=worker, ttl_s=settings.lease_ttl_s) if shared else None
    pipeline = MessagePipeline(store, ChannelLinks(database), rasa, replies, delivery, handoff, leases,
                               retry_max_delay_s=settings.retry_max_delay_s, first_retry_delay_s=first_retry_delay_s,
                               metrics=metrics,
                               chat_limits=TokenBuckets(settings.chat_per_minute, settings.chat_burst, clock))
    return GatewayCore(store, delivery, presence, consoles, handoff_store, handoff, hub, leases, pipeline, metrics)
