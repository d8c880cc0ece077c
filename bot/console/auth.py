"""Console login, sessions and CSRF: the cookie carries a random token (HttpOnly, SameSite=Strict);
every state-changing call must also send the session's CSRF token in a header."""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from bot.store.agents import Agents, ConsoleSession

COOKIE = "mpp_console"
CSRF_HEADER = "X-CSRF-Token"
MAX_FAILURES = 5
FAILURE_WINDOW_S = 300.0
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
Handler = Callable[[web.Request, ConsoleSession], Awaitable[web.StreamResponse]]


def api_error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


@dataclass
class LoginThrottle:
    """At most ``MAX_FAILURES`` wrong passwords per username in ``FAILURE_WINDOW_S`` (per gateway process)."""

    failures: dict[str, deque[float]] = field(default_factory=dict)

    def locked(self, username: str) -> bool:
        recent = self.failures.get(username.lower(), deque())
        cutoff = time.monotonic() - FAILURE_WINDOW_S
        while recent and recent[0] < cutoff:
            recent.popleft()
        return len(recent) >= MAX_FAILURES

    def failed(self, username: str) -> None:
        self.failures.setdefault(username.lower(), deque()).append(time.monotonic())

    def succeeded(self, username: str) -> None:
        self.failures.pop(username.lower(), None)


class ConsoleAuth:
    def __init__(self, agents: Agents, secure_cookie: bool = False) -> None:
        self.agents = agents
        self.secure_cookie = secure_cookie
        self.throttle = LoginThrottle()

    async def session_of(self, request: web.Request) -> ConsoleSession | None:
        token = request.cookies.get(COOKIE)
        return await self.agents.session(token) if token else None

    async def login(self, request: web.Request) -> web.Response:
        form = await request.post()
        username, password = str(form.get("username", "")).strip(), str(form.get("password", ""))
        if self.throttle.locked(username):
            raise web.HTTPSeeOther("/console/login?error=locked")
        result = await self.agents.login(username, password) if username and password else None
        if result is None:
            self.throttle.failed(username)
            raise web.HTTPSeeOther("/console/login?error=1")
        self.throttle.succeeded(username)
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
