"""The transcript store on SQLite and PostgreSQL: migrations, exactly-once acceptance under
concurrent redelivery, the NLU result kept per message, masked exports, link codes."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.export import export_transcripts
from bot.messages import BotMessage, Button, Channel, InboundKind, InboundMessage
from bot.store.linking import ChannelLinks, LinkOutcome
from bot.store.migrate import MIGRATIONS
from bot.store.models import Base
from bot.store.statuses import DeliveryStatus, InboundStatus
from bot.store.transcripts import TranscriptStore
from storage.database import Database
from test_support.migrations_check import check_migrations


@pytest.fixture
def store(database: Database) -> TranscriptStore:
    return TranscriptStore(database)


def text(address: str, external_id: str, words: str, channel: Channel = Channel.TELEGRAM) -> InboundMessage:
    return InboundMessage(channel, external_id, address, InboundKind.TEXT, text=words)


def test_migrations_match_the_models_and_go_down_again(database_url: str) -> None:
    check_migrations(MIGRATIONS, Base.metadata, database_url)


async def test_the_same_update_delivered_many_times_at_once_is_stored_once(store: TranscriptStore) -> None:
    results = await asyncio.gather(*(store.record_inbound(text("1001", "77", "halo")) for _ in range(12)))
    stored = [result for result in results if result is not None]
    assert len(stored) == 1
    again = await store.record_inbound(text("1001", "77", "halo"))
    assert again is None


async def test_first_messages_of_many_new_citizens_at_once_each_get_one_conversation(store: TranscriptStore) -> None:
    results = await asyncio.gather(*(store.record_inbound(text(f"20{n % 5}", f"u{n}", "halo")) for n in range(20)))
    conversations: dict[str, set[str]] = {}
    for result in results:
        assert result is not None
        conversations.setdefault(result.message.address, set()).add(result.conversation_id)
    assert len(conversations) == 5
    assert all(len(ids) == 1 for ids in conversations.values())


async def test_a_turn_keeps_what_the_model_understood_and_the_answers_delivery(store: TranscriptStore) -> None:
    stored = await store.record_inbound(text("3001", "1", "NIK saya 3328051205900001"))
    assert stored is not None
    [out_id] = await store.finish_inbound(
        stored, InboundStatus.ANSWERED, [BotMessage("NIK tersebut valid.", (Button("Menu", "/greet"),))],
        intent="nik_check", confidence=0.93,
        entities=[{"entity": "nik", "value": "3328051205900001", "start": 9, "end": 25}])
    await store.set_delivery(out_id, DeliveryStatus.SENT, external_id="555")
    assert await store.buttons_of_sent(Channel.TELEGRAM, "3001", "555") == (Button("Menu", "/greet"),)
    entries = await store.transcript_of_address(Channel.TELEGRAM, "3001")
    assert [(e.sender, e.intent, e.status) for e in entries] == [
        ("citizen", "nik_check", "answered"), ("bot", None, "sent")]
    assert await store.unfinished_inbound() == []


async def test_unanswered_messages_are_found_again_after_a_restart_in_order(store: TranscriptStore) -> None:
    first = await store.record_inbound(text("4001", "1", "satu"))
    second = await store.record_inbound(text("4001", "2", "dua"))
    assert first and second
    await store.finish_inbound(first, InboundStatus.ANSWERED)
    assert [m.id for m in await store.unfinished_inbound()] == [second.id]


async def test_the_export_masks_niks_and_phone_numbers(store: TranscriptStore, database_url: str,
                                                       tmp_path: Path) -> None:
    stored = await store.record_inbound(text("6281234567890", "wamid.1", "cek NIK 3328051205900001 ya",
                                             channel=Channel.WHATSAPP))
    assert stored is not None
    await store.finish_inbound(stored, InboundStatus.ANSWERED, intent="nik_check", confidence=0.9,
                               entities=[{"entity": "nik", "value": "3328051205900001"}])
    out = tmp_path / "export.jsonl"
    export_transcripts(database_url, str(out))
    exported = out.read_text(encoding="utf-8")
    assert "3328051205900001" not in exported
    assert "6281234567890" not in exported
    [row] = [json.loads(line) for line in exported.splitlines()]
    assert row["intent"] == "nik_check" and row["channel"] == "whatsapp"


async def test_a_link_code_works_once_from_the_other_channel_only(store: TranscriptStore) -> None:
    links = ChannelLinks(store.database)
    telegram = await store.record_inbound(text("5001", "1", "tautkan"))
    whatsapp = await store.record_inbound(text("6285700000001", "wamid.x", "halo", channel=Channel.WHATSAPP))
    assert telegram and whatsapp
    code = await links.issue(telegram.contact_id, Channel.TELEGRAM)
    assert (await links.redeem(code, Channel.TELEGRAM, "5001")).outcome is LinkOutcome.SAME_CHANNEL
    linked = await links.redeem(code, Channel.WHATSAPP, "6285700000001")
    assert linked.outcome is LinkOutcome.LINKED and linked.conversation_id == telegram.conversation_id
    assert (await links.redeem(code, Channel.WHATSAPP, "6285700000001")).outcome is LinkOutcome.UNKNOWN_CODE
    later = await store.record_inbound(text("6285700000001", "wamid.y", "lanjut", channel=Channel.WHATSAPP))
    assert later and later.conversation_id == telegram.conversation_id and later.sender_id == telegram.sender_id


async def test_a_new_code_replaces_the_old_one(store: TranscriptStore) -> None:
    links = ChannelLinks(store.database)
    telegram = await store.record_inbound(text("5002", "1", "tautkan"))
    await store.record_inbound(text("6285700000002", "wamid.z", "halo", channel=Channel.WHATSAPP))
    assert telegram
    old = await links.issue(telegram.contact_id, Channel.TELEGRAM)
    new = await links.issue(telegram.contact_id, Channel.TELEGRAM)
    assert (await links.redeem(old, Channel.WHATSAPP, "6285700000002")).outcome is LinkOutcome.UNKNOWN_CODE
    assert (await links.redeem(new, Channel.WHATSAPP, "6285700000002")).outcome is LinkOutcome.LINKED


async def test_an_answer_stored_but_never_sent_is_claimed_once_for_sending(store: TranscriptStore) -> None:
    inbound = await store.record_inbound(text("1001", "90", "syarat ktp"))
    assert inbound is not None
    answer = BotMessage("Syarat KTP-el: ...", (Button("Lainnya", "/menu"),))
    stranded_id = await store.add_outbound(inbound, answer)
    sent_id = await store.add_outbound(inbound, BotMessage("terkirim"))
    await store.set_delivery(sent_id, DeliveryStatus.SENT, external_id="55")
    await asyncio.sleep(1.1)
    assert await store.claim_stranded_outbound(30.0, (Channel.TELEGRAM,)) == []  # too recent: maybe in flight
    # four workers at once (a claim itself goes stale after the same age: 1 s is more than the race takes)
    claims = await asyncio.gather(*(store.claim_stranded_outbound(1.0, (Channel.TELEGRAM,)) for _ in range(4)))
    claimed = [outbound for claim in claims for outbound in claim]
    assert [(c.id, c.address, c.message) for c in claimed] == [(stranded_id, "1001", answer)]
    assert await store.claim_stranded_outbound(1.0, (Channel.WHATSAPP,)) == []
