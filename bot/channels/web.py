"""The web chat: the page (``/chat``, embeddable in an iframe) and its websocket (``/web/socket``).

The page keeps a random session id in the browser; the session id is the citizen's address on
this channel. Every citizen message is acknowledged once stored; bot messages go to every open
tab of the session, and what was sent while no tab was open arrives with the history on the
next connection.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from bot.channels.base import NotConnected
from bot.messages import BotMessage, Channel, InboundKind, InboundMessage
from bot.rendering import render_web
from bot.store.statuses import DeliveryStatus
from bot.store.transcripts import TranscriptEntry, TranscriptStore

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "web_static"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_FRAME_BYTES = 64 * 1024
SHOWN_AS = {"citizen": "citizen", "agent": "agent"}  # bot and gateway ("system") messages look alike
Accept = Callable[[InboundMessage], Awaitable[Any]]


def entry_json(entry: TranscriptEntry) -> dict[str, Any]:
    """A transcript line for the page; a citizen's line carries the page's own id of it (``client_id``),
    so a message whose acknowledgement was lost is recognised and not sent twice."""
    shown = {"type": "message", "id": entry.id, "from": SHOWN_AS.get(entry.sender, "bot"), "text": entry.text,
             "buttons": [{"title": b.title, "payload": b.payload} for b in entry.buttons]}
    if entry.sender == "citizen" and entry.external_id and ":" in entry.external_id:
        shown["client_id"] = entry.external_id.split(":", 1)[1]
    return shown


class WebChannel:
    """Serves the chat page and its websockets; delivers to the open tabs of a session."""

    def __init__(self, store: TranscriptStore, accept: Accept) -> None:
        self.store = store
        self.accept = accept
        self._sockets: dict[str, set[web.WebSocketResponse]] = {}

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/chat", self.page)
        app.router.add_get("/web/socket", self.socket)
        app.router.add_static("/chat/static", STATIC, append_version=False)

    async def page(self, _request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "chat.html", headers={"Cache-Control": "no-cache"})

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        session = request.query.get("session", "")
        if not SESSION_ID.match(session):
            raise web.HTTPBadRequest(text="a session id of 8-64 letters, digits, '-' or '_' is required")
        ws = web.WebSocketResponse(heartbeat=25, max_msg_size=MAX_FRAME_BYTES)
        await ws.prepare(request)
        self._sockets.setdefault(session, set()).add(ws)
        try:
            await self._send_history(session, ws)
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    await self._on_frame(session, ws, frame.data)
        finally:
            tabs = self._sockets.get(session, set())
            tabs.discard(ws)
            if not tabs:
                self._sockets.pop(session, None)
        return ws

    async def _send_history(self, session: str, ws: web.WebSocketResponse) -> None:
        pending = await self.store.pending_outbound(Channel.WEB, session)
        history = await self.store.transcript_of_address(Channel.WEB, session)
        await ws.send_json({"type": "history", "messages": [entry_json(entry) for entry in history]})
        for message_id in pending:
            await self.store.set_delivery(message_id, DeliveryStatus.SENT, external_id=str(message_id))

    async def _on_frame(self, session: str, ws: web.WebSocketResponse, data: str) -> None:
        try:
            frame = json.loads(data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or frame.get("type") != "message":
            await ws.send_json({"type": "error", "text": "Pesan tidak dapat dibaca. Silakan coba lagi."})
            return
        client_id, text, payload = frame.get("id"), frame.get("text"), frame.get("payload")
        if not isinstance(client_id, str) or not CLIENT_ID.match(client_id) or not isinstance(text, str):
            await ws.send_json({"type": "error", "text": "Pesan tidak dapat dibaca. Silakan coba lagi."})
            return
        is_button = isinstance(payload, str) and bool(payload)
        if not is_button and not text.strip():
            await ws.send_json({"type": "ack", "id": client_id})
            return
        message = InboundMessage(Channel.WEB, f"{session}:{client_id}", session,
                                 InboundKind.BUTTON if is_button else InboundKind.TEXT,
                                 text=text, payload=payload if is_button else None)
        stored = await self.accept(message)
        await ws.send_json({"type": "ack", "id": client_id})
        if stored is not None:
            await self._broadcast(session, {"type": "typing"})

    async def deliver(self, address: str, message: BotMessage, message_id: int) -> str | None:
        if not self._sockets.get(address):
            raise NotConnected(address)
        await self._broadcast(address, {"type": "message", "id": message_id, "from": "bot", **render_web(message)})
        return str(message_id)

    async def _broadcast(self, session: str, frame: dict[str, Any]) -> None:
        for ws in list(self._sockets.get(session, ())):
            try:
                await ws.send_json(frame)
            except (ConnectionError, RuntimeError):  # a tab closing right now
                log.debug("web tab of a session went away while sending")
