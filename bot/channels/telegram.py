"""Telegram through python-telegram-bot: webhook (production) or long polling (local use).

Updates become :class:`InboundMessage` s here; the pipeline does the rest. Sending goes through
PTB's ``Bot`` with the message rendered by :func:`bot.rendering.render_telegram` (HTML, inline
keyboards, 4096-character parts), retrying when Telegram asks to wait or the network fails.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.base import DeliveryFailed
from bot.channels.telegram_transport import AiohttpRequest
from bot.messages import BotMessage, Button, Channel, InboundKind, InboundMessage
from bot.rendering import render_telegram, resolve_indexed_payload
from bot.settings import TelegramSettings
from bot.store.transcripts import TranscriptStore

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
SEND_ATTEMPTS = 4
POLL_READ_TIMEOUT_S = 30.0  # getUpdates long polls; PTB adds its own poll timeout to the read timeout
MAX_RETRY_AFTER_S = 30.0
MEDIA_FIELDS = ("sticker", "photo", "voice", "audio", "video", "video_note", "animation", "document",
                "location", "venue", "contact", "poll", "dice")
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
Accept = Callable[[InboundMessage], Awaitable[Any]]


def inbound_of(update: Update) -> InboundMessage | None:
    """The citizen's message in ``update``; None for updates that are not a citizen writing
    (membership changes, channel posts, ...). A pressed button's payload is resolved later."""
    external_id = str(update.update_id)
    if update.callback_query is not None:
        query = update.callback_query
        chat_id = query.message.chat.id if query.message is not None else query.from_user.id
        message_id = query.message.message_id if query.message is not None else None
        return InboundMessage(Channel.TELEGRAM, external_id, str(chat_id), InboundKind.BUTTON,
                              payload=query.data, display_name=query.from_user.full_name,
                              extra={"callback_query_id": query.id, "message_id": message_id})
    if update.edited_message is not None:
        edited = update.edited_message
        return InboundMessage(Channel.TELEGRAM, external_id, str(edited.chat.id), InboundKind.EDITED,
                              text=edited.text or "")
    message = update.message
    if message is None:
        return None
    name = message.from_user.full_name if message.from_user else None
    chat = str(message.chat.id)
    if message.text is not None:
        if message.text.startswith("/"):
            command, _, rest = message.text[1:].partition(" ")
            text = f"{command.split('@')[0]} {rest}".strip()
            return InboundMessage(Channel.TELEGRAM, external_id, chat, InboundKind.COMMAND, text=text,
                                  display_name=name)
        return InboundMessage(Channel.TELEGRAM, external_id, chat, InboundKind.TEXT, text=message.text,
                              display_name=name)
    media = next((field for field in MEDIA_FIELDS if getattr(message, field, None)), None)
    if media is None and (message.new_chat_members or message.left_chat_member):
        return None
    return InboundMessage(Channel.TELEGRAM, external_id, chat, InboundKind.UNSUPPORTED, media=media or "other",
                          text=message.caption or "", display_name=name)


