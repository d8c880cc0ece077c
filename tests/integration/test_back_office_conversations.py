"""Conversations that need the back office, end to end: Rasa, the action server, the back office.

The scripts are in tests/conversations/*.yml. The back office runs with the
demo data; between the action server and it sits a fault proxy
(test_support/background_proxy.py) that the last tests use to make it slow or down.
"""

from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from ruamel.yaml import YAML

from actions.backoffice_action import citizen_ref_of
from test_support.action_server import ActionServer
from test_support.background_proxy import BackgroundProxy
from test_support.backoffice import BackOffice
from test_support.rasa_server import RasaServer

SCRIPTS = sorted((Path(__file__).resolve().parent.parent / "conversations").glob("*.yml"))
CONVERSATIONS = [conversation for path in SCRIPTS for conversation in YAML(typ="safe").load(path.read_text())]
CITIZEN_ANSWER_LIMIT_S = 5.0


def reply_text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message.get("text") or "" for message in messages)


def button_titles(messages: list[dict[str, Any]]) -> list[str]:
    return [button["title"] for message in messages for button in message.get("buttons", [])]


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c["name"] for c in CONVERSATIONS])
async def test_conversation(rasa: RasaServer, conversation: dict[str, Any]) -> None:
    sender = f"citizen-{uuid.uuid4().hex[:10]}"
    for turn in conversation["turns"]:
        messages = await rasa.say(sender, str(turn["user"]))
        text = reply_text(messages)
        context = f"\ncitizen: {turn['user']}\nbot: {text}\nbuttons: {button_titles(messages)}"
        assert messages, f"no answer{context}"
        for expected in turn.get("bot", []):
            assert str(expected).lower() in text.lower(), f"{expected!r} missing{context}"
        for unexpected in turn.get("not", []):
            assert str(unexpected).lower() not in text.lower(), f"{unexpected!r} present{context}"
        for title in turn.get("buttons", []):
            assert any(str(title).lower() in shown.lower() for shown in button_titles(messages)), \
                f"button {title!r} missing{context}"
        assert "traceback" not in text.lower()


BOOKING_CODE = re.compile(r"Kode booking: ([A-Z]{3}-[A-Z0-9]{6})")


async def test_a_booking_is_cancelled_only_from_its_own_conversation_and_frees_its_seat(
        rasa: RasaServer, demo_backoffice: BackOffice) -> None:
    citizen, stranger = (f"citizen-{uuid.uuid4().hex[:10]}" for _ in range(2))
    await rasa.say(citizen, "booking antrean kia di kabupaten konawe kamis")
    booked = await rasa.say(citizen, "ya")
    match = BOOKING_CODE.search(reply_text(booked))
    assert match, reply_text(booked)
    code = match.group(1)
    cancel_button = next(button for message in booked for button in message.get("buttons", [])
                         if button["title"] == "Batalkan antrean ini")
    assert code in cancel_button["payload"]

    assert "kode booking" in reply_text(await rasa.say(stranger, "batalkan antrean saya")).lower()
    refused = reply_text(await rasa.say(stranger, code.lower()))
    assert "tidak ditemukan untuk percakapan ini" in refused

    cancelled = reply_text(await rasa.say(citizen, cancel_button["payload"]))
    assert f"Antrean {code}" in cancelled and "sudah dibatalkan" in cancelled
    async with aiohttp.ClientSession() as http, http.get(
            f"{demo_backoffice.url}/bookings/{code}", params={"citizen_ref": citizen_ref_of(citizen)}) as response:
        assert (await response.json())["status"] == "cancelled"


