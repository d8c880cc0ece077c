"""A citizen on WhatsApp, for tests: signed webhook notifications in, the fake Graph API out."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from test_support.fakes.graph_api import FakeGraphApi, deliver_webhook
from test_support.fakes.in_thread import InThread
from test_support.gateway_server import WHATSAPP_APP_SECRET, Gateway

_numbers = itertools.count(6281_2000_0001)


@dataclass
class WhatsAppCitizen:
    gateway: Gateway
    api: InThread[FakeGraphApi]
    wa_id: str = field(default_factory=lambda: str(next(_numbers)))
    seen: int = 0

    @property
    def webhook(self) -> str:
        return f"{self.gateway.url}/whatsapp/webhook"

    async def post(self, payload: dict[str, Any], forge: bool = False) -> tuple[int, float]:
        return await deliver_webhook(self.webhook, payload, WHATSAPP_APP_SECRET, forge=forge)

    async def replies(self, count: int, timeout: float = 20.0) -> list[dict[str, Any]]:
        """Wait for ``count`` more messages to this number and return their Graph API payloads."""
        sent = await self.api.call(self.api.server.wait_for_messages(self.wa_id, self.seen + count, timeout))
        new, self.seen = sent[self.seen:], len(sent)
        return new


def text_of(payload: dict[str, Any]) -> str:
    if payload["type"] == "text":
        return str(payload["text"]["body"])
    return str(payload["interactive"]["body"]["text"])


def choices_of(payload: dict[str, Any]) -> list[dict[str, str]]:
    """Reply buttons or list rows as {"id", "title"}."""
    if payload["type"] != "interactive":
        return []
    action = payload["interactive"]["action"]
    if payload["interactive"]["type"] == "button":
        return [button["reply"] for button in action["buttons"]]
    return [row for section in action["sections"] for row in section["rows"]]
