"""Telegram end to end: the real python-telegram-bot inside the real gateway, a fake Bot API,
Rasa, the action server and the back office."""

from __future__ import annotations

import asyncio
import sqlite3

import pytest

from test_support.background_proxy import BackgroundProxy
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import (
    FakeTelegramApi,
    callback_update,
    command_update,
    document_update,
    edited_text_update,
    location_update,
    photo_update,
    sticker_update,
    text_update,
    voice_update,
)
from test_support.gateway_server import Gateway
from test_support.telegram_chat import TelegramCitizen, buttons_of, text_of

pytestmark = pytest.mark.slow
WEBHOOK_ANSWER_LIMIT_S = 0.2


@pytest.fixture
def citizen(gateway: Gateway, telegram_api: InThread[FakeTelegramApi]) -> TelegramCitizen:
    return TelegramCitizen(gateway, telegram_api)


async def test_a_greeting_gets_the_menu_as_buttons_and_the_webhook_is_answered_at_once(
        citizen: TelegramCitizen) -> None:
    status, seconds = await citizen.post(text_update(citizen.chat_id, "halo min"))
    assert status == 200
    assert seconds < WEBHOOK_ANSWER_LIMIT_S
    [reply] = await citizen.replies(1)
    assert "Bapak/Ibu" in text_of(reply)
    assert reply.params.get("parse_mode") == "HTML"
    titles = [button["text"] for button in buttons_of(reply)]
    assert "KTP-el" in titles


async def test_pressing_a_button_answers_the_callback_and_follows_its_payload(
        citizen: TelegramCitizen, telegram_api: InThread[FakeTelegramApi]) -> None:
    await citizen.post(command_update(citizen.chat_id, "/start"))
    [menu] = await citizen.replies(1)
    ktp = next(button for button in buttons_of(menu) if button["text"] == "KTP-el")
    press = callback_update(citizen.chat_id, ktp["callback_data"], menu.result["message_id"])
    assert (await citizen.post(press))[0] == 200
    [answer] = await citizen.replies(1)
    assert "KTP-el" in text_of(answer)
    answered = [call.params.get("callback_query_id") for call in telegram_api.server.calls_to("answerCallbackQuery")]
    assert press["callback_query"]["id"] in answered


async def test_bantuan_explains_what_the_assistant_does(citizen: TelegramCitizen) -> None:
    await citizen.post(command_update(citizen.chat_id, "/bantuan"))
    [reply] = await citizen.replies(1)
    assert "asisten virtual" in text_of(reply).lower()


@pytest.mark.parametrize("update_of, what", [
    (sticker_update, "stiker"), (photo_update, "foto"), (voice_update, "pesan suara"),
    (document_update, "dokumen"), (location_update, "lokasi"),
])
async def test_media_gets_a_polite_answer(citizen: TelegramCitizen, update_of: object, what: str) -> None:
    status, _ = await citizen.post(update_of(citizen.chat_id))  # type: ignore[operator]
    assert status == 200
    [reply] = await citizen.replies(1)
    assert what in text_of(reply)
    assert "teks" in text_of(reply)


async def test_an_edited_message_is_not_run_again_but_answered(citizen: TelegramCitizen) -> None:
    status, _ = await citizen.post(edited_text_update(citizen.chat_id, "syarat ktp", message_id=5))
    assert status == 200
    [reply] = await citizen.replies(1)
    assert "diubah" in text_of(reply)


async def test_forged_or_malformed_webhooks_are_refused_and_nothing_is_sent(citizen: TelegramCitizen) -> None:
    assert (await citizen.post(text_update(citizen.chat_id, "halo"), secret="wrong"))[0] == 401
    assert (await citizen.post(text_update(citizen.chat_id, "halo"), secret=None))[0] == 401
    assert (await citizen.post({"update_id": "not a number", "message": 5}))[0] == 400
    assert (await citizen.post([1, 2, 3]))[0] == 400  # type: ignore[arg-type]
    await asyncio.sleep(1.0)
    assert citizen.sent_so_far() == []


async def test_a_redelivered_update_gets_no_second_reply(citizen: TelegramCitizen) -> None:
    update = text_update(citizen.chat_id, "syarat bikin kk baru apa")
    statuses = await asyncio.gather(*(citizen.post(update) for _ in range(3)))
    assert [status for status, _ in statuses] == [200, 200, 200]
    await citizen.replies(1)
    assert (await citizen.post(update))[0] == 200
    await asyncio.sleep(1.5)
    assert len(citizen.sent_so_far()) == 1


