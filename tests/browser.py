"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright's own browser download cannot work here, so `scripts/setup.sh` installs Debian's
chromium package and the tests launch that executable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, WebSocketRoute, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@asynccontextmanager
async def launch_chromium() -> AsyncIterator[Browser]:
    """A headless Chromium, closed (with its Playwright driver) when the block ends."""
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run scripts/setup.sh (apt-get install -y chromium as root)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


class CuttableSockets:
    """Routes a page's websockets through the test: ``cut()`` drops them and refuses new ones
    (as if the gateway were unreachable) until ``restore()``; it holds across reloads."""

    def __init__(self) -> None:
        self.down = False
        self.sockets: list[WebSocketRoute] = []

    async def route(self, socket: WebSocketRoute) -> None:
        if self.down:
            await socket.close(code=1012, reason="test: gateway unreachable")
            return
        socket.connect_to_server()
        self.sockets.append(socket)

    async def cut(self) -> None:
        self.down = True
        for socket in self.sockets:
            await socket.close(code=1012, reason="test: connection lost")

    def restore(self) -> None:
        self.down = False
