"""A conversation that lasts for months keeps working, and survives a Rasa restart."""

from __future__ import annotations

import uuid
from pathlib import Path

import aiohttp

from tests.rasa_server import RasaServer


async def test_three_hundred_turns_keep_answering_and_stay_stored(rasa: RasaServer) -> None:
    sender = f"long-{uuid.uuid4().hex[:8]}"
    for turn in range(300):
        reply = await rasa.say(sender, "syarat akta kelahiran" if turn % 2 else "makasih")
        assert reply, f"no answer at turn {turn}"
    async with aiohttp.ClientSession() as session, session.get(
        f"{rasa.url}/conversations/{sender}/tracker", params={"include_events": "ALL"}
    ) as response:
        tracker = await response.json()
    # sessions rolled over many times, yet the whole history is kept
    assert sum(event["event"] == "user" for event in tracker["events"]) == 300
    assert sum(event["event"] == "session_started" for event in tracker["events"]) > 3


async def test_a_rasa_restart_mid_conversation_loses_nothing(model: Path, tmp_path: Path) -> None:
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    first = RasaServer(model, tmp_path).start()
    try:
        await first.say(sender, "halo")
        await first.say(sender, "syarat bikin kk baru")
    finally:
        first.stop()
    second = RasaServer(model, tmp_path, port=first.port).start()
    try:
        reply = await second.say(sender, "makasih")
        async with aiohttp.ClientSession() as session, session.get(
            f"{second.url}/conversations/{sender}/tracker"
        ) as response:
            tracker = await response.json()
    finally:
        second.stop()
    assert reply
    user_texts = [event["text"] for event in tracker["events"] if event["event"] == "user"]
    assert user_texts == ["halo", "syarat bikin kk baru", "makasih"]
