"""An agent using the console's JSON API and websocket (the page does the same; tests/e2e drives it)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from test_support.gateway_server import Gateway


@dataclass
class ConsoleAgent:
    gateway: Gateway
    username: str
    password: str
    http: aiohttp.ClientSession = field(init=False)
    csrf: str = ""
    me: dict[str, Any] = field(default_factory=dict)

    async def __aenter__(self) -> ConsoleAgent:
        # cookies from 127.0.0.1 are refused by aiohttp's default jar
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        status, location = await self.login(self.password)
        assert status == 303 and location == "/console", (status, location)
        self.me = await self.get("/me")
        self.csrf = self.me["csrf"]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.http.close()

    async def login(self, password: str) -> tuple[int, str]:
        async with self.http.post(f"{self.gateway.url}/console/login", allow_redirects=False,
                                  data={"username": self.username, "password": password}) as answer:
            return answer.status, answer.headers.get("Location", "")

    async def get(self, path: str, expect: int = 200) -> Any:
        async with self.http.get(f"{self.gateway.url}/console/api{path}") as answer:
            assert answer.status == expect, (answer.status, await answer.text())
            return await answer.json()

    async def post(self, path: str, body: dict[str, Any] | None = None, csrf: bool = True) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        async with self.http.post(f"{self.gateway.url}/console/api{path}", json=body or {}, headers=headers) as answer:
            return answer.status, await answer.json(content_type=None)

    async def queue(self) -> list[dict[str, Any]]:
        return list((await self.get("/conversations"))["conversations"])

    async def wait_for_conversation(self, predicate: Any, timeout: float = 20.0) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = [c for c in await self.queue() if predicate(c)]
            if found:
                return found[0]
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no such conversation in {await self.queue()}")
            await asyncio.sleep(0.2)
