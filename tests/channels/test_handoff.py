"""Human handoff end to end: a citizen on (fake) Telegram, Rasa pausing, agents on the console API.

The browser version of the agents' side is tests/e2e/test_console.py.
"""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import AsyncIterator

import aiohttp
import pytest

from test_support.background_proxy import BackgroundProxy
from test_support.console_client import ConsoleAgent
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, callback_update
from test_support.gateway_server import Gateway
from test_support.handoff_steps import ask_for_an_officer, name_of, say
from test_support.metrics_reader import grew, scrape, value
from test_support.telegram_chat import TelegramCitizen, buttons_of, text_of

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
PASSWORD = "kata-sandi-rahasia-1"
_names = itertools.count(1)


async def new_agent(gateway: Gateway, role: str = "agent") -> ConsoleAgent:
    username = f"{role}{next(_names)}"
    await asyncio.to_thread(gateway.create_agent, username, PASSWORD, role, f"Petugas {username.title()}")
    return await ConsoleAgent(gateway, username, PASSWORD).__aenter__()


@pytest.fixture
async def agents(gateway: Gateway) -> AsyncIterator[tuple[ConsoleAgent, ConsoleAgent]]:
    first, second = await new_agent(gateway), await new_agent(gateway)
    yield first, second
    await first.__aexit__()
    await second.__aexit__()


@pytest.fixture
def citizen(gateway: Gateway, telegram_api: InThread[FakeTelegramApi]) -> TelegramCitizen:
    return TelegramCitizen(gateway, telegram_api)


async def test_two_agents_claim_at_once_and_exactly_one_wins(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent]) -> None:
    first, second = agents
    conversation = await ask_for_an_officer(citizen, first)
    results = await asyncio.gather(first.post(f"/conversations/{conversation}/claim"),
                                   second.post(f"/conversations/{conversation}/claim"))
    assert sorted(status for status, _ in results) == [200, 409]
    winner, loser = (first, second) if results[0][0] == 200 else (second, first)
    [joined] = await citizen.replies(1)
    assert winner.me["name"] in text_of(joined)
    status, _ = await loser.post(f"/conversations/{conversation}/reply", {"text": "halo"})
    assert status == 403
    assert (await loser.get(f"/conversations/{conversation}", expect=403))["error"] == "forbidden"
    await winner.post(f"/conversations/{conversation}/resolve")


async def test_agent_replies_reach_telegram_citizen_messages_reach_the_agent_not_rasa_and_the_bot_resumes(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent], gateway: Gateway) -> None:
    agent, colleague = agents
    conversation = await ask_for_an_officer(citizen, agent)
    assert (await agent.post(f"/conversations/{conversation}/claim"))[0] == 200
    await citizen.replies(1)  # "Petugas ... sudah bergabung"

    status, sent = await agent.post(f"/conversations/{conversation}/reply",
                                    {"text": "Selamat siang, ada yang bisa saya bantu? <b>tebal</b>"})
    assert status == 201 and sent["sender"] == "agent" and sent["status"] == "sent"
    [reply] = await citizen.replies(1)
    assert text_of(reply) == "Selamat siang, ada yang bisa saya bantu? &lt;b&gt;tebal&lt;/b&gt;"

    await say(citizen, "KTP saya hilang, bagaimana?")
    detail = await agent.wait_for_conversation(lambda c: c["id"] == conversation and "hilang" in c["last_message"])
    assert detail["status"] == "assigned"
    transcript = await agent.get(f"/conversations/{conversation}")
    senders = [m["sender"] for m in transcript["messages"]]
    assert senders[:2] == ["citizen", "bot"]  # the bot's turns are in the transcript ...
    assert transcript["messages"][0]["intent"] == "request_human"  # ... with what the model understood
    assert transcript["messages"][-1]["text"] == "KTP saya hilang, bagaimana?"
    await asyncio.sleep(1.0)
    assert citizen.sent_so_far()[-1] is reply  # Rasa did not answer while the agent has it

    assert (await agent.post(f"/conversations/{conversation}/notes", {"text": "warga dari Tegal"}))[0] == 201
    status, moved = await agent.post(f"/conversations/{conversation}/transfer", {"agent_id": colleague.me["id"]})
    assert status == 200 and moved["assigned_to"]["id"] == colleague.me["id"]
    assert (await agent.post(f"/conversations/{conversation}/reply", {"text": "x"}))[0] == 403
    notes = (await colleague.get(f"/conversations/{conversation}"))["notes"]
    assert [note["text"] for note in notes] == ["warga dari Tegal"]

    assert (await colleague.post(f"/conversations/{conversation}/resolve"))[0] == 200
    [question] = await citizen.replies(1)
    assert "1" in text_of(question) and "5" in text_of(question)
    five = next(button for button in buttons_of(question) if button["text"] == "5")
    await citizen.post(callback_update(citizen.chat_id, five["callback_data"], question.result["message_id"]))
    [thanks] = await citizen.replies(1)
    assert "Terima kasih" in text_of(thanks)
    with sqlite3.connect(gateway.workdir / "gateway.db") as db:
        assert db.execute("SELECT rating, agent_id FROM csat_ratings WHERE conversation_id = ?",
                          (conversation,)).fetchall() == [(5, colleague.me["id"])]

    await say(citizen, "halo")
    [greeting] = await citizen.replies(1)
    assert "kembali" in text_of(greeting).lower()  # not greeted as a stranger


