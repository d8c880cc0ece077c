"""The web chat in headless Chromium, as a citizen uses it on a phone, against the whole stack.

The ``gateway`` fixture (tests/conftest.py) runs the gateway with Rasa, the action server and the
back office (demo data: docs/demo-data.md); the page is the gateway's /chat
(bot/channels/web_static/). Browser: Debian's /usr/bin/chromium (test_support/browser.py).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Protocol

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Dialog, Locator, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from test_support.browser import CuttableSockets, launch_chromium

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]

PHONE = {"width": 390, "height": 844}
NARROW_PHONE = {"width": 360, "height": 740}
ANSWER_TIMEOUT_MS = 30_000  # a turn through Rasa, the action server and the back office
RECONNECT_TIMEOUT_MS = 30_000  # the page retries with a backoff of up to 10 s
HTML_TEXT = "<b>x</b><img src=x onerror=alert(1)>"


class Gateway(Protocol):
    """What the ``gateway`` fixture yields: the running gateway's base URL, e.g. http://127.0.0.1:18080."""

    url: str


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with launch_chromium() as launched:
        yield launched


async def open_page(browser: Browser, viewport: dict[str, int] = PHONE) -> Page:
    """A page in a new browser context: a new citizen, with empty localStorage (so a new session)."""
    context = await browser.new_context(viewport={"width": viewport["width"], "height": viewport["height"]},
                                        is_mobile=True, has_touch=True, locale="id-ID")
    return await context.new_page()


@pytest_asyncio.fixture(loop_scope="session")
async def phone(browser: Browser) -> AsyncIterator[Page]:
    """A citizen's phone (390 x 844)."""
    page = await open_page(browser)
    yield page
    await page.context.close()


async def open_chat(page: Page, gateway: Gateway, query: str = "") -> None:
    await page.goto(f"{gateway.url}/chat{query}")
    await expect(page.get_by_test_id("chat-status")).to_have_text("Terhubung", timeout=ANSWER_TIMEOUT_MS)


def bot_messages(page: Page) -> Locator:
    return page.get_by_test_id("message-bot")


def citizen_messages(page: Page) -> Locator:
    return page.get_by_test_id("message-citizen")


def pending_messages(page: Page) -> Locator:
    return page.locator("[data-testid=messages] li[data-state=pending]")


async def type_and_send(page: Page, text: str) -> int:
    """Type ``text`` and press Enter; returns how many bot messages were shown before."""
    before = await bot_messages(page).count()
    field = page.get_by_test_id("chat-input")
    await field.fill(text)
    await field.press("Enter")
    return before


async def answer(page: Page, before: int, *words: str) -> str:
    """The text of the bot messages after the first ``before``, once it contains all ``words`` (any case)."""
    script = """([before, words]) => {
        const bubbles = Array.from(document.querySelectorAll('[data-testid="message-bot"]')).slice(before);
        const text = bubbles.map((bubble) => bubble.textContent).join('\\n').toLowerCase();
        return bubbles.length > 0 && words.every((word) => text.includes(word.toLowerCase()));
    }"""
    try:
        await page.wait_for_function(script, arg=[before, list(words)], timeout=ANSWER_TIMEOUT_MS)
    except PlaywrightTimeoutError:
        shown = (await bot_messages(page).all_inner_texts())[before:]
        pytest.fail(f"no bot answer containing {words!r}; the bot said {shown!r}")
    return "\n".join((await bot_messages(page).all_inner_texts())[before:])


async def conversation(page: Page) -> list[tuple[str, str]]:
    """Who said what, as shown: (data-testid, text) of every bubble in order."""
    bubbles = page.locator("[data-testid=messages] .bubble")
    return [(str(await bubble.get_attribute("data-testid")), await bubble.inner_text())
            for bubble in await bubbles.all()]


