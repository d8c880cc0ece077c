"""WhatsApp Cloud API: the webhook (verification challenge, signed notifications) and sending
through the Graph API ``/{phone-number-id}/messages`` endpoint."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aiohttp
from aiohttp import web

from bot.channels.base import DeliveryFailed
from bot.messages import BotMessage, Channel, InboundKind, InboundMessage
from bot.rendering import render_whatsapp, resolve_indexed_payload
from bot.settings import WhatsAppSettings
from bot.store.transcripts import TranscriptStore

log = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hub-Signature-256"
SEND_ATTEMPTS = 4
IGNORED_TYPES = {"reaction", "system", "ephemeral"}
Accept = Callable[[InboundMessage], Awaitable[Any]]


def signature_is_valid(body: bytes, header: str, app_secret: str) -> bool:
    """``X-Hub-Signature-256`` is ``sha256=`` + the HMAC-SHA256 of the raw body with the app secret."""
    if not app_secret or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


def _changes(notification: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for entry in notification.get("entry") or []:
        for change in (entry or {}).get("changes") or []:
            value = (change or {}).get("value")
            if isinstance(value, dict):
                yield value


def inbound_of(raw: dict[str, Any], names: dict[str, str]) -> InboundMessage | None:
    """One message of a notification as an :class:`InboundMessage` (None: nothing to answer)."""
    kind, sender, message_id = raw.get("type"), str(raw.get("from") or ""), str(raw.get("id") or "")
    if not sender or not message_id or kind in IGNORED_TYPES:
        return None
    common: dict[str, Any] = {"display_name": names.get(sender),
                              "extra": {"context_id": (raw.get("context") or {}).get("id")}}
    if kind == "text":
        return InboundMessage(Channel.WHATSAPP, message_id, sender, InboundKind.TEXT,
                              text=str((raw.get("text") or {}).get("body") or ""), **common)
    if kind == "interactive":
        interactive = raw.get("interactive") or {}
        reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
        return InboundMessage(Channel.WHATSAPP, message_id, sender, InboundKind.BUTTON,
                              text=str(reply.get("title") or ""), payload=reply.get("id"), **common)
    if kind == "button":  # a quick-reply button of a template message
        button = raw.get("button") or {}
        return InboundMessage(Channel.WHATSAPP, message_id, sender, InboundKind.BUTTON,
                              text=str(button.get("text") or ""), payload=button.get("payload"), **common)
    media = {"image": "photo", "audio": "voice", "contacts": "contact"}.get(str(kind), str(kind or "other"))
    return InboundMessage(Channel.WHATSAPP, message_id, sender, InboundKind.UNSUPPORTED, media=media, **common)


class GraphApiError(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"Graph API {status}: {detail}")
        self.status = status


class WhatsAppChannel:
    """The WhatsApp side of the gateway."""

    def __init__(self, settings: WhatsAppSettings, store: TranscriptStore, accept: Accept) -> None:
        self.settings = settings
        self.store = store
        self.accept = accept
        self.messages_url = f"{settings.api_base_url}/{settings.phone_number_id}/messages"
        self._session: aiohttp.ClientSession | None = None

    async def lifecycle(self, _app: web.Application) -> AsyncIterator[None]:
        """aiohttp cleanup context: one HTTP session for the Graph API."""
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=10), headers={"Authorization": f"Bearer {self.settings.access_token}"})
        try:
            yield
        finally:
            await self._session.close()

    async def verify(self, request: web.Request) -> web.Response:
        """``GET /whatsapp/webhook``: Meta's subscription check echoes ``hub.challenge``."""
        query = request.query
        token_ok = hmac.compare_digest(query.get("hub.verify_token", "").encode(), self.settings.verify_token.encode())
        if query.get("hub.mode") == "subscribe" and self.settings.verify_token and token_ok:
            return web.Response(text=query.get("hub.challenge", ""))
        return web.Response(status=403, text="verification failed")

    async def webhook(self, request: web.Request) -> web.Response:
        """``POST /whatsapp/webhook``: verify the signature, store the messages, answer at once."""
        body = await request.read()
        if not signature_is_valid(body, request.headers.get(SIGNATURE_HEADER, ""), self.settings.app_secret):
            log.warning("WhatsApp webhook: bad or missing signature")
            return web.json_response({"error": "invalid signature"}, status=401)
        try:
            notification = json.loads(body)
            values = list(_changes(notification)) if isinstance(notification, dict) else []
        except ValueError:
            return web.json_response({"error": "not JSON"}, status=400)
        for value in values:
            await self._receive(value)
        return web.json_response({"ok": True})

    async def _receive(self, value: dict[str, Any]) -> None:
        names = {str(c.get("wa_id")): str((c.get("profile") or {}).get("name") or "")
                 for c in value.get("contacts") or [] if isinstance(c, dict)}
        for raw in value.get("messages") or []:
            message = inbound_of(raw, names) if isinstance(raw, dict) else None
            if message is not None:
                await self.accept(await self._resolve_button(message))
        for status in value.get("statuses") or []:  # delivery receipts of what we sent
            if isinstance(status, dict) and status.get("id") and status.get("status"):
                await self.store.update_delivery_by_external_id(Channel.WHATSAPP, str(status["id"]),
                                                                str(status["status"])[:16])

    async def _resolve_button(self, message: InboundMessage) -> InboundMessage:
        """A row id too long for WhatsApp travels as "#<index>": look it up in the message replied to."""
        if message.kind is not InboundKind.BUTTON or not (message.payload or "").startswith("#"):
            return message
        context_id = message.extra.get("context_id")
        buttons = await self.store.buttons_of_sent(Channel.WHATSAPP, message.address, context_id) if context_id else ()
        payload = resolve_indexed_payload(message.payload or "", buttons)
        return InboundMessage(message.channel, message.external_id, message.address, message.kind, text=message.text,
                              payload=payload, display_name=message.display_name, extra=message.extra)

    async def deliver(self, address: str, message: BotMessage, message_id: int) -> str | None:
        sent_id = None
        for payload in render_whatsapp(message, address):
            sent_id = await self._post(payload)
        return sent_id

    async def _post(self, payload: dict[str, Any]) -> str | None:
        """POST one message; 5xx, 429 and network errors are retried with backoff."""
        assert self._session is not None
        delay = 0.5
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                async with self._session.post(self.messages_url, json=payload) as answer:
                    data = await answer.json(content_type=None)
                    if answer.status == 200:
                        return str(((data or {}).get("messages") or [{}])[0].get("id") or "") or None
                    error = GraphApiError(answer.status, str(((data or {}).get("error") or {}).get("message")))
                    if answer.status != 429 and answer.status < 500:
                        raise DeliveryFailed(str(error))
                    wait = float(answer.headers.get("Retry-After") or delay)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as problem:
                error, wait = GraphApiError(0, f"{type(problem).__name__}: {problem}"), delay
            if attempt == SEND_ATTEMPTS:
                raise DeliveryFailed(str(error))
            log.info("Graph API attempt %d failed (%s); retrying in %.1f s", attempt, error, wait)
            await asyncio.sleep(min(wait, 30.0))
            delay *= 2
        raise DeliveryFailed("unreachable")
