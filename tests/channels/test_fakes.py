"""The fakes speak the protocols: the real python-telegram-bot against FakeTelegramApi, and plain
aiohttp requests against FakeGraphApi; the webhook helpers against small local receivers."""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import hmac
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, MessageEntityType
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, ContextTypes, MessageHandler, filters

from test_support.fakes import graph_api as wa
from test_support.fakes import telegram_api as tg
from test_support.fakes.graph_api import FakeGraphApi
from test_support.fakes.telegram_api import FakeTelegramApi

TOKEN = "123:ABC"
CHAT = 4242


@pytest_asyncio.fixture(loop_scope="function")
async def telegram() -> AsyncIterator[FakeTelegramApi]:
    async with FakeTelegramApi(token=TOKEN) as fake:
        yield fake


@pytest_asyncio.fixture(loop_scope="function")
async def bot(telegram: FakeTelegramApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=telegram.base_url) as real_bot:
        yield real_bot


@pytest_asyncio.fixture(loop_scope="function")
async def graph() -> AsyncIterator[FakeGraphApi]:
    async with FakeGraphApi(access_token="wa-token") as fake:
        yield fake


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


# --- Telegram, with the real python-telegram-bot -----------------------------------------------------


async def test_get_me_and_html_message_with_inline_keyboard(telegram: FakeTelegramApi, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == 123 and me.is_bot and me.username == "mpp_digital_bot"

    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Paspor", callback_data="svc:paspor"),
                                      InlineKeyboardButton("KTP", callback_data="svc:ktp")]])
    text = '<b>Halo</b> &amp; selamat 😀 <a href="https://mpp.go.id/?a=1&amp;b=2">datang</a> <i>di MPP</i>'
    message = await bot.send_message(CHAT, text, parse_mode="HTML", reply_markup=keyboard)

    assert message.text == "Halo & selamat 😀 datang di MPP"
    assert message.chat.id == CHAT and message.message_id == 1
    assert [(e.type, e.offset, e.length) for e in message.entities] == [
        (MessageEntityType.BOLD, 0, 4), (MessageEntityType.TEXT_LINK, 18, 6), (MessageEntityType.ITALIC, 25, 6)]
    assert message.entities[1].url == "https://mpp.go.id/?a=1&b=2"
    assert message.reply_markup == keyboard
    [call] = telegram.sent_messages(CHAT)
    # PTB sends urlencoded forms with JSON-encoded non-strings; the fake normalises them
    assert call.content_type == "application/x-www-form-urlencoded"
    assert call.params["chat_id"] == CHAT
    assert call.params["reply_markup"]["inline_keyboard"][0][0] == {"text": "Paspor", "callback_data": "svc:paspor"}
    second = await bot.send_message(CHAT, "lagi")
    assert second.message_id == 2


_BAD_HTML = [
    ("1 < 2", 'unsupported start tag ""'),
    ("a & b", 'unescaped "&"'),
    ("a > b", 'unescaped ">"'),
    ("<b>tebal", "can't find end tag corresponding to start tag \"b\""),
    ("<b><i>x</b></i>", 'unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ("baris<br>baru", 'unsupported start tag "br"'),
    ("x</b>", "unexpected end tag"),
    ('<span class="x">y</span>', 'tag "span" must have class "tg-spoiler"'),
]


async def test_bad_html_is_rejected_like_telegram(telegram: FakeTelegramApi, bot: Bot) -> None:
    for text, error in _BAD_HTML:
        with pytest.raises(BadRequest, match="Can't parse entities") as raised:
            await bot.send_message(CHAT, text, parse_mode="HTML")
        assert error in raised.value.message.lower(), text
    assert telegram.sent_messages() == []
    assert {call.status for call in telegram.calls_to("sendMessage")} == {400}
    ok = "<pre><code class=\"language-python\">x &lt; 1</code></pre> &#39;<tg-spoiler>rahasia</tg-spoiler>&#x27;"
    message = await bot.send_message(CHAT, ok, parse_mode="HTML")
    assert message.text == "x < 1 'rahasia'"
    assert [(e.type, e.language) for e in message.entities] == [("pre", "python"), ("spoiler", None)]


async def test_message_limits(bot: Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")  # tags do not count
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(CHAT, "a" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")
    too_long = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(CHAT, "pilih", reply_markup=too_long)
    await bot.send_message(CHAT, "pilih", reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
        "x", callback_data="é" * 32)]]))  # 64 bytes


