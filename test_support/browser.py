"""Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright's own browser download cannot work here, so `scripts/setup.sh` installs Debian's
chromium package and the tests launch that executable.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from playwright.async_api import Browser, Page, WebSocketRoute, async_playwright

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
DESKTOP = {"width": 1280, "height": 800}


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


async def new_page(browser: Browser, viewport: dict[str, int] = DESKTOP) -> Page:
    """A page in a context of its own (its own cookies), in Indonesian and Jakarta time."""
    context = await browser.new_context(viewport={"width": viewport["width"], "height": viewport["height"]},
                                        locale="id-ID", timezone_id="Asia/Jakarta")
    return await context.new_page()


async def log_in(page: Page, base_url: str, username: str, password: str) -> None:
    """Submit the console's login form (where it leads is for the caller to check)."""
    await page.goto(f"{base_url}/console/login")
    await page.get_by_test_id("login-username").fill(username)
    await page.get_by_test_id("login-password").fill(password)
    await page.get_by_test_id("login-submit").click()
