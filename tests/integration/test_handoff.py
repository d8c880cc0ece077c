"""Handing a conversation to an officer, through the real Rasa server and action server.

The assistant pauses the conversation (the gateway then queues it for an
officer); the gateway resumes it through Rasa's tracker events API, as here.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp

from test_support.background_proxy import BackgroundProxy
from test_support.rasa_server import RasaServer

# Messages the NLU does not understand (nlu_fallback: top intent below the FallbackClassifier threshold).
# Keyboard mashing is not one: it is trained as out_of_scope ("asdfghjkl") and gets that answer. Which real
# texts fall below the threshold shifts with every retraining, so the turn is sent as its intent.
NOT_UNDERSTOOD = "/nlu_fallback"
FIRST_GREETING = ("Halo, selamat datang di asisten", "Saya asisten virtual")


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def new_citizen() -> str:
    return f"citizen-{uuid.uuid4().hex[:8]}"


async def tracker(rasa: RasaServer, sender: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{rasa.url}/conversations/{sender}/tracker") as response:
        response.raise_for_status()
        return dict(await response.json())


async def resume_after_officer(rasa: RasaServer, sender: str) -> None:
    """What the gateway does when the officer hands the conversation back."""
    events = [{"event": "resume"}, {"event": "slot", "name": "handed_off", "value": True}]
    async with aiohttp.ClientSession() as http, http.post(
            f"{rasa.url}/conversations/{sender}/tracker/events", json=events) as response:
        response.raise_for_status()


async def test_an_officer_asked_for_pauses_and_after_the_resume_the_citizen_is_welcomed_back(rasa: RasaServer) -> None:
    sender = new_citizen()
    assert "Petugas akan membalas di percakapan ini" in texts(await rasa.say(sender, "saya mau bicara dengan petugas"))
    state = await tracker(rasa, sender)
    assert state["paused"] is True
    assert state["slots"]["handoff_reason"] == "request_human"

    assert await rasa.say(sender, "halo, saya mau tanya soal akta") == []  # for the officer, not the bot

    await resume_after_officer(rasa, sender)
    state = await tracker(rasa, sender)
    assert state["paused"] is False and state["slots"]["handed_off"] is True
    greeting = texts(await rasa.say(sender, "halo"))
    assert "Selamat datang kembali" in greeting
    assert not any(first in greeting for first in FIRST_GREETING)
    assert "surat keterangan lahir" in texts(await rasa.say(sender, "syarat akta kelahiran")).lower()


async def test_a_first_greeting_introduces_the_assistant(rasa: RasaServer) -> None:
    greeting = texts(await rasa.say(new_citizen(), "halo"))
    assert any(first in greeting for first in FIRST_GREETING)
    assert "kembali" not in greeting


async def test_a_complaint_gets_the_complaint_routes_and_is_handed_over(rasa: RasaServer) -> None:
    sender = new_citizen()
    reply = texts(await rasa.say(sender, "pelayanan di capil lama bgt dan petugasnya jutek, saya mau komplain"))
    assert "LAPOR" in reply and "teruskan kepada petugas" in reply
    state = await tracker(rasa, sender)
    assert state["paused"] is True
    assert state["slots"]["handoff_reason"] == "complaint"


async def test_an_officer_asked_for_in_a_form_ends_it_and_hands_over(rasa: RasaServer) -> None:
    sender = new_citizen()
    assert "nomor permohonan" in texts(await rasa.say(sender, "cek status permohonan"))
    assert "petugas" in texts(await rasa.say(sender, "mau bicara dengan petugas"))
    state = await tracker(rasa, sender)
    assert state["paused"] is True and not (state.get("active_loop") or {}).get("name")
    assert state["slots"]["handoff_reason"] == "request_human"


async def test_the_officer_button_under_the_back_office_apology_hands_over_as_backoffice_down(
        rasa: RasaServer, backoffice_link: BackgroundProxy) -> None:
    sender = new_citizen()
    backoffice_link.refuse()
    try:
        apology = await rasa.say(sender, "mpp di wajo dimana")
    finally:
        backoffice_link.passthrough()
    assert "tidak dapat dihubungi" in texts(apology)
    button = next(button for message in apology for button in message.get("buttons", [])
                  if button["title"] == "Hubungi petugas")
    assert "petugas" in texts(await rasa.say(sender, button["payload"]))
    state = await tracker(rasa, sender)
    assert state["paused"] is True
    assert state["slots"]["handoff_reason"] == "backoffice_down"
    await asyncio.sleep(1.5)  # the action server's circuit breaker lets a trial call through after 1 s


async def test_two_messages_in_a_row_not_understood_are_handed_over(rasa: RasaServer) -> None:
    sender = new_citizen()
    first = await rasa.say(sender, NOT_UNDERSTOOD)
    assert "belum" in texts(first) and "teruskan" not in texts(first)  # utter_default: the menu and an offer
    assert "/request_human" in [button["payload"] for message in first for button in message.get("buttons", [])]
    assert (await tracker(rasa, sender))["paused"] is False

    second = texts(await rasa.say(sender, NOT_UNDERSTOOD))
    assert "teruskan kepada petugas" in second
    state = await tracker(rasa, sender)
    assert state["paused"] is True
    assert state["slots"]["handoff_reason"] == "fallback"


async def test_one_message_not_understood_then_a_question_is_answered(rasa: RasaServer) -> None:
    sender = new_citizen()
    assert "belum" in texts(await rasa.say(sender, NOT_UNDERSTOOD)).lower()
    assert "kehilangan" in texts(await rasa.say(sender, "ktp saya hilang gmn"))
    assert (await tracker(rasa, sender))["paused"] is False