async def test_429_raises_retry_after_then_recovers(telegram: FakeTelegramApi, bot: Bot) -> None:
    telegram.fail_next("sendMessage", status=429, retry_after=2)
    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "halo")
    assert raised.value.retry_after in (2, dtm.timedelta(seconds=2))
    telegram.fail_next("sendMessage", status=500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(CHAT, "halo")
    await bot.send_message(CHAT, "halo")
    assert [call.status for call in telegram.calls_to("sendMessage")] == [429, 500, 500, 200]
    assert len(telegram.sent_messages(CHAT)) == 1


async def test_wrong_token_is_unauthorized(telegram: FakeTelegramApi, http: aiohttp.ClientSession) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:WRONG", base_url=telegram.base_url):
            pass
    async with http.get(f"{telegram.base_url}999:WRONG/getMe") as response:
        assert response.status == 401
        assert await response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    async with http.post(f"{telegram.api_url}/sendMessage", json={"chat_id": CHAT, "text": "json ok"}) as response:
        assert response.status == 200
        assert (await response.json())["result"]["text"] == "json ok"


async def test_every_parameter_encoding(telegram: FakeTelegramApi, http: aiohttp.ClientSession) -> None:
    """JSON body, query string and multipart form all reach the same normalised params."""
    keyboard = {"inline_keyboard": [[{"text": "Ya", "callback_data": "yes"}]]}
    form = aiohttp.FormData()
    form.add_field("chat_id", str(CHAT))
    form.add_field("text", "multipart")
    form.add_field("reply_markup", json.dumps(keyboard))
    form.add_field("document", b"%PDF-1.4", filename="ktp.pdf", content_type="application/pdf")
    async with http.post(f"{telegram.api_url}/sendMessage", data=form) as response:
        assert response.status == 200, await response.text()
    async with http.get(f"{telegram.api_url}/sendMessage", params={"chat_id": str(CHAT), "text": "query"}) as response:
        assert response.status == 200
    async with http.post(f"{telegram.api_url}/sendmessage", json={"chat_id": str(CHAT), "text": "json",
                                                                  "reply_markup": keyboard}) as response:
        assert response.status == 200  # method names are case-insensitive, as on Telegram
    multipart, query, body = telegram.sent_messages(CHAT)
    assert multipart.content_type == "multipart/form-data" and multipart.params["reply_markup"] == keyboard
    assert multipart.params["document"] == {"filename": "ktp.pdf", "content_type": "application/pdf", "size": 8}
    assert query.params == {"chat_id": CHAT, "text": "query"}
    assert body.params["chat_id"] == CHAT and body.params["reply_markup"] == keyboard
    async with http.post(f"{telegram.api_url}/sendSticker", json={"chat_id": CHAT}) as response:
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_get_updates_parses_every_kind_of_update(telegram: FakeTelegramApi, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Pilih:", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ya", callback_data="yes")]]))
    builders = [
        tg.text_update(CHAT, "halo"),
        tg.command_update(CHAT, "/start promo"),
        tg.callback_update(CHAT, "yes", sent.message_id),
        tg.sticker_update(CHAT),
        tg.photo_update(CHAT, caption="ktp saya"),
        tg.voice_update(CHAT, duration=4),
        tg.document_update(CHAT),
        tg.location_update(CHAT, -6.2, 106.8),
        tg.edited_text_update(CHAT, "halo lagi", message_id=77),
    ]
    for update in builders:
        telegram.enqueue_update(update)

    updates = await bot.get_updates(timeout=0)

    assert [u.update_id for u in updates] == [u["update_id"] for u in builders]
    text, command, callback, sticker, photo, voice, document, location, edited = updates
    assert isinstance(text, Update) and text.message is not None and text.message.text == "halo"
    assert text.effective_user is not None and text.effective_user.id == CHAT and text.effective_chat is not None
    assert text.effective_chat.type == "private"
    assert command.message is not None and command.message.parse_entities(["bot_command"])
    assert list(command.message.parse_entities(["bot_command"]).values()) == ["/start"]
    assert callback.callback_query is not None and callback.callback_query.data == "yes"
    assert callback.callback_query.message is not None and callback.callback_query.message.message_id == sent.message_id
    assert sticker.message is not None and sticker.message.sticker is not None and sticker.message.sticker.emoji
    assert photo.message is not None and len(photo.message.photo) == 3 and photo.message.caption == "ktp saya"
    assert voice.message is not None and voice.message.voice is not None
    assert document.message is not None and document.message.document is not None
    assert document.message.document.file_name == "ktp.pdf"
    assert location.message is not None and location.message.location is not None
    assert location.message.location.latitude == -6.2
    assert edited.edited_message is not None and edited.edited_message.text == "halo lagi"

    # an offset confirms the older updates; the queue is then empty
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()
    assert telegram.pending_updates == []


