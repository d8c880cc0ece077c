"""One worker per conversation: a conversation's messages are handled one at a time, in order,
while different conversations proceed concurrently."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


class OrderedWorkers(Generic[T]):
    """Runs ``handler(item)`` for each submitted item, sequentially per key.

    A key's worker task exists only while it has work; nothing is lost when it ends, because the
    items are stored (and recovered after a restart) before they are submitted.
    """

    def __init__(self, handler: Callable[[T], Awaitable[None]]) -> None:
        self._handler = handler
        self._queues: dict[str, deque[T]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def submit(self, key: str, item: T) -> None:
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            task = asyncio.create_task(self._drain(key, queue), name=f"conversation-{key}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        queue.append(item)

    async def _drain(self, key: str, queue: deque[T]) -> None:
        try:
            while queue:
                item = queue.popleft()
                try:
                    await self._handler(item)
                except Exception:  # one bad message must not stop the conversation's later ones
                    log.exception("handling a message of conversation %s failed", key)
        finally:
            del self._queues[key]

    @property
    def busy(self) -> int:
        """Conversations with work queued or running."""
        return len(self._queues)

    async def wait_idle(self) -> None:
        """Until every submitted item is handled (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def stop(self) -> None:
        """Cancel the workers; unhandled items stay in the store as ``received``."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
