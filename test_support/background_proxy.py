"""A FaultProxy on its own event-loop thread, so that it serves whatever the tests are doing.

The action server is another process: it may call the back office while a
synchronous test runs or between tests, when pytest's event loop is idle.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from test_support.fault_proxy import FaultProxy


class BackgroundProxy:
    """Start with the target; switch modes from any thread (``passthrough()``, ``delay(s)``, ``refuse()``)."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self.proxy = asyncio.run_coroutine_threadsafe(FaultProxy(target_host, target_port).start(), self._loop).result()

    @property
    def url(self) -> str:
        return self.proxy.url

    def _in_loop(self, change: Callable[[], None]) -> None:
        asyncio.run_coroutine_threadsafe(self._run(change), self._loop).result()

    @staticmethod
    async def _run(change: Callable[[], None]) -> None:
        change()

    def passthrough(self) -> None:
        self._in_loop(self.proxy.passthrough)

    def delay(self, seconds: float) -> None:
        self._in_loop(lambda: self.proxy.delay(seconds))

    def refuse(self) -> None:
        self._in_loop(self.proxy.refuse)

    def close(self) -> None:
        """Stop the proxy and its thread."""
        asyncio.run_coroutine_threadsafe(self.proxy.stop(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
