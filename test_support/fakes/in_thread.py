"""Runs a fake (or any async server) on its own event-loop thread.

The gateway is another process: it calls the fake Bot API or Graph API while a synchronous test
runs or between tests, when pytest's event loop is idle, so the fakes must not live on that loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Generic, Protocol, TypeVar

R = TypeVar("R")


class Startable(Protocol):
    async def start(self) -> Any: ...

    async def stop(self) -> None: ...


S = TypeVar("S", bound=Startable)


class InThread(Generic[S]):
    """``InThread(FakeTelegramApi(...))``: started at once; ``await runner.call(fake.wait_for_messages(...))``."""

    def __init__(self, server: S) -> None:
        self.server = server
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name=type(server).__name__, daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(server.start(), self._loop).result(timeout=10)

    def call(self, coroutine: Coroutine[Any, Any, R]) -> Awaitable[R]:
        """Run ``coroutine`` on the server's loop; await the result from any other loop."""
        return asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coroutine, self._loop))

    def do(self, change: Callable[[], R]) -> R:
        """Call ``change()`` on the server's loop (to flip a knob safely) and return its result."""
        async def run() -> R:
            return change()
        return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=10)

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