async def test_the_page_is_indonesian_and_accessible(phone: Page, gateway: Gateway) -> None:
    await open_chat(phone, gateway)
    await expect(phone).to_have_title("Asisten MPP Digital")
    await expect(phone.get_by_role("heading", name="Asisten MPP Digital")).to_be_visible()
    field = phone.get_by_test_id("chat-input")
    await expect(field).to_have_attribute("placeholder", "Ketik pertanyaan Bapak/Ibu…")
    await expect(field).to_have_attribute("maxlength", "2000")
    await expect(phone.get_by_label("Pertanyaan Bapak/Ibu")).to_have_count(1)
    await expect(phone.get_by_role("button", name="Kirim")).to_be_visible()
    await expect(phone.get_by_test_id("messages")).to_have_attribute("aria-live", "polite")
    await expect(phone.locator("html")).to_have_attribute("lang", "id")

    # Empty and whitespace-only messages are not sent.
    await field.fill("   \n  ")
    await field.press("Enter")
    await phone.get_by_test_id("chat-send").click()
    await expect(citizen_messages(phone)).to_have_count(0)

    # Shift+Enter is a new line, Enter sends; the lines are kept in the bubble.
    await field.fill("")
    await field.press_sequentially("halo")
    await field.press("Shift+Enter")
    await field.press_sequentially("selamat pagi")
    await expect(field).to_have_value("halo\nselamat pagi")
    await field.press("Enter")
    await expect(field).to_have_value("")
    await expect(citizen_messages(phone)).to_have_text(["halo\nselamat pagi"])
    await answer(phone, 0, "Bapak/Ibu")


async def test_a_citizen_asks_presses_a_button_and_finds_the_conversation_after_a_reload(
    phone: Page, gateway: Gateway
) -> None:
    await open_chat(phone, gateway)

    before = await type_and_send(phone, "halo")
    await expect(citizen_messages(phone).last).to_have_text("halo")
    greeting = await answer(phone, before, "Bapak/Ibu")
    assert "MPP" in greeting
    await expect(phone.get_by_test_id("quick-reply").first).to_be_visible()
    await expect(pending_messages(phone)).to_have_count(0)  # acknowledged: no more "mengirim…"

    before = await type_and_send(phone, "syarat bikin ktp apa aja")
    assert "KTP" in await answer(phone, before, "KTP")

    before = await type_and_send(phone, "mau ambil antrian di mpp")
    await answer(phone, before, "MPP mana")
    before = await type_and_send(phone, "di tegal")
    await answer(phone, before, "layanan apa")

    # The buttons of the last bot message: pressing one sends it and disables them all.
    bot_messages = phone.locator("[data-testid=messages] li.msg-bot")
    # pinned by position: once the answer arrives, "the last bot message" is another one
    question = bot_messages.nth(await bot_messages.count() - 1)
    buttons = question.get_by_test_id("quick-reply")
    await expect(buttons.first).to_be_visible()
    assert await buttons.count() >= 2
    await question.get_by_role("button", name="KTP-el", exact=True).click()
    await expect(citizen_messages(phone).last).to_have_text("KTP-el")
    for button in await buttons.all():
        await expect(button).to_be_disabled()
    await answer(phone, before + 1, "tanggal")
    await expect(pending_messages(phone)).to_have_count(0)

    shown = await conversation(phone)
    assert ("message-citizen", "syarat bikin ktp apa aja") in shown
    await phone.reload()
    await expect(phone.get_by_test_id("chat-status")).to_have_text("Terhubung", timeout=ANSWER_TIMEOUT_MS)
    await expect(phone.locator("[data-testid=messages] .bubble")).to_have_count(len(shown))
    assert await conversation(phone) == shown


