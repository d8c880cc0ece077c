"""No NIK and no phone number in any server's log after citizens wrote them on every channel.

Runs on the session's stack (back office, action server, Rasa, gateway): the logs it greps hold
this test's traffic and that of every test before it. Citizens send NIKs and phone numbers on
Telegram, WhatsApp (whose addresses are phone numbers) and the web chat, ask for their NIK to be
checked (action server → back office), and an agent answers with a phone number.
"""

from __future__ import annotations

import asyncio
import re
import uuid

import aiohttp
import pytest

from test_support.action_server import ActionServer
from test_support.backoffice import BackOffice
from test_support.console_client import ConsoleAgent
from test_support.fakes.graph_api import FakeGraphApi, text_message
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, TgUser, text_update
from test_support.gateway_server import Gateway
from test_support.rasa_server import RasaServer
from test_support.telegram_chat import TelegramCitizen
from test_support.whatsapp_chat import WhatsAppCitizen

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
NIKS = ("3328014507900003", "3374121203850001", "3201016812990007")
PHONES = ("081234567890", "+6285712345678", "0812-9876-5432")
NIK_PATTERN = re.compile(r"(?<!\d)\d{16}(?!\d)")
# 08…, 62 8…, +62 8…, with or without separators, as citizens write them; not inside a longer
# word (the "f082-4214-888d" of a conversation's UUID in an access log line is no phone number)
PHONE_PATTERN = re.compile(r"(?<![\w*-])(?:\+?62|0)[\s.-]?8\d{1,3}(?:[\s.-]?\d{3,4}){2,3}(?![\w*])")
PASSWORD = "kata-sandi-log-uji-1"


async def web_chat(gateway: Gateway, texts: list[str]) -> None:
    url = f"{gateway.url}/web/socket?session=log-test-{uuid.uuid4().hex}"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await ws.receive_json()
        for number, text in enumerate(texts):
            await ws.send_json({"type": "message", "id": f"m{number}", "text": text})
            while (await asyncio.wait_for(ws.receive_json(), 30))["type"] != "message":
                pass


async def test_no_nik_or_phone_number_reaches_any_log(
        gateway: Gateway, rasa: RasaServer, action_server: ActionServer, demo_backoffice: BackOffice,
        telegram_api: InThread[FakeTelegramApi], graph_api: InThread[FakeGraphApi]) -> None:
    telegram = TelegramCitizen(gateway, telegram_api)
    for text in (f"cek nik {NIKS[0]}", f"nomor hp saya {PHONES[0]}, tolong telepon", f"nik {NIKS[1]} valid ga"):
        assert (await telegram.post(text_update(telegram.chat_id, text)))[0] == 200
        await telegram.replies(1, timeout=30)
    whatsapp = WhatsAppCitizen(gateway, graph_api)
    for text in (f"cek nik {NIKS[2]}", f"wa saya {PHONES[1]}"):
        assert (await whatsapp.post(text_message(whatsapp.wa_id, text)))[0] == 200
        await whatsapp.replies(1, timeout=30)
    await web_chat(gateway, [f"nik saya {NIKS[0]}", f"hubungi {PHONES[2]}"])

    # a citizen asks for an officer; the agent answers with a phone number
    username = f"log{uuid.uuid4().hex[:6]}"
    await asyncio.to_thread(gateway.create_agent, username, PASSWORD)
    handoff = TelegramCitizen(gateway, telegram_api)
    user = TgUser(id=handoff.chat_id, first_name="Warga", last_name=str(handoff.chat_id), username=None)
    assert (await handoff.post(text_update(handoff.chat_id, "saya mau bicara dengan petugas", user=user)))[0] == 200
    await handoff.replies(2, timeout=30)
    async with ConsoleAgent(gateway, username, PASSWORD) as agent:
        conversation = await agent.wait_for_conversation(
            lambda c: c["status"] == "queued" and c["citizen"] == f"Warga {handoff.chat_id}")
        assert (await agent.post(f"/conversations/{conversation['id']}/claim"))[0] == 200
        await handoff.replies(1)
        assert (await handoff.post(text_update(handoff.chat_id, f"nik saya {NIKS[1]}", user=user)))[0] == 200
        status, _ = await agent.post(f"/conversations/{conversation['id']}/reply",
                                     {"text": f"Silakan hubungi kantor di {PHONES[0]}"})
        assert status == 201
        await handoff.replies(1)
        assert (await agent.post(f"/conversations/{conversation['id']}/resolve"))[0] == 200

    # the patterns find what was sent (and not what the masking leaves of it)
    assert all(NIK_PATTERN.fullmatch(nik) for nik in NIKS)
    assert all(PHONE_PATTERN.fullmatch(phone) for phone in (*PHONES, whatsapp.wa_id))
    assert not PHONE_PATTERN.search("0812****7890") and not NIK_PATTERN.search("3328********0003")
    assert not PHONE_PATTERN.search("/conversations/a1acab08-f082-4214-888d-a963587783c3/claim")
    logs = [gateway.log, rasa.workdir / "rasa.log", action_server.log, demo_backoffice.log_path]
    for log in logs:
        text = log.read_text(encoding="utf-8", errors="replace")
        assert text.strip(), f"{log} is empty: nothing was checked"
        assert NIK_PATTERN.findall(text) == [], f"{log.name} holds a NIK in clear"
        assert PHONE_PATTERN.findall(text) == [], f"{log.name} holds a phone number in clear"
        assert whatsapp.wa_id not in text, f"{log.name} holds a WhatsApp number"