async def test_messages_of_one_conversation_are_answered_in_order_even_when_delivered_out_of_order(
        citizen: TelegramCitizen) -> None:
    first = text_update(citizen.chat_id, "syarat bikin ktp")
    second = text_update(citizen.chat_id, "berapa biaya bikin kk")
    later = text_update(citizen.chat_id, "terima kasih")
    for update in (first, later, second):  # Telegram resends an earlier update after a later one
        status, seconds = await citizen.post(update)
        assert status == 200 and seconds < WEBHOOK_ANSWER_LIMIT_S
    replies = [text_of(reply) for reply in await citizen.replies(3)]
    assert "KTP" in replies[0]
    assert "sama-sama" in replies[1].lower() or "terima kasih" in replies[1].lower()
    assert "KK" in replies[2] or "Kartu Keluarga" in replies[2] or "gratis" in replies[2].lower()


async def test_when_rasa_is_down_the_citizen_is_told_and_answered_once_it_is_back(
        citizen: TelegramCitizen, rasa_link: BackgroundProxy) -> None:
    rasa_link.refuse()
    try:
        status, seconds = await citizen.post(text_update(citizen.chat_id, "syarat bikin ktp"))
        assert status == 200 and seconds < WEBHOOK_ANSWER_LIMIT_S
        [notice] = await citizen.replies(1)
        assert "gangguan" in text_of(notice)
        await asyncio.sleep(2)
    finally:
        rasa_link.passthrough()
    [answer] = await citizen.replies(1, timeout=15)
    assert "KTP" in text_of(answer)


async def test_flood_control_and_server_errors_of_telegram_are_retried(
        citizen: TelegramCitizen, telegram_api: InThread[FakeTelegramApi]) -> None:
    telegram_api.do(lambda: telegram_api.server.fail_next("sendMessage", status=429, retry_after=1))
    telegram_api.do(lambda: telegram_api.server.fail_next("sendMessage", status=500))
    await citizen.post(text_update(citizen.chat_id, "jam buka mpp"))
    [reply] = await citizen.replies(1, timeout=20)
    assert text_of(reply)


async def test_html_in_the_citizens_text_does_not_break_the_answer(citizen: TelegramCitizen) -> None:
    await citizen.post(text_update(citizen.chat_id, "<b>halo</b> & <script>"))
    [reply] = await citizen.replies(1)
    assert text_of(reply)


async def test_a_message_accepted_before_a_restart_is_answered_after_it(
        citizen: TelegramCitizen, gateway: Gateway, rasa_link: BackgroundProxy) -> None:
    rasa_link.refuse()
    try:
        await citizen.post(text_update(citizen.chat_id, "cara perpanjang sip"))
        [notice] = await citizen.replies(1)
        assert "gangguan" in text_of(notice)
        gateway.stop()
    finally:
        rasa_link.passthrough()
    gateway.start()
    [answer] = await citizen.replies(1, timeout=20)
    assert "SIP" in text_of(answer)


async def test_a_nik_typed_by_a_citizen_never_reaches_the_gateway_log(citizen: TelegramCitizen,
                                                                      gateway: Gateway) -> None:
    nik = "3328051205900001"
    await citizen.post(text_update(citizen.chat_id, f"cek nik {nik}"))
    await citizen.replies(1)
    log = gateway.log.read_text(encoding="utf-8", errors="replace")
    assert "/telegram/webhook" in log
    assert nik not in log


async def test_an_answer_stored_but_not_sent_when_the_gateway_stopped_is_sent_after_the_restart(
        citizen: TelegramCitizen, gateway: Gateway) -> None:
    status, _ = await citizen.post(text_update(citizen.chat_id, "syarat bikin kk baru apa"))
    assert status == 200
    [answer] = await citizen.replies(1)
    await asyncio.to_thread(gateway.stop)
    # as if the gateway had died between storing the answer and handing it to Telegram
    with sqlite3.connect(gateway.workdir / "gateway.db") as db:
        changed = db.execute("UPDATE messages SET status = 'pending' WHERE direction = 'out' AND address = ? "
                             "AND text = ?", (str(citizen.chat_id), text_of(answer))).rowcount
    assert changed == 1
    await asyncio.to_thread(gateway.start)
    [again] = await citizen.replies(1, timeout=30)
    assert text_of(again) == text_of(answer)
    await asyncio.sleep(1.0)
    assert len(citizen.sent_so_far()) == 2  # sent once more, not twice more