async def test_html_typed_by_a_citizen_is_shown_as_text(phone: Page, gateway: Gateway) -> None:
    dialogs: list[str] = []

    async def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        await dialog.dismiss()

    phone.on("dialog", dismiss)
    await open_chat(phone, gateway)
    before = await type_and_send(phone, HTML_TEXT)
    await expect(citizen_messages(phone).last).to_have_text(HTML_TEXT)
    await expect(bot_messages(phone).nth(before)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
    await expect(pending_messages(phone)).to_have_count(0)

    # From the history too, after a reload.
    await phone.reload()
    await expect(citizen_messages(phone).last).to_have_text(HTML_TEXT, timeout=ANSWER_TIMEOUT_MS)
    await phone.wait_for_timeout(500)  # an injected onerror handler would have run by now
    assert await phone.locator("[data-testid=messages] b, [data-testid=messages] img").count() == 0
    assert await citizen_messages(phone).last.evaluate("(bubble) => bubble.children.length") == 0
    assert dialogs == []


async def test_messages_typed_while_disconnected_are_kept_and_sent_after_reconnecting(
    phone: Page, gateway: Gateway
) -> None:
    """The page's websocket goes through a route the test can cut, even across a reload."""
    sockets = CuttableSockets()

    await phone.route_web_socket("**/web/socket*", sockets.route)
    await open_chat(phone, gateway)
    before = await type_and_send(phone, "halo")
    await answer(phone, before, "Bapak/Ibu")

    await sockets.cut()
    status = phone.get_by_test_id("chat-status")
    await expect(status).to_have_text("Menghubungkan ulang…")
    before = await type_and_send(phone, "syarat akta kelahiran")
    waiting = pending_messages(phone)
    await expect(waiting).to_have_count(1)
    await expect(waiting).to_contain_text("mengirim…")
    outbox = json.loads(await phone.evaluate("() => localStorage.getItem('mpp-chat-outbox')"))
    assert [item["text"] for item in outbox["items"]] == ["syarat akta kelahiran"]

    await phone.reload()  # still offline: the message is still shown, still waiting
    await expect(pending_messages(phone).locator(".bubble")).to_have_text(["syarat akta kelahiran"])

    sockets.restore()
    await expect(status).to_have_text("Terhubung", timeout=RECONNECT_TIMEOUT_MS)
    await expect(pending_messages(phone)).to_have_count(0, timeout=RECONNECT_TIMEOUT_MS)
    await answer(phone, before, "akta")
    assert await phone.evaluate("() => localStorage.getItem('mpp-chat-outbox')") is None
    texts = await citizen_messages(phone).all_inner_texts()
    assert texts.count("syarat akta kelahiran") == 1


async def test_embedded_the_page_has_no_header(phone: Page, gateway: Gateway) -> None:
    await open_chat(phone, gateway, "?embed=1")
    await expect(phone.get_by_test_id("chat-header")).to_be_hidden()
    await expect(phone.get_by_test_id("messages")).to_be_visible()
    await expect(phone.get_by_test_id("chat-input")).to_be_visible()
    await expect(phone.get_by_test_id("chat-send")).to_be_visible()

    await open_chat(phone, gateway)
    await expect(phone.get_by_test_id("chat-header")).to_be_visible()


async def test_at_360_pixels_nothing_scrolls_sideways(browser: Browser, gateway: Gateway) -> None:
    page = await open_page(browser, NARROW_PHONE)
    try:
        await open_chat(page, gateway)
        before = await type_and_send(page, "halo")
        await answer(page, before, "Bapak/Ibu")
        before = await type_and_send(page, "cek nik " + "3328051205900001" * 12)
        await expect(bot_messages(page).nth(before)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)

        widths = await page.evaluate("""() => ({
            viewport: window.innerWidth,
            page: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
            list: document.querySelector('[data-testid="messages"]').scrollWidth,
            listBox: document.querySelector('[data-testid="messages"]').clientWidth,
        })""")
        assert widths["viewport"] == NARROW_PHONE["width"]
        assert widths["page"] <= widths["viewport"], widths
        assert widths["body"] <= widths["viewport"], widths
        assert widths["list"] <= widths["listBox"], widths
        targets = ["[data-testid=messages] .bubble", "[data-testid=quick-reply]", "[data-testid=chat-input]",
                   "[data-testid=chat-send]"]
        for selector in targets:
            for element in await page.locator(selector).all():
                box = await element.bounding_box()
                assert box is not None, selector
                assert box["x"] >= 0, (selector, box)
                assert box["x"] + box["width"] <= NARROW_PHONE["width"] + 0.5, (selector, box)
    finally:
        await page.context.close()