class TelegramChannel:
    """The Telegram side of the gateway: receives updates, sends answers."""

    def __init__(self, settings: TelegramSettings, store: TranscriptStore, accept: Accept) -> None:
        self.settings = settings
        self.store = store
        self.accept = accept
        builder: ApplicationBuilder[Any, Any, Any, Any, Any, Any] = (
            Application.builder().token(settings.token).base_url(settings.api_base_url)
            .request(AiohttpRequest()).get_updates_request(AiohttpRequest(read_timeout=POLL_READ_TIMEOUT_S,
                                                                          connections=1))
        )
        if settings.mode != "polling":
            builder = builder.updater(None)
        self.application = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_polled_update))
        self._background: set[asyncio.Task[Any]] = set()

    @property
    def bot(self) -> Any:
        return self.application.bot

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: start PTB (and polling, or register the webhook), stop it after."""
        await self.application.initialize()
        if self.settings.mode == "polling":
            await self.application.start()
            assert self.application.updater is not None
            await self.application.updater.start_polling(allowed_updates=Update.ALL_TYPES)
            log.info("Telegram: long polling as @%s", self.bot.username)
        elif self.settings.webhook_url:
            await self.bot.set_webhook(self.settings.webhook_url, secret_token=self.settings.webhook_secret,
                                       allowed_updates=Update.ALL_TYPES)
            log.info("Telegram: webhook registered as @%s", self.bot.username)
        try:
            yield
        finally:
            if self.application.updater is not None and self.application.updater.running:
                await self.application.updater.stop()
            if self.application.running:
                await self.application.stop()
            await asyncio.gather(*self._background, return_exceptions=True)
            await self.application.shutdown()

    async def webhook(self, request: web.Request) -> web.Response:
        """``POST /telegram/webhook``: check the secret, store the update, answer at once."""
        if self.settings.mode != "webhook":
            raise web.HTTPNotFound()
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.webhook_secret.encode()):
            log.warning("Telegram webhook: wrong or missing secret token")
            return web.json_response({"error": "forbidden"}, status=401)
        try:
            data = await request.json()
            update = Update.de_json(data, self.bot)
        except web.HTTPRequestEntityTooLarge:
            raise  # 413: over the gateway's body limit, refused before it is read whole
        except Exception:  # not JSON, or not an Update: never a 500 to Telegram
            return web.json_response({"error": "not a Telegram update"}, status=400)
        if update is None:
            return web.json_response({"error": "not a Telegram update"}, status=400)
        await self._receive(update)
        return web.json_response({"ok": True})

    async def _on_polled_update(self, update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update):
            await self._receive(update)

    async def _receive(self, update: Update) -> None:
        message = inbound_of(update)
        if message is None:
            return
        if message.kind is InboundKind.BUTTON:
            message = await self._resolve_button(message)
            self._in_background(self._answer_callback_query(message.extra["callback_query_id"]))
        await self.accept(message)

    async def _resolve_button(self, message: InboundMessage) -> InboundMessage:
        """A long payload travels as "#<index>" (callback data holds 64 bytes): look it up."""
        data = message.payload or ""
        sent_id = message.extra.get("message_id")
        buttons: tuple[Button, ...] = ()
        if sent_id is not None:
            buttons = await self.store.buttons_of_sent(Channel.TELEGRAM, message.address, str(sent_id))
        payload = resolve_indexed_payload(data, buttons)
        title = next((b.title for b in buttons if b.payload == payload), payload or "")
        return InboundMessage(message.channel, message.external_id, message.address, InboundKind.BUTTON,
                              text=title, payload=payload, display_name=message.display_name, extra=message.extra)

    async def _answer_callback_query(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except TelegramError as problem:  # the spinner stops by itself after a while
            log.info("answerCallbackQuery failed: %s", problem)

    def _in_background(self, coroutine: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def deliver(self, address: str, message: BotMessage, message_id: int) -> str | None:
        """Send the parts of ``message``; the keyboard rides on the last one."""
        sent_id: str | None = None
        for part in render_telegram(message):
            markup = InlineKeyboardMarkup(
                [[InlineKeyboardButton(b.title, callback_data=b.callback_data) for b in row] for row in part.keyboard]
            ) if part.keyboard else None
            sent_id = await self._send(int(address), part.text, markup)
        return sent_id

    async def _send(self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None) -> str:
        delay = 0.5
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                sent = await self.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                                   link_preview_options=NO_PREVIEW)
                return str(sent.message_id)
            except RetryAfter as wait:
                retry_after = wait.retry_after
                seconds = retry_after.total_seconds() if hasattr(retry_after, "total_seconds") else float(retry_after)
                if attempt == SEND_ATTEMPTS or seconds > MAX_RETRY_AFTER_S:
                    raise DeliveryFailed(f"Telegram flood control: retry after {seconds} s") from wait
                await asyncio.sleep(seconds)
            except (BadRequest, Forbidden) as refused:
                raise DeliveryFailed(f"Telegram refused the message: {refused.message}") from refused
            except NetworkError as problem:  # includes TimedOut and Telegram's 5xx
                if attempt == SEND_ATTEMPTS:
                    raise DeliveryFailed(f"Telegram unreachable: {problem}") from problem
                await asyncio.sleep(delay)
                delay *= 2
        raise DeliveryFailed("unreachable")
