"""The agent console in headless Chromium, as call-centre agents use it, against the whole stack.

The ``gateway`` fixture (tests/conftest.py) runs the gateway with Rasa, the action server and the
back office; the console is its /console (bot/console/static/, contract: docs/console-api.md).
Citizens write on the fake Telegram Bot API (test_support/telegram_chat.py). Each agent works in
a browser context of their own (their own session cookie), at 1280 x 800 unless said otherwise.

Page details the tests rely on besides the contract's data-testids: a ``queue-item`` carries
``data-status`` and holds a ``queue-open`` button (opens the conversation), ``claim`` or
``takeover``; a ``transcript-message`` holds ``message-text``, ``message-intent`` (citizen) and
``message-status`` (agent, with ``data-status``); the connection line is ``console-status`` and
notices (not errors) go to ``console-notice``; supervisors' ``agents`` list has ``agent`` items
with ``data-online`` and ``data-active``. Resolving asks for confirmation with ``window.confirm``.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Dialog, Locator, Page, Route, expect

from test_support.browser import DESKTOP, CuttableSockets, launch_chromium, log_in, new_page
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, TgUser, text_update
from test_support.gateway_server import Gateway
from test_support.telegram_chat import TelegramCitizen, buttons_of, text_of

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]

SMALL_DESKTOP = {"width": 1024, "height": 768}
PASSWORD = "kata-sandi-konsol-uji-1"
LIVE_MS = 10_000  # a websocket frame and the refetch it causes
BOT_LIST_MS = 25_000  # a new bot conversation may only show with the page's periodic refresh (15 s)
TURN_S = 30.0  # a citizen's turn through Rasa, the action server and the back office
WRONG_LOGIN = "Nama pengguna atau kata sandi salah."
LOCKED_LOGIN = "Terlalu banyak percobaan. Coba lagi beberapa menit lagi."
NOTES_TITLE = "Catatan internal — tidak terlihat oleh warga"
SENT_STATUSES = re.compile(r"^(sent|delivered|read)$")


@dataclass(frozen=True)
class Agent:
    username: str
    name: str
    role: str = "agent"


@dataclass(frozen=True)
class Team:
    alfa: Agent
    bravo: Agent
    supervisor: Agent
    lockout: Agent  # only for the failed-login test: it ends up locked out


@dataclass
class Console:
    agent: Agent
    page: Page

    def queue_item(self, conversation_id: str) -> Locator:
        return self.page.get_by_test_id("queue").locator(
            f'[data-testid="queue-item"][data-conversation-id="{conversation_id}"]')

    def messages(self, sender: str | None = None) -> Locator:
        selector = '[data-testid="transcript-message"]' + (f'[data-sender="{sender}"]' if sender else "")
        return self.page.get_by_test_id("transcript").locator(selector)


@dataclass
class Citizen:
    """A citizen on Telegram with a name of their own, so that the console tells them apart."""

    telegram: TelegramCitizen

    @property
    def name(self) -> str:
        return f"Warga {self.telegram.chat_id}"

    async def say(self, text: str) -> None:
        user = TgUser(id=self.telegram.chat_id, first_name="Warga", last_name=str(self.telegram.chat_id),
                      username=None)
        status, _ = await self.telegram.post(text_update(self.telegram.chat_id, text, user=user))
        assert status == 200

    async def receives(self, matches: Callable[[str, list[str]], bool], what: str, timeout: float = TURN_S) -> str:
        """Wait for the next message to this chat that ``matches(text, button titles)``; earlier ones are skipped."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen: list[str] = []
        while (remaining := deadline - loop.time()) > 0:
            try:
                calls = await self.telegram.replies(1, timeout=remaining)
            except AssertionError:
                break
            for call in calls:
                seen.append(text_of(call))
                if matches(text_of(call), [button["text"] for button in buttons_of(call)]):
                    return text_of(call)
        pytest.fail(f"no Telegram message {what} within {timeout} s; the citizen got {seen!r}")

    async def receives_text(self, *fragments: str, timeout: float = TURN_S) -> str:
        return await self.receives(lambda text, _buttons: all(f.lower() in text.lower() for f in fragments),
                                   f"containing {fragments!r}", timeout)

    def everything_sent(self) -> list[str]:
        return [text_of(call) for call in self.telegram.sent_so_far()]


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def browser() -> AsyncIterator[Browser]:
    async with launch_chromium() as launched:
        yield launched


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def team(gateway: Gateway) -> Team:
    """Two agents, a supervisor and a spare agent, created with ``python -m bot agents create``."""
    suffix = uuid.uuid4().hex[:5]
    members = {
        "alfa": Agent(f"alfa{suffix}", f"Agen Alfa {suffix}"),
        "bravo": Agent(f"bravo{suffix}", f"Agen Bravo {suffix}"),
        "supervisor": Agent(f"spv{suffix}", f"Supervisor Sari {suffix}", "supervisor"),
        "lockout": Agent(f"kunci{suffix}", f"Agen Kunci {suffix}"),
    }
    for member in members.values():
        await asyncio.to_thread(gateway.create_agent, member.username, PASSWORD, member.role, member.name)
    return Team(**members)


