"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

PTB stays the Telegram library (``Bot``, its types and errors); only the request under it is
swapped, through PTB's documented ``BaseRequest`` extension point. Measured on the gateway
(make bench-gateway): httpx cost about 6 ms of CPU per sendMessage here, more than the whole
rest of a web-chat turn; aiohttp is also the HTTP client the rest of the project uses.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

DEFAULT_TIMEOUT_S = 5.0
CONNECTIONS = 64


def _seconds(value: ODVInput[float], default: float) -> float | None:
    return default if isinstance(value, DefaultValue) else value


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded connection pool; timeouts as PTB passes them."""

    def __init__(self, read_timeout: float = DEFAULT_TIMEOUT_S, connect_timeout: float = DEFAULT_TIMEOUT_S,
                 connections: int = CONNECTIONS) -> None:
        self._read_timeout = read_timeout
        self._connect_timeout = connect_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._connections),
                                                  headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
                         pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        read = _seconds(read_timeout, self._read_timeout)
        timeout = aiohttp.ClientTimeout(sock_connect=_seconds(connect_timeout, self._connect_timeout),
                                        sock_read=read, total=None if read is None else read + 10)
        body: Any = None
        if request_data is not None:
            body = request_data.json_parameters
            if request_data.contains_files:
                form = aiohttp.FormData(body)
                for name, (filename, content, mimetype) in request_data.multipart_data.items():
                    form.add_field(name, content, filename=filename, content_type=mimetype)
                body = form
        try:
            async with self._session.request(method, url, data=body, timeout=timeout) as answer:
                return answer.status, await answer.read()
        except asyncio.TimeoutError as error:
            raise TimedOut from error
        except aiohttp.ClientError as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error
