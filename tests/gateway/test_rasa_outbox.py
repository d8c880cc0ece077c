"""Tracker events owed to Rasa (bot/store/rasa_outbox.py + the handoff's transitions), on SQLite
and PostgreSQL: written with the transition, posted by one claimer at a time, oldest first."""

from __future__ import annotations

import asyncio

from bot.messages import Channel, InboundKind, InboundMessage
from bot.store.agents import Agents
from bot.store.handoff import PAUSED, RESUMED, HandoffStore
from bot.store.rasa_outbox import RasaOutbox
from bot.store.transcripts import StoredInbound, TranscriptStore
from storage.database import Database


async def conversation(database: Database) -> StoredInbound:
    stored = await TranscriptStore(database).record_inbound(
        InboundMessage(Channel.TELEGRAM, "1", "5550001", InboundKind.TEXT, text="mau bicara dengan petugas"))
    assert stored is not None
    return stored


async def test_a_takeover_from_the_bot_owes_the_pause_and_resolving_owes_the_resume(database: Database) -> None:
    stored = await conversation(database)
    supervisor = await Agents(database).create("super", "Supervisor", "supervisor", "kata-sandi-panjang-1")
    handoff, outbox = HandoffStore(database), RasaOutbox(database, "worker-a")
    assert not await outbox.owes(stored.conversation_id)
    assert (await handoff.takeover(stored.conversation_id, supervisor)).changed
    assert (await handoff.resolve(stored.conversation_id, supervisor)).changed
    posted = []
    while (owed := await outbox.claim_next(stored.conversation_id)) is not None:
        assert owed.sender_id == stored.sender_id
        posted.append(owed.events)
        await outbox.delivered(owed)
    assert posted == [PAUSED, RESUMED]
    assert await outbox.conversations_owed() == []


async def test_an_entry_is_claimed_by_one_worker_and_released_only_by_its_claim(database: Database) -> None:
    stored = await conversation(database)
    await HandoffStore(database).queue(stored.conversation_id, "request_human")
    assert (await HandoffStore(database).cancel(stored.conversation_id)).changed  # owes the resume
    first, second = RasaOutbox(database, "worker-a"), RasaOutbox(database, "worker-b")
    claims = await asyncio.gather(*(outbox.claim_next(stored.conversation_id)
                                    for outbox in (first, second, first, second)))
    won = [claim for claim in claims if claim is not None]
    assert len(won) == 1
    stale = won[0]
    await first.failed(stale)  # Rasa was down: anyone may try again
    again = await second.claim_next(stored.conversation_id)
    assert again is not None and again.claim != stale.claim
    await first.failed(stale)  # a late failure of the old claim does not free the new one
    assert await first.claim_next(stored.conversation_id) is None
    await second.delivered(again)
    assert not await first.owes(stored.conversation_id)
