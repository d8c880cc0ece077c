"""The part every fake shares: one catch-all aiohttp handler on 127.0.0.1 and a free port."""

from __future__ import annotations

from typing import TypeVar

from aiohttp import web

Self = TypeVar("Self", bound="LocalServer")


class LocalServer:
    """Serves ``self._handle`` for every path; ``async with`` starts and stops it."""

    _runner: web.AppRunner | None = None
    _port: int = 0

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        raise NotImplementedError

    async def start(self: Self) -> Self:
        app = web.Application()
        app.router.add_route("*", "/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self: Self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        assert self._port, f"{type(self).__name__} not started"
        return self._port

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"
