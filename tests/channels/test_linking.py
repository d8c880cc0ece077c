"""Omni-channel: a citizen links Telegram and WhatsApp with a one-time code and continues one
conversation (one Rasa tracker, one transcript)."""

from __future__ import annotations

import re
import sqlite3

import pytest

from test_support.fakes.graph_api import FakeGraphApi, text_message
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, command_update, text_update
from test_support.gateway_server import Gateway
from test_support.telegram_chat import TelegramCitizen
from test_support.telegram_chat import text_of as telegram_text
from test_support.whatsapp_chat import WhatsAppCitizen
from test_support.whatsapp_chat import text_of as whatsapp_text

pytestmark = pytest.mark.slow


async def test_a_code_asked_on_telegram_and_typed_on_whatsapp_joins_the_conversation(
        gateway: Gateway, telegram_api: InThread[FakeTelegramApi], graph_api: InThread[FakeGraphApi]) -> None:
    telegram = TelegramCitizen(gateway, telegram_api)
    whatsapp = WhatsAppCitizen(gateway, graph_api)
    await telegram.post(text_update(telegram.chat_id, "mau cek status permohonan saya"))
    [question] = await telegram.replies(1)
    assert "nomor permohonan" in telegram_text(question).lower()

    await telegram.post(command_update(telegram.chat_id, "/tautkan"))
    [issued] = await telegram.replies(1)
    code = re.search(r"\b(\d{6})\b", telegram_text(issued))
    assert code, telegram_text(issued)
    await whatsapp.post(text_message(whatsapp.wa_id, "halo"))
    await whatsapp.replies(1)
    await whatsapp.post(text_message(whatsapp.wa_id, f"TAUTKAN {code.group(1)}"))
    [linked] = await whatsapp.replies(1)
    assert "ditautkan" in whatsapp_text(linked)

    # the form asked on Telegram goes on on WhatsApp: the same tracker
    await whatsapp.post(text_message(whatsapp.wa_id, "PMH-250703-0002"))
    notice, next_question = await whatsapp.replies(2)  # the privacy notice comes before the first birth date
    assert "privasi" in whatsapp_text(notice).lower()
    assert "tanggal lahir" in whatsapp_text(next_question).lower()

    await whatsapp.post(text_message(whatsapp.wa_id, f"TAUTKAN {code.group(1)}"))
    [reused] = await whatsapp.replies(1)
    assert "tidak dikenali" in whatsapp_text(reused)

    with sqlite3.connect(gateway.workdir / "gateway.db") as db:
        contacts = db.execute("SELECT DISTINCT contact_id FROM channel_identities WHERE address IN (?, ?)",
                              (str(telegram.chat_id), whatsapp.wa_id)).fetchall()
        assert len(contacts) == 1
        [(conversation,)] = db.execute("SELECT id FROM conversations WHERE contact_id = ?", contacts[0]).fetchall()
        channels = {row[0] for row in db.execute("SELECT channel FROM messages WHERE conversation_id = ?",
                                                 (conversation,))}
    assert channels == {"telegram", "whatsapp"}


async def test_a_wrong_code_is_refused_without_hints(gateway: Gateway, graph_api: InThread[FakeGraphApi]) -> None:
    whatsapp = WhatsAppCitizen(gateway, graph_api)
    await whatsapp.post(text_message(whatsapp.wa_id, "tautkan 000000"))
    [reply] = await whatsapp.replies(1)
    assert "tidak dikenali" in whatsapp_text(reply)
