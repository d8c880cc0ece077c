"""A conversation that lasts for months keeps working, and survives a Rasa restart."""

from __future__ import annotations

import uuid
from pathlib import Path

import aiohttp

from test_support.action_server import ActionServer
from test_support.rasa_server import RasaServer


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


async def test_a_rasa_restart_mid_conversation_loses_nothing(model: Path, tmp_path: Path,
                                                               action_server: ActionServer) -> None:
    # the citizen is in the middle of booking a queue slot when the Rasa server restarts
    sender = f"restart-{uuid.uuid4().hex[:8]}"
    first = RasaServer(model, tmp_path, action_url=action_server.webhook).start()
    try:
        await first.say(sender, "halo")
        await first.say(sender, "mau ambil antrian online")
        await first.say(sender, "di kabupaten tegal")
    finally:
        first.stop()
    second = RasaServer(model, tmp_path, port=first.port, action_url=action_server.webhook).start()
    try:
        reply = await second.say(sender, "ktp")
        async with aiohttp.ClientSession() as session, session.get(
            f"{second.url}/conversations/{sender}/tracker"
        ) as response:
            tracker = await response.json()
    finally:
        second.stop()
    assert "tanggal berapa" in " ".join(message.get("text", "") for message in reply).lower()  # the form goes on
    user_texts = [event["text"] for event in tracker["events"] if event["event"] == "user"]
    assert user_texts == ["halo", "mau ambil antrian online", "di kabupaten tegal", "ktp"]
