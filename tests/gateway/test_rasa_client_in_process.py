"""The gateway's Rasa client (bot/rasa_client.py) against tiny local HTTP servers: the token, what a
turn becomes, which failures another server may take (refused, 502-504) and which it may not (an
error answer, a timeout: the turn may have started), tracker events, requests in flight."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from aiohttp import web

from bot.messages import BotMessage, Button
from bot.rasa_client import RasaClient, RasaUnavailable, RasaUnreachable
from test_support.fakes.local_server import LocalServer

TOKEN = "rahasia-kanal-gateway"
TURN = {"messages": [{"text": "Halo, ada yang bisa dibantu?", "buttons": [{"title": "Menu", "payload": "/greet"}]},
                     {"text": "  "}, {"image": "https://example.org/peta.png"}],
        "nlu": {"intent": "greet", "confidence": 0.97, "entities": [{"entity": "region", "value": "tegal"}]},
        "paused": True, "handoff_reason": "request_human"}


class FakeRasaServer(LocalServer):
    """Answers every request with ``status`` and ``body`` after ``delay_s``, and records it."""

    def __init__(self, status: int = 200, body: dict[str, Any] | None = None, delay_s: float = 0.0) -> None:
        self.status, self.body, self.delay_s = status, body if body is not None else TURN, delay_s
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []  # path, query, headers, JSON
        self.in_flight = self.most_in_flight = 0

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append((request.path, request.query_string, dict(request.headers), await request.json()))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.in_flight -= 1
        return web.json_response(self.body, status=self.status)


def closed_port_url() -> str:
    """A local address where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def client(*urls: str, **options: Any) -> RasaClient:
    rasa = RasaClient(",".join(urls), **options)
    await rasa.start()
    return rasa


async def test_a_turn_carries_the_token_and_comes_back_as_messages_and_what_was_understood() -> None:
    async with FakeRasaServer() as server:
        rasa = await client(server.origin, token=TOKEN)
        try:
            turn = await rasa.send("abc123", "halo", message_id="42", metadata={"channel": "telegram"})
        finally:
            await rasa.close()
    [(path, _, headers, body)] = server.requests
    assert path == "/webhooks/gateway/webhook"
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert body == {"sender": "abc123", "message": "halo", "message_id": "42", "metadata": {"channel": "telegram"}}
    assert turn.messages == [BotMessage("Halo, ada yang bisa dibantu?", (Button("Menu", "/greet"),)),
                             BotMessage("", image="https://example.org/peta.png")]  # the blank one is dropped
    assert (turn.intent, turn.confidence, turn.entities) == ("greet", 0.97, [{"entity": "region", "value": "tegal"}])
    assert turn.paused and turn.handoff_reason == "request_human"


async def test_without_a_token_no_authorization_header_is_sent() -> None:
    async with FakeRasaServer() as server:
        rasa = await client(server.origin)
        try:
            await rasa.send("abc123", "halo", message_id="1")
        finally:
            await rasa.close()
    assert "Authorization" not in server.requests[0][2]


async def test_an_error_answer_is_not_transient_and_no_other_server_gets_the_turn() -> None:
    async with FakeRasaServer(status=500, body={}) as first, FakeRasaServer(status=500, body={}) as second:
        rasa = await client(first.origin, second.origin)
        try:
            with pytest.raises(RasaUnavailable) as raised:
                await rasa.send("abc123", "halo", message_id="1")
        finally:
            await rasa.close()
    assert not raised.value.transient and not isinstance(raised.value, RasaUnreachable)
    assert len(first.requests) + len(second.requests) == 1


@pytest.mark.parametrize("down", ["refused", "503"])
async def test_a_server_that_cannot_take_the_turn_is_skipped_at_once_and_then_avoided(down: str) -> None:
    async with FakeRasaServer(status=503, body={}) as loading, FakeRasaServer() as answering:
        unusable = closed_port_url() if down == "refused" else loading.origin
        rasa = await client(unusable, answering.origin)
        try:
            # a conversation whose own server is the unusable one
            sender = next(f"s{n}" for n in range(100) if rasa.order_for(f"s{n}")[0].base_url == unusable)
            turn = await rasa.send(sender, "halo", message_id="1")
            assert turn.intent == "greet"
            assert [server.base_url for server in rasa.order_for(sender)] == [answering.origin, unusable]
            asked_before = len(loading.requests)
            await rasa.send(sender, "lagi", message_id="2")
            assert len(loading.requests) == asked_before  # avoided for a while
        finally:
            await rasa.close()
    assert len(answering.requests) == 2


async def test_every_server_unreachable_raises_unreachable() -> None:
    rasa = await client(closed_port_url(), closed_port_url())
    try:
        with pytest.raises(RasaUnreachable) as raised:
            await rasa.send("abc123", "halo", message_id="1")
    finally:
        await rasa.close()
    assert raised.value.transient


async def test_a_timeout_is_transient_and_not_tried_on_another_server() -> None:
    async with FakeRasaServer(delay_s=0.5) as slow, FakeRasaServer(delay_s=0.5) as also_slow:
        rasa = await client(slow.origin, also_slow.origin, timeout_s=0.1)
        try:
            with pytest.raises(RasaUnavailable) as raised:
                await rasa.send("abc123", "halo", message_id="1")
        finally:
            await rasa.close()
    assert raised.value.transient and not isinstance(raised.value, RasaUnreachable)  # it may have started there
    assert len(slow.requests) + len(also_slow.requests) == 1


async def test_at_most_max_in_flight_turns_reach_a_server_at_once() -> None:
    async with FakeRasaServer(delay_s=0.05) as server:
        rasa = await client(server.origin, max_in_flight=2)
        try:
            await asyncio.gather(*(rasa.send(f"s{n}", "halo", message_id=str(n)) for n in range(6)))
        finally:
            await rasa.close()
    assert len(server.requests) == 6
    assert server.most_in_flight == 2


async def test_tracker_events_are_posted_to_the_conversation_and_a_refusal_raises() -> None:
    events: list[dict[str, Any]] = [{"event": "resume"}, {"event": "slot", "name": "handed_off", "value": True}]
    async with FakeRasaServer(body={}) as server:
        rasa = await client(server.origin, token=TOKEN)
        try:
            await rasa.post_events("abc123", events)
            server.status = 404
            with pytest.raises(RasaUnavailable):
                await rasa.post_events("abc123", events)
        finally:
            await rasa.close()
    path, query, headers, body = server.requests[0]
    assert (path, query, body) == ("/conversations/abc123/tracker/events", "include_events=NONE", events)
    assert headers["Authorization"] == f"Bearer {TOKEN}"
