"""A TCP proxy that makes the network slow or broken on demand, in front of a real server.

Tests put it between a client and the real back office so that "slow" and "down" come from the
network, not from a mock. The mode is read for every new connection and every chunk, so it also
applies to connections a client keeps alive in its pool:

- ``passthrough()``: forward bytes both ways;
- ``delay(seconds)``: wait before forwarding each chunk from the client;
- ``refuse()``: close new connections at once and drop open ones;
- ``blackhole()``: accept connections and read requests, but never answer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

_REQUEST_LINE_END = b" HTTP/1.1\r\n"


@dataclass(frozen=True)
class _Mode:
    name: str
    delay_s: float = 0.0


class FaultProxy:
    """``async with FaultProxy(host, port) as proxy``; ``proxy.url`` is what the client calls."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target_host = target_host
        self.target_port = target_port
        self.connections = 0  # connections accepted, in every mode
        self.requests = 0  # HTTP/1.1 request lines received from clients (not in refuse mode)
        self._mode = _Mode("passthrough")
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        assert self._server is not None, "proxy not started"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def passthrough(self) -> None:
        self._mode = _Mode("passthrough")

    def delay(self, seconds: float) -> None:
        self._mode = _Mode("delay", seconds)

    def refuse(self) -> None:
        self._mode = _Mode("refuse")
        for writer in list(self._writers):
            writer.close()

    def blackhole(self) -> None:
        self._mode = _Mode("blackhole")

    def reset_counters(self) -> None:
        self.connections = 0
        self.requests = 0

    async def start(self) -> FaultProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def __aenter__(self) -> FaultProxy:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self._mode.name == "refuse":
            writer.close()
            return
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._writers.add(writer)
        upstream_writer: asyncio.StreamWriter | None = None
        try:
            if self._mode.name == "blackhole":
                await self._swallow(reader)
                return
            upstream_reader, upstream_writer = await asyncio.open_connection(self.target_host, self.target_port)
            await asyncio.gather(self._to_target(reader, upstream_writer), self._pipe(upstream_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            self._tasks.discard(task)
            self._writers.discard(writer)
            for stream in (writer, upstream_writer):
                if stream is not None:
                    stream.close()

    async def _to_target(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Client -> target, applying the current mode to every chunk."""
        tail = b""
        while chunk := await reader.read(65536):
            mode = self._mode
            if mode.name == "refuse":
                break
            tail = self._count_requests(tail, chunk)
            if mode.name == "blackhole":
                continue
            if mode.name == "delay":
                await asyncio.sleep(mode.delay_s)
            writer.write(chunk)
            await writer.drain()
        writer.close()

    def _count_requests(self, tail: bytes, chunk: bytes) -> bytes:
        """Count request lines in ``chunk`` (also one split across chunks); return the new tail."""
        window = tail + chunk
        self.requests += window.count(_REQUEST_LINE_END)
        return window[-(len(_REQUEST_LINE_END) - 1) :]

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
        writer.close()

    async def _swallow(self, reader: asyncio.StreamReader) -> None:
        tail = b""
        while chunk := await reader.read(65536):
            tail = self._count_requests(tail, chunk)

