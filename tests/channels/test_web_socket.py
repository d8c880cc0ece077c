"""The web chat's websocket protocol, as the page uses it (the page itself: tests/e2e)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import aiohttp
import pytest

from test_support.gateway_server import Gateway

pytestmark = pytest.mark.slow


async def frames_until(ws: aiohttp.ClientWebSocketResponse, kind: str, timeout: float = 20) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["type"] != kind:
        seen.append(await asyncio.wait_for(ws.receive_json(), timeout))
    return seen


async def test_answers_written_while_the_page_was_closed_arrive_with_the_history(gateway: Gateway) -> None:
    session = f"test-{uuid.uuid4().hex}"
    url = f"{gateway.url}/web/socket?session={session}"
    async with aiohttp.ClientSession() as http:
        async with http.ws_connect(url) as ws:
            assert (await ws.receive_json()) == {"type": "history", "messages": []}
            await ws.send_json({"type": "message", "id": "c1", "text": "syarat pindah domisili"})
            assert (await frames_until(ws, "ack"))[-1]["id"] == "c1"
        # the page is closed before the answer comes
        await asyncio.sleep(3)
        async with http.ws_connect(url) as ws:
            history = await ws.receive_json()
            assert history["type"] == "history"
            lines = [(m["from"], m.get("client_id")) for m in history["messages"]]
            assert lines[0] == ("citizen", "c1")
            assert ("bot", None) in lines[1:]
            await ws.send_json({"type": "message", "id": "c1", "text": "syarat pindah domisili"})  # a resend
            assert (await frames_until(ws, "ack"))[-1]["id"] == "c1"
            await asyncio.sleep(1.5)
            extra = []
            while True:
                try:
                    extra.append(await asyncio.wait_for(ws.receive_json(), 0.2))
                except asyncio.TimeoutError:
                    break
            assert [frame for frame in extra if frame["type"] == "message"] == []


async def test_bad_frames_get_an_error_and_the_socket_stays_usable(gateway: Gateway) -> None:
    url = f"{gateway.url}/web/socket?session=test-{uuid.uuid4().hex}"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await ws.receive_json()
        for bad in ("not json", '{"type": "message"}', '{"type": "message", "id": "../x", "text": "hi"}', "[]"):
            await ws.send_str(bad)
            frame = await ws.receive_json()
            assert frame["type"] == "error" and "tidak dapat dibaca" in frame["text"]
        await ws.send_json({"type": "message", "id": "ok1", "text": "halo"})
        frames = await frames_until(ws, "message")
        assert "Bapak/Ibu" in frames[-1]["text"]


async def test_a_huge_text_is_cut_and_the_citizen_is_told(gateway: Gateway) -> None:
    url = f"{gateway.url}/web/socket?session=test-{uuid.uuid4().hex}"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await ws.receive_json()
        await ws.send_json({"type": "message", "id": "big", "text": "syarat ktp " + "tolong " * 3000})
        frames = await frames_until(ws, "message")
        assert "terlalu panjang" in frames[-1]["text"]
        frames = await frames_until(ws, "message")
        assert frames[-1]["text"]


async def test_a_session_id_is_required(gateway: Gateway) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{gateway.url}/web/socket?session=x") as answer:
        assert answer.status == 400


async def test_the_chat_page_is_served(gateway: Gateway) -> None:
    async with aiohttp.ClientSession() as http, http.get(f"{gateway.url}/") as answer:
        assert answer.status == 200
        assert "Asisten MPP Digital" in await answer.text()
