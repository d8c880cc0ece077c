"""A citizen on Telegram, for tests: sends updates to the gateway's webhook, reads what the fake
Bot API received."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import ApiCall, FakeTelegramApi, deliver_webhook
from test_support.gateway_server import TELEGRAM_SECRET, Gateway

_chat_ids = itertools.count(700_000_001)


@dataclass
class TelegramCitizen:
    gateway: Gateway
    api: InThread[FakeTelegramApi]
    chat_id: int = field(default_factory=lambda: next(_chat_ids))
    seen: int = 0

    @property
    def webhook(self) -> str:
        return f"{self.gateway.url}/telegram/webhook"

    async def post(self, update: dict[str, Any], secret: str | None = TELEGRAM_SECRET) -> tuple[int, float]:
        """Deliver one update as Telegram would; returns the HTTP status and the seconds it took."""
        return await deliver_webhook(self.webhook, update, secret_token=secret)

    async def replies(self, count: int, timeout: float = 20.0) -> list[ApiCall]:
        """Wait for ``count`` more messages to this chat and return them."""
        sent = await self.api.call(self.api.server.wait_for_messages(self.chat_id, self.seen + count, timeout))
        new, self.seen = sent[self.seen:], len(sent)
        return new

    def sent_so_far(self) -> list[ApiCall]:
        return self.api.server.sent_messages(self.chat_id)


def text_of(call: ApiCall) -> str:
    return str(call.params.get("text") or "")


def buttons_of(call: ApiCall) -> list[dict[str, str]]:
    markup = call.params.get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]