@pytest.fixture
def citizen_factory(gateway: Gateway, telegram_api: InThread[FakeTelegramApi]) -> Callable[[], Citizen]:
    return lambda: Citizen(TelegramCitizen(gateway, telegram_api))


async def open_console(browser: Browser, gateway: Gateway, agent: Agent, viewport: dict[str, int] = DESKTOP
                       ) -> Console:
    """Log in through the form; returns once the console is connected and its list loaded."""
    page = await new_page(browser, viewport)
    await log_in(page, gateway.url, agent.username, PASSWORD)
    await expect(page).to_have_url(f"{gateway.url}/console")
    await expect(page.get_by_test_id("console-status")).to_have_text("Terhubung", timeout=LIVE_MS)
    await expect(page.get_by_test_id("queue")).to_have_attribute("aria-busy", "false")
    await expect(page.get_by_test_id("me-name")).to_have_text(agent.name)
    # Set once: still there at the end of a test means the page was never reloaded (updates came live).
    await page.evaluate("() => { window.__notReloaded = true; }")
    return Console(agent, page)


@pytest_asyncio.fixture(loop_scope="session")
async def consoles(browser: Browser, gateway: Gateway, team: Team) -> AsyncIterator[Callable[..., Awaitable[Console]]]:
    """Opens consoles on demand; closes them (and so takes the agents offline) after the test."""
    opened: list[Console] = []

    async def open_one(agent: Agent, viewport: dict[str, int] = DESKTOP) -> Console:
        console = await open_console(browser, gateway, agent, viewport)
        opened.append(console)
        return console

    yield open_one
    for console in opened:
        await console.page.context.close()


async def api(page: Page, method: str, path: str, body: Any = None, csrf: str | None = "session") -> dict[str, Any]:
    """A console API call from the page (its cookies, its origin): {"status", "data"}. ``path`` is under
    /console/api unless it starts with /console/.

    ``csrf="session"`` sends the session's token (from /me), None sends no header, anything else that value.
    """
    return dict(await page.evaluate(
        """async ([method, path, body, csrf]) => {
            const headers = {Accept: "application/json"};
            if (csrf === "session") {
                headers["X-CSRF-Token"] = (await (await fetch("/console/api/me")).json()).csrf;
            } else if (csrf !== null) {
                headers["X-CSRF-Token"] = csrf;
            }
            if (body !== null) headers["Content-Type"] = "application/json";
            const url = path.startsWith("/console/") ? path : "/console/api" + path;
            const response = await fetch(url,
                {method, headers, body: body === null ? undefined : JSON.stringify(body)});
            const text = await response.text();
            let data = null;
            try { data = JSON.parse(text); } catch (e) { data = text; }
            return {status: response.status, data};
        }""",
        [method, path, body, csrf]))


async def listed_ids(console: Console) -> set[str]:
    answer = await api(console.page, "GET", "/conversations")
    assert answer["status"] == 200, answer
    return {str(conversation["id"]) for conversation in answer["data"]["conversations"]}


async def new_item(console: Console, before: set[str], status: str, timeout_ms: float = TURN_S * 1000) -> str:
    """The id of the first conversation with ``status`` that shows up in the list and was not in ``before``."""
    handle = await console.page.wait_for_function(
        """([before, status]) => {
            const items = document.querySelectorAll(
                `[data-testid="queue"] [data-testid="queue-item"][data-status="${status}"]`);
            for (const item of items) {
                const id = item.getAttribute("data-conversation-id");
                if (!before.includes(id)) return id;
            }
            return null;
        }""",
        arg=[sorted(before), status], timeout=timeout_ms)
    return str(await handle.json_value())


async def agent_id(console: Console, name: str) -> str:
    answer = await api(console.page, "GET", "/agents")
    return next(str(agent["id"]) for agent in answer["data"]["agents"] if agent["name"] == name)


