"""The gateway's Rasa input channel (loaded by the Rasa server from credentials.yml).

``POST /webhooks/gateway/webhook`` takes ``{"sender", "message", "message_id", "metadata"}`` and
answers, in one call, the bot messages *and* the turn's NLU result and whether the conversation
is paused (handed to a person) — what the gateway's transcripts need. Rasa's REST channel returns
only the messages.
"""

from __future__ import annotations

import hmac
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.exceptions
import sqlalchemy.exc
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.lock_store import LockError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa_server.turn_capture import capturing_turn

log = logging.getLogger(__name__)
MAX_TEXT_CHARS = 4000
# The lock store's and tracker store's connection failures (not bugs: they pass when the server is back).
STORE_OUTAGES: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError, LockError)


class GatewayInput(InputChannel):
    """Rasa side of the gateway; ``token`` (optional) must match the ``Authorization: Bearer`` header."""

    @classmethod
    def name(cls) -> str:
        return "gateway"

    def __init__(self, token: str | None = None) -> None:
        self.token = token or None

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> GatewayInput:
        return cls(token=(credentials or {}).get("token"))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"gateway_webhook_{id(self)}", inspect.getmodule(self).__name__)  # type: ignore[union-attr]

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.token and not hmac.compare_digest(request.headers.get("Authorization", "").encode(),
                                                      f"Bearer {self.token}".encode()):
                return response.json({"error": "unauthorized"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            sender, text = body.get("sender"), body.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "sender and message (strings) are required"}, status=400)
            message_id = body.get("message_id")
            collector = CollectingOutputChannel()
            user_message = UserMessage(
                text[:MAX_TEXT_CHARS], collector, sender, input_channel=self.name(),
                message_id=str(message_id) if message_id is not None else None,
                metadata=body.get("metadata") if isinstance(body.get("metadata"), dict) else None,
            )
            with capturing_turn() as capture:
                try:
                    await on_new_message(user_message)
                except STORE_OUTAGES as outage:
                    # Redis (locks) or PostgreSQL (trackers) down or restarting: nothing of this turn was
                    # kept, so the gateway may send it again later — 503 tells it to (500 would not).
                    log.warning("turn not processed, a store is unavailable: %s", type(outage).__name__)
                    return response.json({"error": "store unavailable"}, status=503)
            tracker = capture.tracker
            if tracker is None or tracker.sender_id != sender:
                tracker = await request.app.ctx.agent.processor.get_tracker(sender)
            return response.json(turn_answer(collector.messages, tracker, user_message.message_id))

        return webhook


def turn_answer(messages: list[dict[str, Any]], tracker: Any, message_id: str | None) -> dict[str, Any]:
    """The channel's answer: bot messages, the NLU result of this turn's user message, paused or not."""
    latest = tracker.latest_message
    parse = latest.parse_data if latest is not None and latest.message_id == message_id else {}
    intent = parse.get("intent") or {}
    entities = [
        {key: entity.get(key) for key in ("entity", "value", "start", "end", "confidence_entity", "extractor")}
        for entity in parse.get("entities") or []
    ]
    return {
        "messages": messages,
        "nlu": {"intent": intent.get("name"), "confidence": intent.get("confidence"), "entities": entities},
        "paused": bool(tracker.is_paused()),
        "handoff_reason": tracker.get_slot("handoff_reason") if tracker.is_paused() else None,
    }
