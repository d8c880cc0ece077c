"""Citizens on Telegram in front of several gateway workers, for the scale-out and fault tests.

Each question has an answer no other one starts with, so the replies a citizen got tell which
questions were answered, in which order, and how many times. Webhooks are delivered the way
Telegram and a load balancer do: a refused or failed delivery is tried again (on the next worker).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Sequence

import aiohttp

from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, deliver_webhook, text_update
from test_support.gateway_server import TELEGRAM_SECRET, Gateway
from test_support.telegram_chat import text_of

QUESTIONS = (
    ("syarat rekam ktp pertama kali", "Perekaman KTP-el pertama kali"),
    ("bikin kk baru setelah nikah", "Pembuatan Kartu Keluarga (KK) baru"),
    ("syarat akta kelahiran anak", "Pengurusan akta kelahiran"),
    ("kartu identitas anak buat umur 5 tahun", "Kartu Identitas Anak (KIA)"),
    ("cara aktivasi ikd", "Identitas Kependudukan Digital (IKD)"),
    ("cara daftar str perawat", "STR (Surat Tanda Registrasi)"),
    ("skp buat perpanjang sip berapa", "SKP (Satuan Kredit Profesi)"),
    ("urus akta kematian ayah", "Turut berduka cita"),
)
DISRUPTION = "sedang mengalami gangguan"  # bot/replies.yml rasa_disruption: said once when Rasa cannot answer
_chats = itertools.count(880_000_001)
_updates = itertools.count(1)


def new_chat() -> int:
    return next(_chats)


def answered(texts: Sequence[str]) -> list[int]:
    """Which question each reply answers (notices about a disruption left out)."""
    return [next(number for number, (_, start) in enumerate(QUESTIONS) if start in text)
            for text in texts if DISRUPTION not in text]


async def deliver(gateways: Sequence[Gateway], first: int, chat: int, text: str, timeout_s: float = 60.0) -> None:
    """One update, tried on each worker in turn until one stores it (200), as Telegram retries."""
    update = text_update(chat, text, update_id=next(_updates) + 10_000_000)
    deadline = time.monotonic() + timeout_s
    for attempt in itertools.count():
        gateway = gateways[(first + attempt) % len(gateways)]
        try:
            status, _ = await deliver_webhook(f"{gateway.url}/telegram/webhook", update, secret_token=TELEGRAM_SECRET,
                                              timeout=10)
        except (aiohttp.ClientError, asyncio.TimeoutError):
            status = 0
        if status == 200:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no worker stored {text!r} within {timeout_s} s (last status {status})")
        await asyncio.sleep(0.3)


async def converse(gateways: Sequence[Gateway], api: InThread[FakeTelegramApi], questions: Sequence[int],
                   think_s: float = 0.2, timeout_s: float = 120.0) -> list[str]:
    """A citizen asks ``questions`` (indexes of QUESTIONS), alternating workers, reading each answer;
    returns every message the chat received."""
    chat = new_chat()
    for turn, question in enumerate(questions):
        await deliver(gateways, turn, chat, QUESTIONS[question][0])
        deadline = time.monotonic() + timeout_s
        while len(answered([text_of(call) for call in api.server.sent_messages(chat)])) < turn + 1:
            assert time.monotonic() < deadline, f"chat {chat}: question {turn + 1} not answered in {timeout_s} s"
            await asyncio.sleep(0.1)
        await asyncio.sleep(think_s)
    await asyncio.sleep(1.0)  # a duplicate would arrive now
    return [text_of(call) for call in api.server.sent_messages(chat)]