async def accept_next_dialog(page: Page) -> list[str]:
    """Accept the next confirm() of ``page``; the list gets its message."""
    shown: list[str] = []

    async def accept(dialog: Dialog) -> None:
        shown.append(dialog.message)
        await dialog.accept()

    page.once("dialog", accept)
    return shown


async def resolve_open_conversation(console: Console) -> list[str]:
    shown = await accept_next_dialog(console.page)
    await console.page.get_by_test_id("resolve").click()
    await expect(console.page.get_by_test_id("console-notice")).to_contain_text("diselesaikan")
    return shown


async def rating_of(gateway: Gateway, conversation_id: str, timeout: float = 15.0) -> list[int]:
    """The ratings stored for the conversation (csat_ratings), waiting up to ``timeout`` for one."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        with sqlite3.connect(f"file:{gateway.workdir / 'gateway.db'}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT rating FROM csat_ratings WHERE conversation_id = ?",
                              (conversation_id,)).fetchall()
        if rows or loop.time() > deadline:
            return [int(row[0]) for row in rows]
        await asyncio.sleep(0.3)


async def claimed_by(console: Console, conversation_id: str, timeout: float = 10.0) -> bool:
    """Whether the agent of ``console`` got the conversation, once somebody has (an agent may open it while
    it is queued or theirs: 403 means a colleague has it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        answer = await api(console.page, "GET", f"/conversations/{conversation_id}")
        if answer["status"] == 403:
            return False
        assert answer["status"] == 200, answer
        if answer["data"]["conversation"]["status"] == "assigned":
            return True
        await asyncio.sleep(0.1)
    pytest.fail(f"nobody claimed conversation {conversation_id} within {timeout} s")


async def assert_not_reloaded(console: Console) -> None:
    assert await console.page.evaluate("() => window.__notReloaded === true"), "the page was reloaded"


# -- the whole handoff, as in the issue ------------------------------------------------------------------------


async def test_two_agents_take_a_citizen_from_the_queue_to_the_rating(
        consoles: Callable[..., Awaitable[Console]], team: Team, gateway: Gateway,
        citizen_factory: Callable[[], Citizen]) -> None:
    alfa, bravo = await consoles(team.alfa), await consoles(team.bravo)
    citizen = citizen_factory()
    before = await listed_ids(alfa)

    # The citizen asks for a person: the conversation shows in both queues, live.
    await citizen.say("saya mau bicara dengan petugas")
    await citizen.receives_text("antrean")
    conversation = await new_item(alfa, before, "queued")
    for console in (alfa, bravo):
        item = console.queue_item(conversation)
        await expect(item).to_be_visible(timeout=LIVE_MS)
        await expect(item).to_contain_text(citizen.name)
        await expect(item.get_by_test_id("reason-label")).to_have_text("Minta petugas")
        await expect(item.get_by_test_id("channel-badge")).to_have_text("Telegram")
        await expect(item.get_by_test_id("queue-wait")).to_have_text(re.compile(r"^Menunggu \d+:\d\d$"))

    # Both claim at once: exactly one wins, the other is told and the item leaves their list.
    claims = [console.queue_item(conversation).get_by_test_id("claim") for console in (alfa, bravo)]
    await asyncio.gather(*(claim.click() for claim in claims))
    winner, loser = (alfa, bravo) if await claimed_by(alfa, conversation) else (bravo, alfa)
    await expect(winner.queue_item(conversation)).to_have_attribute("data-status", "assigned", timeout=LIVE_MS)
    await expect(loser.page.get_by_test_id("console-error")).to_contain_text("sudah diambil", timeout=LIVE_MS)
    await expect(loser.queue_item(conversation)).to_have_count(0, timeout=LIVE_MS)
    await expect(winner.page.get_by_test_id("console-error")).to_be_hidden()
    await citizen.receives_text(winner.agent.name)  # "Petugas ... sudah bergabung"

    # The winner sees the whole transcript: the bot's turns and what the model understood.
    await winner.queue_item(conversation).get_by_test_id("queue-open").click()
    await expect(winner.page.get_by_test_id("conversation-title")).to_have_text(citizen.name)
    first = winner.messages("citizen").first
    await expect(first.get_by_test_id("message-text")).to_have_text("saya mau bicara dengan petugas")
    await expect(first.get_by_test_id("message-intent")).to_contain_text("request_human")
    await expect(first.get_by_test_id("message-intent")).to_contain_text(re.compile(r"\d+%"))
    await expect(winner.messages("bot").first).to_be_visible()

    # A reply (Enter sends) reaches the citizen on Telegram; the console shows it as sent.
    reply = "Selamat siang, saya petugas MPP. Boleh dijelaskan keperluan Bapak/Ibu?"
    box = winner.page.get_by_test_id("reply-input")
    await box.fill(reply)
    await box.press("Enter")
    await expect(box).to_have_value("")
    assert await citizen.receives_text(reply) == reply
    sent = winner.messages("agent").last
    await expect(sent.get_by_test_id("message-text")).to_have_text(reply)
    await expect(sent.get_by_test_id("message-status")).to_have_attribute("data-status", SENT_STATUSES,
                                                                          timeout=LIVE_MS)
    await expect(sent.get_by_test_id("message-status")).to_have_text(re.compile("Terkirim|Tersampaikan|Dibaca"))

    # The citizen writes again: it appears live.
    await citizen.say("nomor antrean saya B-017 kok belum dipanggil")
    await expect(winner.messages("citizen").last.get_by_test_id("message-text")).to_have_text(
        "nomor antrean saya B-017 kok belum dipanggil", timeout=LIVE_MS)

    # A private note: shown to agents, never sent to the citizen.
    note = "Warga sudah menunggu sejak pagi; cek loket 3."
    await expect(winner.page.get_by_role("heading", name=NOTES_TITLE)).to_be_visible()
    await winner.page.get_by_test_id("note-input").fill(note)
    await winner.page.get_by_test_id("note-send").click()
    await expect(winner.page.get_by_test_id("notes")).to_contain_text(note)
    await expect(winner.page.get_by_test_id("note-input")).to_have_value("")

    # Transfer to the other agent: it leaves the winner's list and shows (live) in the other's.
    await winner.page.get_by_test_id("transfer-select").select_option(await agent_id(winner, loser.agent.name))
    await winner.page.get_by_test_id("transfer-send").click()
    await expect(winner.page.get_by_test_id("console-notice")).to_contain_text(loser.agent.name)
    await expect(winner.queue_item(conversation)).to_have_count(0, timeout=LIVE_MS)
    taken = loser.queue_item(conversation)
    await expect(taken).to_have_attribute("data-status", "assigned", timeout=LIVE_MS)
    await taken.get_by_test_id("queue-open").click()
    await expect(loser.messages("agent").get_by_test_id("message-text")).to_have_text([reply])
    await expect(loser.page.get_by_test_id("notes")).to_contain_text(note)
    await expect(loser.page.get_by_test_id("reply-input")).to_be_enabled()

    # The other agent resolves (after confirming): the citizen is asked for a rating and answers 5.
    asked = await resolve_open_conversation(loser)
    assert asked and "Selesaikan" in asked[0]
    await expect(loser.queue_item(conversation)).to_have_count(0, timeout=LIVE_MS)
    await citizen.receives(lambda text, buttons: ("1" in text and "5" in text) or "5" in buttons,
                           "asking for a 1-5 rating")
    await citizen.say("5")
    await citizen.receives_text("terima kasih")
    assert await rating_of(gateway, conversation) == [5]

    # Back with the bot, which knows the citizen was with an officer.
    await citizen.say("halo")
    await citizen.receives_text("kembali")

    assert not [text for text in citizen.everything_sent() if note in text], "the private note reached the citizen"
    for console in (alfa, bravo):
        await assert_not_reloaded(console)


# -- security ---------------------------------------------------------------------------------------------------


async def test_a_wrong_password_is_refused_and_repeated_failures_lock_the_account(
        browser: Browser, gateway: Gateway, team: Team) -> None:
    page = await new_page(browser)
    try:
        await page.goto(f"{gateway.url}/console/login")
        await expect(page).to_have_title(re.compile("Konsol Petugas"))
        await expect(page.get_by_label("Nama pengguna")).to_be_visible()
        await expect(page.get_by_label("Kata sandi")).to_be_visible()
        await expect(page.get_by_test_id("login-error")).to_be_hidden()

        await log_in(page, gateway.url, team.alfa.username, "bukan-kata-sandinya")
        await expect(page.get_by_test_id("login-error")).to_have_text(WRONG_LOGIN)
        await expect(page).to_have_url(re.compile(r"/console/login"))
        await log_in(page, gateway.url, unique("tidakada"), "bukan-kata-sandinya")  # unknown user: the same answer
        await expect(page.get_by_test_id("login-error")).to_have_text(WRONG_LOGIN)

        # Not logged in: the console sends to the login form, the API answers 401.
        await page.goto(f"{gateway.url}/console")
        await expect(page).to_have_url(re.compile(r"/console/login"))
        assert (await api(page, "GET", "/me", csrf=None))["status"] == 401

        for _ in range(5):
            await log_in(page, gateway.url, team.lockout.username, "bukan-kata-sandinya")
            await expect(page.get_by_test_id("login-error")).to_be_visible()
        await log_in(page, gateway.url, team.lockout.username, PASSWORD)  # even the right password, for now
        await expect(page.get_by_test_id("login-error")).to_have_text(LOCKED_LOGIN)
        await expect(page).to_have_url(re.compile(r"/console/login"))
    finally:
        await page.context.close()


async def test_an_agent_cannot_open_a_colleagues_conversation_and_writes_need_the_csrf_token(
        consoles: Callable[..., Awaitable[Console]], team: Team, citizen_factory: Callable[[], Citizen]) -> None:
    alfa, bravo = await consoles(team.alfa), await consoles(team.bravo)
    citizen = citizen_factory()
    before = await listed_ids(bravo)
    await citizen.say("saya mau bicara dengan petugas")
    conversation = await new_item(bravo, before, "queued")
    await bravo.queue_item(conversation).get_by_test_id("claim").click()
    await expect(bravo.queue_item(conversation)).to_have_attribute("data-status", "assigned", timeout=LIVE_MS)
    await expect(alfa.queue_item(conversation)).to_have_count(0, timeout=LIVE_MS)

    # Agent A, with A's cookies, on B's conversation: 403.
    opened = await api(alfa.page, "GET", f"/conversations/{conversation}")
    assert opened["status"] == 403 and opened["data"]["error"] == "forbidden", opened
    replied = await api(alfa.page, "POST", f"/conversations/{conversation}/reply", {"text": "bukan urusan saya"})
    assert replied["status"] == 403, replied

    # Writes without the CSRF header (or with a wrong one) are refused, and nothing happens.
    title = unique("Tanpa token ")
    for csrf in (None, "token-palsu"):
        refused = await api(alfa.page, "POST", "/canned", {"title": title, "text": "tidak boleh tersimpan"}, csrf=csrf)
        assert refused["status"] == 403 and refused["data"]["error"] == "csrf", refused
    listed = await api(alfa.page, "GET", "/canned")
    assert title not in [reply["title"] for reply in listed["data"]["canned"]]
    sneaky = "balasan tanpa token"
    refused = await api(bravo.page, "POST", f"/conversations/{conversation}/reply", {"text": sneaky}, csrf=None)
    assert refused["status"] == 403 and refused["data"]["error"] == "csrf", refused
    refused = await api(bravo.page, "POST", "/console/logout", None, csrf=None)
    assert refused["status"] == 403, refused
    assert (await api(bravo.page, "GET", "/me"))["status"] == 200  # still logged in

    # HTML a citizen types is shown as text, in the list and in the transcript.
    html = "<img src=x onerror=\"window.__xss=1\"><b>tebal</b>"
    await citizen.say(html)
    await bravo.queue_item(conversation).get_by_test_id("queue-open").click()
    await expect(bravo.messages("citizen").last.get_by_test_id("message-text")).to_have_text(html, timeout=LIVE_MS)
    await expect(bravo.queue_item(conversation)).to_contain_text("<b>tebal</b>", timeout=LIVE_MS)
    assert await bravo.page.locator("[data-testid=transcript] img, [data-testid=queue] img, "
                                    "[data-testid=transcript] b, [data-testid=queue] b").count() == 0
    assert await bravo.page.evaluate("() => window.__xss") is None
    assert sneaky not in citizen.everything_sent()

    await resolve_open_conversation(bravo)


# -- the supervisor ---------------------------------------------------------------------------------------------


async def test_a_supervisor_sees_the_agents_and_takes_over_a_bot_conversation(
        consoles: Callable[..., Awaitable[Console]], team: Team, citizen_factory: Callable[[], Citizen]) -> None:
    alfa = await consoles(team.alfa)
    supervisor = await consoles(team.supervisor)
    await expect(alfa.page.get_by_test_id("agents")).to_be_hidden()  # agents have no agents panel
    await expect(alfa.page.get_by_test_id("takeover")).to_have_count(0)

    panel = supervisor.page.get_by_test_id("agents")
    await expect(panel).to_be_visible()
    await expect(supervisor.page.get_by_test_id("me-role")).to_have_text("Supervisor")
    alfa_row = panel.locator(f'[data-agent-id="{await agent_id(supervisor, team.alfa.name)}"]')
    await expect(alfa_row).to_have_attribute("data-online", "true")
    await expect(alfa_row.get_by_test_id("agent-online")).to_have_text("Daring")
    bravo_row = panel.locator(f'[data-agent-id="{await agent_id(supervisor, team.bravo.name)}"]')
    await expect(bravo_row).to_have_attribute("data-online", "false", timeout=LIVE_MS)
    await expect(bravo_row.get_by_test_id("agent-online")).to_have_text("Luring")
    own_row = panel.locator(f'[data-agent-id="{await agent_id(supervisor, team.supervisor.name)}"]')
    await expect(own_row).to_have_attribute("data-active", "0")

    # A citizen talking with the bot shows in the supervisor's list (not in the agent's) with "Ambil alih".
    citizen = citizen_factory()
    before = await listed_ids(supervisor)
    await citizen.say("syarat bikin akta kelahiran")
    await citizen.receives_text("akta")
    conversation = await new_item(supervisor, before, "bot", timeout_ms=BOT_LIST_MS)
    item = supervisor.queue_item(conversation)
    await expect(item).to_contain_text(citizen.name)
    await expect(alfa.queue_item(conversation)).to_have_count(0)
    await item.get_by_test_id("queue-open").click()
    await expect(supervisor.messages("citizen").first.get_by_test_id("message-text")).to_have_text(
        "syarat bikin akta kelahiran")
    await expect(supervisor.messages("bot").first).to_be_visible()
    await expect(supervisor.page.get_by_test_id("reply-input")).to_be_disabled()

    await item.get_by_test_id("takeover").click()
    await expect(item).to_have_attribute("data-status", "assigned", timeout=LIVE_MS)
    await expect(item.get_by_test_id("takeover")).to_have_count(0)
    await citizen.receives_text(team.supervisor.name)  # "dilanjutkan oleh petugas ..."
    await expect(own_row).to_have_attribute("data-active", "1", timeout=LIVE_MS)

    box = supervisor.page.get_by_test_id("reply-input")
    await expect(box).to_be_enabled()
    await box.fill("Selamat siang, saya supervisor MPP. Untuk akta kelahiran, siapkan surat keterangan lahir.")
    await supervisor.page.get_by_test_id("reply-send").click()
    await citizen.receives_text("surat keterangan lahir")

    await resolve_open_conversation(supervisor)
    await expect(item).to_have_count(0, timeout=LIVE_MS)
    await expect(own_row).to_have_attribute("data-active", "0", timeout=LIVE_MS)

    # An agent who leaves goes offline on the supervisor's panel.
    await alfa.page.close()
    await expect(alfa_row).to_have_attribute("data-online", "false", timeout=LIVE_MS)


# -- the page itself, with the list served by the test (labels, waiting times, layout) -------------------------------


def conversation_json(conversation_id: str, **fields: Any) -> dict[str, Any]:
    base = {"id": conversation_id, "status": "queued", "channel": "telegram", "citizen": "Warga Contoh",
            "reason": "request_human", "queued_at": "2024-01-01T00:00:00+00:00", "waiting_s": 30, "overdue": False,
            "assigned_to": None, "last_message": "halo", "last_message_at": "2024-01-01T00:00:00+00:00"}
    return base | fields


async def test_the_queue_shows_reasons_channels_waiting_times_and_overdue_conversations_at_1024_pixels(
        consoles: Callable[..., Awaitable[Console]], team: Team) -> None:
    alfa = await consoles(team.alfa, SMALL_DESKTOP)
    me = (await api(alfa.page, "GET", "/me"))["data"]
    mine = {"id": me["id"], "name": me["name"]}
    fabricated = [
        conversation_json("c-request", reason="request_human", channel="telegram", waiting_s=42),
        conversation_json("c-complaint", reason="complaint", channel="whatsapp", waiting_s=150, overdue=True,
                          citizen="<b>Budi</b>"),
        conversation_json("c-fallback", reason="fallback", channel="web", waiting_s=5),
        conversation_json("c-down", reason="backoffice_down", channel="telegram", waiting_s=61),
        conversation_json("c-mine", status="assigned", reason="supervisor", channel="whatsapp", waiting_s=None,
                          queued_at=None, assigned_to=mine, citizen="Warga Saya"),
    ]
    detail = {
        "conversation": fabricated[-1],
        "messages": [
            {"id": 1, "sender": "citizen", "agent": None, "text": "<script>window.__xss=1</script>mau ke petugas",
             "intent": "request_human", "confidence": 0.873, "status": "answered", "channel": "whatsapp",
             "created_at": "2024-01-01T00:00:00+00:00"},
            {"id": 2, "sender": "bot", "agent": None, "text": "Baik, saya hubungkan dengan petugas.", "intent": None,
             "confidence": None, "status": "sent", "channel": "whatsapp", "created_at": "2024-01-01T00:00:01+00:00"},
            {"id": 3, "sender": "system", "agent": None, "text": "Permintaan masuk antrean.", "intent": None,
             "confidence": None, "status": "sent", "channel": "whatsapp", "created_at": "2024-01-01T00:00:02+00:00"},
            {"id": 4, "sender": "agent", "agent": mine, "text": "Baris satu\nbaris dua", "intent": None,
             "confidence": None, "status": "failed", "channel": "whatsapp", "created_at": "2024-01-01T00:00:03+00:00"},
        ],
        "notes": [],
    }

    started = time.monotonic()

    async def conversations(route: Route) -> None:
        """The list as a server gives it: waiting times grow (the page may refetch at any moment)."""
        elapsed = int(time.monotonic() - started)
        listed = [c | {"waiting_s": c["waiting_s"] + elapsed} if c["waiting_s"] is not None else c
                  for c in fabricated]
        await route.fulfill(json={"conversations": listed})

    async def one(route: Route) -> None:
        await route.fulfill(json=detail)

    await alfa.page.route("**/console/api/conversations", conversations)
    await alfa.page.route("**/console/api/conversations/c-mine", one)
    await alfa.page.reload()
    await expect(alfa.page.get_by_test_id("queue-item")).to_have_count(5)

    labels = {"c-request": "Minta petugas", "c-complaint": "Pengaduan", "c-fallback": "Bot tidak paham",
              "c-down": "Layanan gangguan", "c-mine": "Diambil alih"}
    for conversation, label in labels.items():
        await expect(alfa.queue_item(conversation).get_by_test_id("reason-label")).to_have_text(label)
    channels = {"c-request": "Telegram", "c-complaint": "WhatsApp", "c-fallback": "Web"}
    for conversation, channel in channels.items():
        await expect(alfa.queue_item(conversation).get_by_test_id("channel-badge")).to_have_text(channel)

    late = alfa.queue_item("c-complaint")
    await expect(late).to_have_class(re.compile(r"\boverdue\b"))
    await expect(late.get_by_test_id("overdue-label")).to_be_visible()
    await expect(late.get_by_test_id("overdue-label")).to_have_text("Menunggu lama")
    await expect(late).to_contain_text("<b>Budi</b>")  # a name is text, never markup
    await expect(alfa.queue_item("c-request")).not_to_have_class(re.compile(r"\boverdue\b"))
    await expect(alfa.queue_item("c-request").get_by_test_id("overdue-label")).to_be_hidden()
    queued = alfa.page.locator('[data-testid="queue-item"][data-status="queued"]')
    assert await queued.evaluate_all("items => items.map(i => i.dataset.conversationId)") == [
        "c-complaint", "c-down", "c-request", "c-fallback"]  # longest waiting first

    # Waiting times tick every second without a refetch.
    wait = alfa.queue_item("c-request").get_by_test_id("queue-wait")
    await expect(wait).to_have_text(re.compile(r"^Menunggu 0:4\d$"))
    shown = await wait.inner_text()
    await expect(wait).not_to_have_text(shown, timeout=2500)
    await expect(alfa.queue_item("c-down").get_by_test_id("queue-wait")).to_have_text(re.compile(r"^Menunggu 1:0\d$"))

    # The transcript: every sender, the intent with its confidence, the delivery status of the agent's reply.
    await alfa.queue_item("c-mine").get_by_test_id("queue-open").click()
    await expect(alfa.messages()).to_have_count(4)
    senders = await alfa.messages().evaluate_all("items => items.map(i => i.dataset.sender)")
    assert senders == ["citizen", "bot", "system", "agent"]
    citizen_message = alfa.messages("citizen")
    await expect(citizen_message.get_by_test_id("message-text")).to_have_text(
        "<script>window.__xss=1</script>mau ke petugas")
    await expect(citizen_message.get_by_test_id("message-intent")).to_have_text("Intent: request_human · 87%")
    await expect(alfa.messages("agent").get_by_test_id("message-status")).to_have_text("Gagal terkirim")
    await expect(alfa.messages("agent").get_by_test_id("message-text")).to_have_text("Baris satu\nbaris dua")
    assert await alfa.page.evaluate("() => window.__xss") is None
    await expect(alfa.page.get_by_test_id("transcript")).to_have_attribute("aria-live", "polite")

    # Everything an agent needs is on screen at 1024 px, and nothing scrolls sideways.
    for testid in ("queue", "transcript", "reply-input", "reply-send", "canned-select", "note-input", "note-send",
                   "transfer-select", "transfer-send", "resolve", "logout", "notes"):
        element = alfa.page.get_by_test_id(testid)
        await expect(element).to_be_visible()
        rect = await element.bounding_box()
        assert rect is not None and rect["x"] >= 0, testid
        assert rect["x"] + rect["width"] <= SMALL_DESKTOP["width"] + 0.5, (testid, rect)
        assert rect["y"] + min(rect["height"], 20) <= SMALL_DESKTOP["height"], (testid, rect)
    widths = await alfa.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    for testid in ("reply-input", "note-input", "canned-select", "transfer-select"):
        assert await alfa.page.get_by_test_id(testid).evaluate(
            "(field) => field.labels.length > 0 || field.hasAttribute('aria-label')"), testid

    # Canned replies: added in the editor, offered in the dropdown, filling the reply box; edited; deleted.
    title, text = unique("Jam layanan "), "MPP buka Senin sampai Jumat pukul 08.00 sampai 15.00."
    await alfa.page.get_by_text("Kelola balasan cepat").click()
    await alfa.page.get_by_test_id("canned-title").fill(title)
    await alfa.page.get_by_test_id("canned-text").fill(text)
    await alfa.page.get_by_test_id("canned-save").click()
    saved = alfa.page.get_by_test_id("canned-item").filter(has_text=title)
    await expect(saved).to_have_count(1)
    box = alfa.page.get_by_test_id("reply-input")
    await alfa.page.get_by_test_id("canned-select").select_option(label=title)
    await expect(box).to_have_value(text)
    await expect(box).to_be_focused()
    await expect(alfa.page.get_by_test_id("canned-select")).to_have_value("")
    await saved.get_by_test_id("canned-edit").click()
    await alfa.page.get_by_test_id("canned-text").fill(text + " Sabtu tutup.")
    await alfa.page.get_by_test_id("canned-save").click()
    await expect(saved).to_contain_text("Sabtu tutup.")
    await box.fill("")
    await alfa.page.get_by_test_id("canned-select").select_option(label=title)
    await expect(box).to_have_value(text + " Sabtu tutup.")
    await box.fill("")
    await accept_next_dialog(alfa.page)
    await saved.get_by_test_id("canned-delete").click()
    await expect(saved).to_have_count(0)
    await expect(alfa.page.get_by_test_id("canned-select").locator("option", has_text=title)).to_have_count(0)

    # Shift+Enter is a new line in the reply box (sending is refused here: the conversation is made up).
    await box.press_sequentially("baris satu")
    await box.press("Shift+Enter")
    await box.press_sequentially("baris dua")
    await expect(box).to_have_value("baris satu\nbaris dua")


async def test_the_page_reconnects_and_an_expired_session_goes_to_the_login_form(
        consoles: Callable[..., Awaitable[Console]], team: Team, gateway: Gateway) -> None:
    sockets = CuttableSockets()

    alfa = await consoles(team.alfa)
    await alfa.page.route_web_socket("**/console/socket", sockets.route)
    await alfa.page.reload()
    status = alfa.page.get_by_test_id("console-status")
    await expect(status).to_have_text("Terhubung", timeout=LIVE_MS)

    await sockets.cut()
    await expect(status).to_have_text("Menghubungkan ulang…")
    await expect(status).to_have_attribute("data-state", "reconnecting")
    sockets.restore()
    await expect(status).to_have_text("Terhubung", timeout=20_000)

    async def expired(route: Route) -> None:
        await route.fulfill(status=401, json={"error": "session_expired", "message": "Sesi berakhir."})

    await alfa.page.route("**/console/api/**", expired)
    await alfa.page.reload()
    await expect(alfa.page).to_have_url(re.compile(r"/console/login\?expired=1$"), timeout=LIVE_MS)
    await expect(alfa.page.get_by_test_id("login-info")).to_contain_text("Sesi Anda telah berakhir")
    await expect(alfa.page.get_by_test_id("login-error")).to_be_hidden()


async def test_logging_out_ends_the_session(consoles: Callable[..., Awaitable[Console]], team: Team) -> None:
    alfa = await consoles(team.alfa)
    await alfa.page.get_by_test_id("logout").click()
    await expect(alfa.page).to_have_url(re.compile(r"/console/login"))
    await expect(alfa.page.get_by_test_id("login-info")).to_have_text("Anda telah keluar.")
    assert (await api(alfa.page, "GET", "/me", csrf=None))["status"] == 401