async def test_a_full_day_is_refused_before_the_citizen_confirms(rasa: RasaServer, demo_backoffice: BackOffice) -> None:
    # other citizens have taken the five SIP seats of MPP Poso next Tuesday
    today = datetime.now(ZoneInfo("Asia/Makassar")).date()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    async with aiohttp.ClientSession() as http:
        for seat in range(5):
            async with http.post(f"{demo_backoffice.url}/bookings", headers={"Idempotency-Key": f"full-{seat}"},
                                 json={"mpp_id": "mpp-kab-poso", "service": "sip", "date": tuesday.isoformat(),
                                       "citizen_ref": f"other-citizen-{seat}"}) as response:
                assert response.status in (200, 201)
    sender = f"citizen-{uuid.uuid4().hex[:10]}"
    text = reply_text(await rasa.say(sender, "ambil antrean sip di kabupaten poso hari selasa"))
    assert "sudah penuh" in text and "Mohon konfirmasi" not in text
    assert "tanggal berapa" in text.lower()  # asked for another day at once


async def timed_say(rasa: RasaServer, sender: str, text: str) -> tuple[str, list[str], float]:
    started = time.monotonic()
    messages = await rasa.say(sender, text)
    return reply_text(messages), button_titles(messages), time.monotonic() - started


async def test_a_back_office_that_is_down_gets_an_apology_and_the_offer_of_an_officer(
        rasa: RasaServer, backoffice_link: BackgroundProxy) -> None:
    sender = f"citizen-{uuid.uuid4().hex[:10]}"
    backoffice_link.refuse()
    try:
        text, buttons, elapsed = await timed_say(rasa, sender, "mpp di wajo dimana")
    finally:
        backoffice_link.passthrough()
    assert "tidak dapat dihubungi" in text
    assert "Hubungi petugas" in buttons
    assert elapsed < CITIZEN_ANSWER_LIMIT_S


async def test_a_slow_back_office_is_answered_within_five_seconds_and_the_breaker_then_fails_fast(
        rasa: RasaServer, backoffice_link: BackgroundProxy) -> None:
    backoffice_link.delay(10)
    try:
        timings = []
        for _ in range(3):
            text, buttons, elapsed = await timed_say(rasa, f"citizen-{uuid.uuid4().hex[:10]}",
                                                     "cek status str 3320250100012345")
            assert "tidak dapat dihubungi" in text and "Hubungi petugas" in buttons
            timings.append(elapsed)
    finally:
        backoffice_link.passthrough()
    assert max(timings) < CITIZEN_ANSWER_LIMIT_S
    assert timings[-1] < 1.0, f"the circuit breaker should fail fast once open: {timings}"
    time.sleep(1.5)  # the breaker lets a trial call through after 1 s in the tests
    text, _, _ = await timed_say(rasa, f"citizen-{uuid.uuid4().hex[:10]}", "cek status str 3320250100012345")
    assert "seumur hidup" in text


async def test_the_back_office_failing_in_the_middle_of_a_booking_ends_the_form(
        rasa: RasaServer, backoffice_link: BackgroundProxy) -> None:
    sender = f"citizen-{uuid.uuid4().hex[:10]}"
    assert "MPP mana" in (await timed_say(rasa, sender, "mau ambil antrian"))[0]
    backoffice_link.refuse()
    try:
        text, buttons, _ = await timed_say(rasa, sender, "di kabupaten tegal")
    finally:
        backoffice_link.passthrough()
    assert "tidak dapat dihubungi" in text and "Hubungi petugas" in buttons
    time.sleep(1.5)
    text, _, _ = await timed_say(rasa, sender, "syarat akta kelahiran")
    assert "surat keterangan lahir" in text.lower()  # an ordinary answer: the form is over


NIK_IN_CLEAR = re.compile(r"(?<!\d)33280[0-9]{11}(?!\d)")


def test_no_nik_reaches_any_log_in_clear(demo_backoffice: BackOffice, action_server: ActionServer,
                                         rasa: RasaServer) -> None:
    # runs after the conversations above, which sent NIKs of the demo data
    for log in (demo_backoffice.log_path, action_server.log, rasa.workdir / "rasa.log"):
        found = NIK_IN_CLEAR.findall(log.read_text(encoding="utf-8", errors="replace"))
        assert found == [], f"{log.name} holds a NIK in clear"