async def test_a_citizen_who_stops_waiting_is_back_with_the_bot(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent]) -> None:
    agent, _ = agents
    conversation = await ask_for_an_officer(citizen, agent)
    await say(citizen, "batal")
    [cancelled] = await citizen.replies(1)
    assert "dibatalkan" in text_of(cancelled)
    assert conversation not in [c["id"] for c in await agent.queue()]
    await say(citizen, "syarat bikin kk baru apa")
    [answer] = await citizen.replies(1)
    assert "KK" in text_of(answer) or "Kartu Keluarga" in text_of(answer)


async def test_an_agent_who_disconnects_does_not_strand_the_citizen(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent], gateway: Gateway) -> None:
    agent, colleague = agents
    conversation = await ask_for_an_officer(citizen, agent)
    socket = await agent.http.ws_connect(f"{gateway.url}/console/socket")
    assert (await socket.receive_json())["type"] == "hello"
    assert (await agent.post(f"/conversations/{conversation}/claim"))[0] == 200
    await citizen.replies(1)
    await socket.close()  # the agent's browser crashed; the grace period is 3 s in tests
    [requeued] = await citizen.replies(1, timeout=15)
    assert "antrean" in text_of(requeued)
    back = await colleague.wait_for_conversation(lambda c: c["id"] == conversation and c["status"] == "queued")
    assert back["assigned_to"] is None
    assert (await colleague.post(f"/conversations/{conversation}/claim"))[0] == 200
    await colleague.post(f"/conversations/{conversation}/resolve")


async def test_a_supervisor_takes_over_a_bot_conversation_and_sees_the_agents(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent], gateway: Gateway) -> None:
    supervisor = await new_agent(gateway, "supervisor")
    try:
        await say(citizen, "syarat bikin akta kelahiran")
        await citizen.replies(1)
        conversation = await supervisor.wait_for_conversation(
            lambda c: c["status"] == "bot" and c["citizen"] == name_of(citizen))
        agent, _ = agents
        assert (await agent.post(f"/conversations/{conversation['id']}/takeover"))[0] == 403
        status, taken = await supervisor.post(f"/conversations/{conversation['id']}/takeover")
        assert status == 200 and taken["assigned_to"]["id"] == supervisor.me["id"]
        [notice] = await citizen.replies(1)
        assert supervisor.me["name"] in text_of(notice)
        await say(citizen, "terima kasih")
        await asyncio.sleep(1.0)
        assert len(citizen.sent_so_far()) == citizen.seen  # Rasa is paused: only the supervisor answers
        listed = {a["id"]: a for a in (await supervisor.get("/agents"))["agents"]}
        assert listed[supervisor.me["id"]]["active"] >= 1
        await supervisor.post(f"/conversations/{conversation['id']}/resolve")
    finally:
        await supervisor.__aexit__()


