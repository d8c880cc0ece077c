"""The console's pages, JSON API and websocket (contract: docs/console-api.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from bot.console.audience import may_see
from bot.console.auth import ConsoleAuth, api_error
from bot.console.hub import ConsoleHub
from bot.handoff.service import HandoffService
from bot.store.agents import Agents, ConsoleSession
from bot.store.handoff import ConversationView, HandoffStore, NoteView, TranscriptLine, Transition
from bot.store.models import utc_now
from bot.store.statuses import ConversationStatus

STATIC = Path(__file__).resolve().parent / "static"
MAX_TEXT = 4000


def _iso(moment: datetime | None) -> str | None:
    return moment.replace(tzinfo=timezone.utc).isoformat(timespec="seconds") if moment else None


def _who(pair: tuple[int, str] | None) -> dict[str, Any] | None:
    return {"id": pair[0], "name": pair[1]} if pair else None


class ConsoleApi:
    def __init__(self, auth: ConsoleAuth, agents: Agents, store: HandoffStore, handoff: HandoffService,
                 hub: ConsoleHub, alert_after_s: float) -> None:
        self.auth = auth
        self.agents = agents
        self.store = store
        self.handoff = handoff
        self.hub = hub
        self.alert_after_s = alert_after_s

    def add_routes(self, app: web.Application) -> None:
        api, sup = self.auth.api, (lambda handler: self.auth.api(handler, supervisor=True))
        app.router.add_get("/console/login", self.login_page)
        app.router.add_post("/console/login", self.auth.login)
        app.router.add_post("/console/logout", api(self.auth.logout))
        app.router.add_get("/console", self.page)
        app.router.add_static("/console/static", STATIC, append_version=False)
        app.router.add_get("/console/socket", self.socket)
        app.router.add_get("/console/api/me", api(self.me))
        app.router.add_get("/console/api/conversations", api(self.conversations))
        app.router.add_get("/console/api/conversations/{id}", api(self.conversation))
        app.router.add_post("/console/api/conversations/{id}/claim", api(self.claim))
        app.router.add_post("/console/api/conversations/{id}/reply", api(self.reply))
        app.router.add_post("/console/api/conversations/{id}/notes", api(self.note))
        app.router.add_post("/console/api/conversations/{id}/transfer", api(self.transfer))
        app.router.add_post("/console/api/conversations/{id}/resolve", api(self.resolve))
        app.router.add_post("/console/api/conversations/{id}/takeover", sup(self.takeover))
        app.router.add_get("/console/api/agents", api(self.agent_list))
        app.router.add_get("/console/api/canned", api(self.canned))
        app.router.add_post("/console/api/canned", api(self.canned_save))
        app.router.add_put(r"/console/api/canned/{canned_id:\d+}", api(self.canned_save))
        app.router.add_delete(r"/console/api/canned/{canned_id:\d+}", api(self.canned_delete))

    # -- pages ----------------------------------------------------------------------------------------

    async def login_page(self, _request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "login.html", headers={"Cache-Control": "no-cache"})

    async def page(self, request: web.Request) -> web.StreamResponse:
        if await self.auth.session_of(request) is None:
            raise web.HTTPSeeOther("/console/login")
        return web.FileResponse(STATIC / "console.html", headers={"Cache-Control": "no-cache"})

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        session = await self.auth.session_of(request)
        if session is None:
            raise web.HTTPUnauthorized(text="session expired")
        ws = web.WebSocketResponse(heartbeat=20)
        await ws.prepare(request)
        await self.hub.connected(session.agent, ws)
        try:
            await ws.send_json({"type": "hello", "agent": self._agent_json(session)})
            async for frame in ws:
                if frame.type == WSMsgType.ERROR:
                    break
        finally:
            await self.hub.disconnected(session.agent, ws)
        return ws

    # -- JSON -------------------------------------------------------------------------------------------

    def _agent_json(self, session: ConsoleSession) -> dict[str, Any]:
        agent = session.agent
        return {"id": agent.id, "username": agent.username, "name": agent.name, "role": agent.role}

    def _view_json(self, view: ConversationView) -> dict[str, Any]:
        waiting = view.waiting_s(utc_now())
        return {"id": view.id, "status": view.status.value, "channel": view.channel, "citizen": view.citizen,
                "reason": view.reason, "queued_at": _iso(view.queued_at), "waiting_s": waiting,
                "overdue": waiting is not None and waiting > self.alert_after_s,
                "assigned_to": _who(view.assigned_to), "last_message": view.last_message,
                "last_message_at": _iso(view.last_message_at)}

    @staticmethod
    def _line_json(line: TranscriptLine) -> dict[str, Any]:
        return {"id": line.id, "sender": line.sender, "agent": _who(line.agent), "text": line.text,
                "intent": line.intent, "confidence": line.confidence, "status": line.status,
                "channel": line.channel, "created_at": _iso(line.created_at)}

    @staticmethod
    def _note_json(note: NoteView) -> dict[str, Any]:
        return {"id": note.id, "agent": _who(note.agent), "text": note.text, "created_at": _iso(note.created_at)}

    async def me(self, _request: web.Request, session: ConsoleSession) -> web.Response:
        return web.json_response({**self._agent_json(session), "csrf": session.csrf})

    async def conversations(self, _request: web.Request, session: ConsoleSession) -> web.Response:
        views = await self.store.visible_to(session.agent)
        return web.json_response({"conversations": [self._view_json(view) for view in views]})

    async def _visible(self, request: web.Request, session: ConsoleSession) -> ConversationView | web.Response:
        view = await self.store.view(request.match_info["id"])
        if view is None:
            return api_error(404, "not_found", "Percakapan tidak ditemukan.")
        if not may_see(session.agent, view):
            return api_error(403, "forbidden", "Percakapan ini ditangani petugas lain.")
        return view

    async def conversation(self, request: web.Request, session: ConsoleSession) -> web.Response:
        view = await self._visible(request, session)
        if isinstance(view, web.Response):
            return view
        lines = await self.store.transcript(view.id)
        notes = await self.store.notes(view.id)
        return web.json_response({"conversation": self._view_json(view),
                                  "messages": [self._line_json(line) for line in lines],
                                  "notes": [self._note_json(note) for note in notes]})

    def _moved(self, moved: Transition, failure: web.Response) -> web.Response:
        if moved.changed and moved.view is not None:
            return web.json_response(self._view_json(moved.view))
        return failure

    async def claim(self, request: web.Request, session: ConsoleSession) -> web.Response:
        # no visibility check: the loser of a claim race must hear "already claimed" (409), not 403
        view = await self.store.view(request.match_info["id"])
        if view is None:
            return api_error(404, "not_found", "Percakapan tidak ditemukan.")
        moved = await self.handoff.claim(view.id, session.agent)
        current = moved.view.assigned_to if moved.view else None
        return self._moved(moved, web.json_response(
            {"error": "already_claimed", "message": "Percakapan ini sudah diambil petugas lain.",
             "assigned_to": _who(current)}, status=409))

    async def _text(self, request: web.Request) -> str | web.Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        text = body.get("text") if isinstance(body, dict) else None
        if not isinstance(text, str) or not text.strip():
            return api_error(400, "empty", "Teks tidak boleh kosong.")
        if len(text) > MAX_TEXT:
            return api_error(413, "too_long", f"Teks paling banyak {MAX_TEXT} karakter.")
        return text.strip()

    def _handles(self, session: ConsoleSession, view: ConversationView) -> bool:
        return (view.status == ConversationStatus.ASSIGNED and view.assigned_to is not None
                and view.assigned_to[0] == session.agent.id)

    async def reply(self, request: web.Request, session: ConsoleSession) -> web.Response:
        view = await self._visible(request, session)
        if isinstance(view, web.Response):
            return view
        if not self._handles(session, view):
            return api_error(403, "not_assigned", "Ambil percakapan ini dulu sebelum membalas.")
        text = await self._text(request)
        if isinstance(text, web.Response):
            return text
        message_id = await self.handoff.reply(view.id, session.agent, text)
        line = next((line for line in await self.store.transcript(view.id) if line.id == message_id), None)
        if line is None:
            return api_error(409, "no_channel", "Warga belum pernah menulis di percakapan ini.")
        return web.json_response(self._line_json(line), status=201)

    async def note(self, request: web.Request, session: ConsoleSession) -> web.Response:
        view = await self._visible(request, session)
        if isinstance(view, web.Response):
            return view
        text = await self._text(request)
        if isinstance(text, web.Response):
            return text
        note = await self.store.add_note(view.id, session.agent, text)
        await self.handoff.conversation_changed(view.id)
        return web.json_response(self._note_json(note), status=201)

    async def transfer(self, request: web.Request, session: ConsoleSession) -> web.Response:
        view = await self._visible(request, session)
        if isinstance(view, web.Response):
            return view
        try:
            body = await request.json()
            to_agent = int(body["agent_id"])
        except (ValueError, KeyError, TypeError):
            return api_error(400, "agent_id", "Pilih petugas tujuan.")
        if to_agent not in {agent.id for agent in await self.agents.all()}:
            return api_error(400, "agent_id", "Petugas tujuan tidak dikenal.")
        moved = await self.handoff.transfer(view.id, session.agent, to_agent)
        return self._moved(moved, api_error(409, "not_assigned", "Percakapan ini tidak sedang Anda tangani."))

    async def resolve(self, request: web.Request, session: ConsoleSession) -> web.Response:
        view = await self._visible(request, session)
        if isinstance(view, web.Response):
            return view
        moved = await self.handoff.resolve(view.id, session.agent)
        return self._moved(moved, api_error(409, "not_assigned", "Percakapan ini tidak sedang Anda tangani."))

    async def takeover(self, request: web.Request, session: ConsoleSession) -> web.Response:
        moved = await self.handoff.takeover(request.match_info["id"], session.agent)
        return self._moved(moved, api_error(404, "not_found", "Percakapan tidak ditemukan."))

    async def agent_list(self, _request: web.Request, _session: ConsoleSession) -> web.Response:
        active, online = await self.store.active_counts(), await self.hub.online_ids()
        return web.json_response({"agents": [
            {"id": agent.id, "name": agent.name, "role": agent.role, "online": agent.id in online,
             "active": active.get(agent.id, 0)} for agent in await self.agents.all()]})

    async def canned(self, _request: web.Request, _session: ConsoleSession) -> web.Response:
        return web.json_response({"canned": [{"id": c.id, "title": c.title, "text": c.text}
                                             for c in await self.store.canned()]})

    async def canned_save(self, request: web.Request, _session: ConsoleSession) -> web.Response:
        try:
            body = await request.json()
            title, text = str(body["title"]).strip(), str(body["text"]).strip()
        except (ValueError, KeyError, TypeError):
            title = text = ""
        if not title or not text or len(title) > 100 or len(text) > MAX_TEXT:
            return api_error(400, "invalid", "Judul (maks. 100) dan teks balasan wajib diisi.")
        canned_id = request.match_info.get("canned_id")
        saved = await self.store.save_canned(title, text, int(canned_id) if canned_id else None)
        if saved is None:
            return api_error(404, "not_found", "Balasan cepat tidak ditemukan.")
        return web.json_response({"id": saved.id, "title": saved.title, "text": saved.text},
                                 status=200 if canned_id else 201)

    async def canned_delete(self, request: web.Request, _session: ConsoleSession) -> web.Response:
        deleted = await self.store.delete_canned(int(request.match_info["canned_id"]))
        return web.Response(status=204) if deleted else api_error(404, "not_found", "Balasan cepat tidak ditemukan.")