async def test_long_poll_waits_for_a_new_update(telegram: FakeTelegramApi, bot: Bot) -> None:
    started = time.monotonic()
    asyncio.get_running_loop().call_later(0.2, telegram.enqueue_update, tg.text_update(CHAT, "telat"))
    updates = await bot.get_updates(timeout=3)
    assert [u.message.text for u in updates if u.message] == ["telat"]
    assert 0.15 < time.monotonic() - started < 2

    started = time.monotonic()
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=dtm.timedelta(seconds=0.3)) == ()
    assert time.monotonic() - started >= 0.25
    with pytest.raises(ValueError, match="getUpdates would never return it"):
        telegram.enqueue_update({"update_id": 1, "message": {}})


async def test_webhook_blocks_get_updates(telegram: FakeTelegramApi, bot: Bot) -> None:
    assert await bot.set_webhook("http://127.0.0.1:9/telegram", secret_token="s3cret_token-1")
    assert (telegram.webhook_url, telegram.webhook_secret) == ("http://127.0.0.1:9/telegram", "s3cret_token-1")
    info = await bot.get_webhook_info()
    assert info.url == "http://127.0.0.1:9/telegram"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    with pytest.raises(BadRequest, match="unallowed characters"):
        await bot.set_webhook("http://127.0.0.1:9/telegram", secret_token="bad token!")
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.get_updates(timeout=0) == ()