async def test_console_security(gateway: Gateway, agents: tuple[ConsoleAgent, ConsoleAgent]) -> None:
    agent, _ = agents
    stranger = ConsoleAgent(gateway, agent.username, "salah-sandinya-1234")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        stranger.http = http
        assert await stranger.login("salah-sandinya-1234") == (303, "/console/login?error=1")
        async with http.get(f"{gateway.url}/console/api/me") as answer:
            assert answer.status == 401
        async with http.get(f"{gateway.url}/console", allow_redirects=False) as answer:
            assert answer.status == 303 and answer.headers["Location"] == "/console/login"
    status, body = await agent.post("/canned", {"title": "Salam", "text": "Selamat pagi"}, csrf=False)
    assert status == 403 and body["error"] == "csrf"
    status, saved = await agent.post("/canned", {"title": "Salam", "text": "Selamat pagi, Bapak/Ibu."})
    assert status == 201
    assert saved in (await agent.get("/canned"))["canned"]


async def test_a_queued_conversation_survives_a_gateway_restart(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent], gateway: Gateway) -> None:
    agent, _ = agents
    conversation = await ask_for_an_officer(citizen, agent)
    await asyncio.to_thread(gateway.restart)
    assert (await agent.post(f"/conversations/{conversation}/claim"))[0] == 200  # the session survived too
    await citizen.replies(1)
    await say(citizen, "masih di sana?")
    await agent.wait_for_conversation(lambda c: c["id"] == conversation and "masih" in c["last_message"])
    await asyncio.sleep(1.0)
    assert len(citizen.sent_so_far()) == citizen.seen  # still with the agent, not the bot
    await agent.post(f"/conversations/{conversation}/resolve")


async def test_the_resume_rasa_could_not_take_is_kept_across_a_restart_and_sent_before_the_next_question(
        citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent], gateway: Gateway,
        rasa_link: BackgroundProxy) -> None:
    agent, _ = agents
    conversation = await ask_for_an_officer(citizen, agent)
    assert (await agent.post(f"/conversations/{conversation}/claim"))[0] == 200
    await citizen.replies(1)
    rasa_link.refuse()  # Rasa cannot be reached when the agent resolves: its tracker stays paused
    try:
        assert (await agent.post(f"/conversations/{conversation}/resolve"))[0] == 200
        [rating_question] = await citizen.replies(1)
        assert buttons_of(rating_question)
        await asyncio.to_thread(gateway.restart)  # and the gateway that owed Rasa the resume restarts
        await say(citizen, "syarat bikin kk baru apa")
        [disruption] = await citizen.replies(1, timeout=30)  # the question waits, the citizen is told
        assert "gangguan" in text_of(disruption)
    finally:
        rasa_link.passthrough()
    [answer] = await citizen.replies(1, timeout=60)
    assert "KK" in text_of(answer) or "Kartu Keluarga" in text_of(answer)


async def test_the_queue_and_its_waits_are_in_the_metrics(
        gateway: Gateway, citizen: TelegramCitizen, agents: tuple[ConsoleAgent, ConsoleAgent]) -> None:
    first, _ = agents
    before = await scrape(gateway.url)
    conversation = await ask_for_an_officer(citizen, first)
    queued = await scrape(gateway.url)
    assert grew(before, queued, "mpp_gateway_handoffs_total", reason="request_human") == 1
    assert value(queued, "mpp_gateway_handoff_queue_length") >= 1
    assert (await first.post(f"/conversations/{conversation}/claim"))[0] == 200
    claimed = await scrape(gateway.url)
    assert grew(queued, claimed, "mpp_gateway_handoff_wait_seconds_count") == 1
    assert value(claimed, "mpp_gateway_handoff_queue_length") == value(queued, "mpp_gateway_handoff_queue_length") - 1
    await first.post(f"/conversations/{conversation}/resolve")
