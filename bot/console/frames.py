"""How console events reach the agents' open consoles, on one gateway worker or several.

One worker (the embedded profile): a frame goes straight to that worker's sockets. Several
workers on PostgreSQL: a frame is sent with ``NOTIFY`` and every worker, the sender included,
``LISTEN``s and hands it to its own sockets, so an agent sees an event whichever worker handled
it. PostgreSQL delivers a notification only to connections listening at that moment; a worker
whose listening connection broke (a database restart; a silent network loss is noticed by TCP
keepalives within about a minute) reconnects on its next ``check()`` and misses the frames in
between — the console page also refreshes its lists every few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

import psycopg2
import psycopg2.extensions
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.console.audience import Audience
from storage.database import Database

log = logging.getLogger(__name__)
Deliver = Callable[[dict[str, Any], Audience], Coroutine[Any, Any, None]]
CHANNEL = "mpp_console_frames"


class Frames(Protocol):
    async def start(self) -> None: ...
    async def send(self, frame: dict[str, Any], audience: Audience) -> None: ...
    async def check(self) -> None: ...
    async def close(self) -> None: ...


class LocalFrames:
    """One worker: nothing to share."""

    def __init__(self, deliver: Deliver) -> None:
        self.deliver = deliver

    async def start(self) -> None:
        return None

    async def send(self, frame: dict[str, Any], audience: Audience) -> None:
        await self.deliver(frame, audience)

    async def check(self) -> None:
        return None

    async def close(self) -> None:
        return None


class PostgresFrames:
    """Frames through PostgreSQL ``NOTIFY``/``LISTEN`` (payloads are small: a type and an id)."""

    def __init__(self, database: Database, url: str, deliver: Deliver) -> None:
        self.database = database
        self.deliver = deliver
        parsed = make_url(url)
        # the pool's own parameters (sslmode, ...), plus: give up connecting after 5 s, and notice
        # within about a minute a connection that died without closing (keepalives)
        self._connect_args = {**parsed.translate_connect_args(username="user", database="dbname"),
                              **dict(parsed.query), "connect_timeout": 5, "keepalives": 1,
                              "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
        self._listener: Any = None
        self._listening_fd: int | None = None  # as registered: a broken connection no longer tells it
        self._deliveries: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        await self.check()

    async def check(self) -> None:
        """(Re)open the listening connection if it is missing or broken."""
        if self._listener is not None and not self._listener.closed:
            return
        self._drop_listener()
        loop = asyncio.get_running_loop()
        try:
            self._listener = await loop.run_in_executor(None, self._listen)
        except psycopg2.Error as problem:
            log.warning("console frames: cannot listen on PostgreSQL (%s); retrying", type(problem).__name__)
            return
        self._listening_fd = self._listener.fileno()
        loop.add_reader(self._listening_fd, self._readable)

    def _listen(self) -> Any:
        connection = psycopg2.connect(**self._connect_args)
        connection.set_isolation_level(psycopg2.extensions.ISOLATION_LEVEL_AUTOCOMMIT)
        with connection.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
        return connection

    def _readable(self) -> None:
        try:
            self._listener.poll()
        except psycopg2.Error:
            log.warning("console frames: the listening connection was lost; reconnecting on the next check")
            self._drop_listener()
            return
        while self._listener.notifies:
            notification = self._listener.notifies.pop(0)
            try:
                body = json.loads(notification.payload)
                frame, audience = dict(body["frame"]), Audience.from_json(body["audience"])
            except (ValueError, KeyError, TypeError):
                log.warning("console frames: an unreadable notification was ignored")
                continue
            task = asyncio.get_running_loop().create_task(self.deliver(frame, audience))
            self._deliveries.add(task)
            task.add_done_callback(self._deliveries.discard)

    def _drop_listener(self) -> None:
        if self._listening_fd is not None:
            asyncio.get_running_loop().remove_reader(self._listening_fd)
            self._listening_fd = None
        if self._listener is None:
            return
        with contextlib.suppress(psycopg2.Error):
            self._listener.close()
        self._listener = None

    async def send(self, frame: dict[str, Any], audience: Audience) -> None:
        payload = json.dumps({"frame": frame, "audience": audience.as_json()}, separators=(",", ":"))

        def work(session: Session) -> None:
            session.execute(text("SELECT pg_notify(:channel, :payload)"), {"channel": CHANNEL, "payload": payload})
            session.commit()
        try:
            await self.database.run(work)
        except Exception as problem:  # the database is down: the consoles catch up on their refresh
            log.warning("console frames: NOTIFY failed (%s)", type(problem).__name__)

    async def close(self) -> None:
        self._drop_listener()
        for task in list(self._deliveries):
            task.cancel()
