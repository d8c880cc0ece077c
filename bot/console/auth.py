"""Console login, sessions and CSRF: the cookie carries a random token (HttpOnly, SameSite=Strict);
every state-changing call must also send the session's CSRF token in a header."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.store.agents import Agents, ConsoleSession
from bot.store.login_failures import LoginFailures

COOKIE = "mpp_console"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
Handler = Callable[[web.Request, ConsoleSession], Awaitable[web.StreamResponse]]


def api_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


class ConsoleAuth:
    def __init__(self, agents: Agents, failures: LoginFailures, secure_cookie: bool = False) -> None:
        self.agents = agents
        self.failures = failures  # in the database: every gateway worker counts every failure
        self.secure_cookie = secure_cookie

    async def session_of(self, request: web.Request) -> ConsoleSession | None:
        token = request.cookies.get(COOKIE)
        return await self.agents.session(token) if token else None

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
        if await self.failures.locked(username):
            raise web.HTTPSeeOther("/console/login?error=locked")
        result = await self.agents.login(username, password) if username and password else None
        if result is None:
            await self.failures.failed(username)
            raise web.HTTPSeeOther("/console/login?error=1")
        await self.failures.succeeded(username)
        token, _session = result
        response = web.HTTPSeeOther("/console")
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", path="/console",
                            secure=self.secure_cookie)
        raise response

    async def logout(self, request: web.Request, _session: ConsoleSession) -> web.StreamResponse:
        token = request.cookies.get(COOKIE)
        if token:
            await self.agents.logout(token)
        response = web.Response(status=204)
        response.del_cookie(COOKIE, path="/console")
        return response

    def api(self, handler: Handler, supervisor: bool = False) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Wrap an API handler: a live session, the CSRF header on writes, the supervisor role if asked."""
        async def guarded(request: web.Request) -> web.StreamResponse:
            session = await self.session_of(request)
            if session is None:
                return api_error(401, "session_expired", "Sesi berakhir. Silakan masuk kembali.")
            if request.method not in SAFE_METHODS and not hmac.compare_digest(
                    request.headers.get(CSRF_HEADER, "").encode(), session.csrf.encode()):
                return api_error(403, "csrf", "Permintaan ditolak (token CSRF). Muat ulang halaman.")
            if supervisor and not session.agent.is_supervisor:
                return api_error(403, "forbidden", "Hanya supervisor yang dapat melakukan ini.")
            return await handler(request, session)
        return guarded