async def test_callback_answer_markup_edit_and_chat_action(telegram: FakeTelegramApi, bot: Bot) -> None:
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ya", callback_data="yes")]])
    sent = await bot.send_message(CHAT, "Yakin?", reply_markup=keyboard)
    update = tg.callback_update(CHAT, "yes", sent.message_id)
    assert await bot.answer_callback_query(update["callback_query"]["id"], text="Oke")
    with pytest.raises(BadRequest, match="query id is invalid"):
        await bot.answer_callback_query(update["callback_query"]["id"])
    edited = await bot.edit_message_reply_markup(CHAT, sent.message_id)
    assert not isinstance(edited, bool) and edited.reply_markup is None
    with pytest.raises(BadRequest, match="not modified"):
        await bot.edit_message_reply_markup(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_reply_markup(CHAT, 999, reply_markup=keyboard)
    assert await bot.send_chat_action(CHAT, ChatAction.TYPING)
    telegram.blocked_chats.add(CHAT)
    with pytest.raises(Exception, match="blocked by the user"):
        await bot.send_message(CHAT, "halo")


async def test_wait_for_messages(telegram: FakeTelegramApi, bot: Bot) -> None:
    async def send_later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(CHAT, "satu")
        await bot.send_message(CHAT, "dua")

    task = asyncio.create_task(send_later())
    calls = await telegram.wait_for_messages(CHAT, 2, timeout=3)
    await task
    assert [call.params["text"] for call in calls] == ["satu", "dua"]
    with pytest.raises(AssertionError, match=r"expected 3 message\(s\) to chat 4242 within 0.1 s, got 2"):
        await telegram.wait_for_messages(CHAT, 3, timeout=0.1)


async def test_application_polling_end_to_end(telegram: FakeTelegramApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"<b>{update.message.text}</b>", parse_mode="HTML")

    telegram.delay_s = 0.05
    app = ApplicationBuilder().token(TOKEN).base_url(telegram.base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        telegram.enqueue_update(tg.text_update(CHAT, "halo"))
        [reply] = await telegram.wait_for_messages(CHAT, 1, timeout=5)
        await app.updater.stop()
        await app.stop()
    assert reply.result["text"] == "halo" and reply.result["entities"][0]["type"] == "bold"
    assert [call.method for call in telegram.calls[:2]] == ["getMe", "deleteWebhook"]


async def _receiver(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_route("*", "/hook", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/hook"


async def test_telegram_deliver_webhook() -> None:
    received: list[tuple[str | None, dict[str, object]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response(status=200)

    runner, url = await _receiver(hook)
    try:
        update = tg.text_update(CHAT, "halo ✓")
        status, elapsed = await tg.deliver_webhook(url, update, secret_token="abc")
        assert status == 200 and 0 < elapsed < 5
        assert received == [("abc", update)]
        assert Update.de_json(update, None).message is not None
    finally:
        await runner.cleanup()


# --- WhatsApp Cloud API -------------------------------------------------------------------------------


def _buttons(count: int, title_length: int = 5) -> Any:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": "+6281200000001",
            "type": "interactive", "interactive": {
                "type": "button", "body": {"text": "Pilih layanan"},
                "action": {"buttons": [
                    {"type": "reply", "reply": {"id": f"b{i}", "title": f"{i}".ljust(title_length, "x")}}
                    for i in range(count)]}}}


def _list(rows_per_section: list[int], *, titled: bool = True) -> Any:
    sections: list[dict[str, object]] = [
        {"rows": [{"id": f"s{s}r{r}", "title": f"Baris {r}", "description": "Keterangan"} for r in range(rows)]}
        for s, rows in enumerate(rows_per_section)]
    if titled:
        for index, section in enumerate(sections):
            section["title"] = f"Bagian {index}"
    return {"messaging_product": "whatsapp", "to": "6281200000001", "type": "interactive", "interactive": {
        "type": "list", "body": {"text": "Pilih MPP"}, "action": {"button": "Lihat daftar", "sections": sections}}}


async def _post(http: aiohttp.ClientSession, graph: FakeGraphApi, payload: object,
                token: str | None = "wa-token") -> tuple[int, Any]:
    """POST ``payload`` to the fake's messages endpoint; (status, parsed JSON answer)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with http.post(graph.messages_url, json=payload, headers=headers) as response:
        return response.status, await response.json()


async def test_graph_accepts_valid_messages(graph: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    assert graph.api_url.endswith("/v20.0")
    text = {"messaging_product": "whatsapp", "to": "+6281200000001", "type": "text", "text": {"body": "Halo"}}
    status, body = await _post(http, graph, text)
    assert status == 200
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "+6281200000001", "wa_id": "6281200000001"}]
    [message] = body["messages"]
    assert message["id"].startswith("wamid.HBg")
    for payload in (_buttons(3, title_length=20), _list([5, 5]), _list([10], titled=False)):
        status, body = await _post(http, graph, payload)
        assert status == 200, body
    assert len(await graph.wait_for_messages("6281200000001", 4, timeout=1)) == 4
    with pytest.raises(AssertionError, match="expected 5 message"):
        await graph.wait_for_messages("+6281200000001", 5, timeout=0.05)


@pytest.mark.parametrize(("payload", "code", "detail"), [
    (_buttons(4), 131009, "between 1 and 3 elements"),
    (_buttons(2, title_length=21), 131009, "between 1 and 20 characters"),
    (_list([6, 5]), 131009, "Total row count exceed"),
    (_list([2, 2], titled=False), 100, "['title'] is required"),
    ({"messaging_product": "whatsapp", "to": "62812", "type": "text", "text": {"body": ""}}, 131009, "text['body']"),
    ({"messaging_product": "whatsapp", "to": "62812", "type": "text", "text": {"body": "x" * 4097}}, 131009, "4096"),
    ({"to": "62812", "type": "text", "text": {"body": "x"}}, 100, "messaging_product is required"),
    ({"messaging_product": "whatsapp", "type": "text", "text": {"body": "x"}}, 100, "to is required"),
    ({"messaging_product": "whatsapp", "to": "62812", "type": "carousel"}, 100, "Param type must be one of"),
])
async def test_graph_rejects_invalid_messages(graph: FakeGraphApi, http: aiohttp.ClientSession, payload: object,
                                              code: int, detail: str) -> None:
    status, body = await _post(http, graph, payload)
    assert status == 400
    error = body["error"]
    assert error["code"] == code and error["type"] == "OAuthException" and error["fbtrace_id"]
    assert detail in error["error_data"]["details"]
    assert graph.sent == []


async def test_graph_duplicate_button_ids(graph: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    payload = _buttons(2)
    payload["interactive"]["action"]["buttons"][1]["reply"]["id"] = "b0"
    status, body = await _post(http, graph, payload)
    assert status == 400 and "unique" in json.dumps(body)


async def test_graph_requires_the_access_token(graph: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    text = {"messaging_product": "whatsapp", "to": "62812", "type": "text", "text": {"body": "x"}}
    for token in (None, "wrong"):
        status, body = await _post(http, graph, text, token=token)
        assert status == 401
        assert body["error"]["code"] == 190 and body["error"]["type"] == "OAuthException"
    assert graph.sent == [] and [r.status for r in graph.requests] == [401, 401]


async def test_graph_fail_next_and_mark_read(graph: FakeGraphApi, http: aiohttp.ClientSession) -> None:
    text = {"messaging_product": "whatsapp", "to": "62812", "type": "text", "text": {"body": "x"}}
    graph.fail_next(status=429, times=2)
    graph.fail_next(status=500)
    results = [await _post(http, graph, text) for _ in range(4)]
    assert [(status, body.get("error", {}).get("code")) for status, body in results] == [
        (429, 130429), (429, 130429), (500, 131000), (200, None)]
    assert results[0][1]["error"]["message"] == "(#130429) Rate limit hit"
    status, body = await _post(http, graph, {"messaging_product": "whatsapp", "status": "read",
                                             "message_id": "wamid.HBgABC"})
    assert (status, body) == (200, {"success": True}) and graph.read_receipts == ["wamid.HBgABC"]
    assert len(graph.sent) == 1


def test_whatsapp_webhook_payloads() -> None:
    text = wa.text_message("6281200000001", "halo")
    value = text["entry"][0]["changes"][0]["value"]
    assert text["object"] == "whatsapp_business_account"
    assert value["metadata"] == {"display_phone_number": wa.DEFAULT_DISPLAY_PHONE_NUMBER,
                                 "phone_number_id": wa.DEFAULT_PHONE_NUMBER_ID}
    assert value["contacts"] == [{"profile": {"name": "Budi Santoso"}, "wa_id": "6281200000001"}]
    [message] = value["messages"]
    assert message["type"] == "text" and message["text"] == {"body": "halo"} and message["id"].startswith("wamid.")

    def first_message(payload: dict[str, Any]) -> Any:
        return payload["entry"][0]["changes"][0]["value"]["messages"][0]

    assert message["id"] != first_message(wa.text_message("6281200000001", "halo"))["id"]  # unique ids

    assert first_message(wa.button_reply("62812", "yes", "Ya"))["interactive"] == {
        "type": "button_reply", "button_reply": {"id": "yes", "title": "Ya"}}
    assert first_message(wa.list_reply("62812", "r1", "Baris"))["interactive"]["type"] == "list_reply"
    for kind in ("image", "sticker", "audio", "video", "document"):
        media = first_message(wa.media_message("62812", kind))
        assert media["type"] == kind and media[kind]["id"] and media[kind]["mime_type"]
    location = first_message(wa.location_message("62812", -6.2, 106.8))
    assert location["location"] == {"latitude": -6.2, "longitude": 106.8}
    failed = wa.status_update("wamid.X", "+62812", "failed")["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert failed["status"] == "failed" and failed["recipient_id"] == "62812" and failed["errors"][0]["code"] == 131026
    with pytest.raises(ValueError):
        wa.status_update("wamid.X", "62812", "seen")


async def test_whatsapp_deliver_webhook_and_verification() -> None:
    secret = "app-secret"

    async def hook(request: web.Request) -> web.Response:
        if request.method == "GET":
            if request.query.get("hub.mode") == "subscribe" and request.query.get("hub.verify_token") == "verify-me":
                return web.Response(text=request.query["hub.challenge"])
            return web.Response(status=403)
        body = await request.read()
        ok = request.headers.get("X-Hub-Signature-256") == wa.sign(body, secret)
        return web.Response(status=200 if ok else 401)

    runner, url = await _receiver(hook)
    try:
        payload = wa.text_message("6281200000001", "halo ✓")
        assert (await wa.deliver_webhook(url, payload, secret))[0] == 200
        assert (await wa.deliver_webhook(url, payload, secret, forge=True))[0] == 401
        assert await wa.verify_subscription(url, "verify-me", "1158201444") == (200, "1158201444")
        assert (await wa.verify_subscription(url, "wrong", "1158201444"))[0] == 403
    finally:
        await runner.cleanup()
    assert wa.sign(b"{}", "s") == "sha256=" + hmac.new(b"s", b"{}", hashlib.sha256).hexdigest()
