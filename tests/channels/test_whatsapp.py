"""WhatsApp end to end: signed Cloud API webhooks into the real gateway, answers through a fake
Graph API, with Rasa, the action server and the back office behind."""

from __future__ import annotations

import asyncio
import sqlite3

import aiohttp
import pytest

from test_support.fakes.graph_api import (
    FakeGraphApi,
    button_reply,
    list_reply,
    location_message,
    media_message,
    status_update,
    text_message,
    verify_subscription,
)
from test_support.fakes.in_thread import InThread
from test_support.gateway_server import WHATSAPP_VERIFY_TOKEN, Gateway
from test_support.whatsapp_chat import WhatsAppCitizen, choices_of, text_of

pytestmark = pytest.mark.slow


@pytest.fixture
def citizen(gateway: Gateway, graph_api: InThread[FakeGraphApi]) -> WhatsAppCitizen:
    return WhatsAppCitizen(gateway, graph_api)


async def test_meta_subscription_check_echoes_the_challenge_only_with_the_verify_token(gateway: Gateway) -> None:
    url = f"{gateway.url}/whatsapp/webhook"
    assert await verify_subscription(url, WHATSAPP_VERIFY_TOKEN, "1158201444") == (200, "1158201444")
    assert (await verify_subscription(url, "guess", "1158201444"))[0] == 403


async def test_a_greeting_gets_the_menu_as_a_list_and_a_chosen_row_is_followed(citizen: WhatsAppCitizen) -> None:
    status, seconds = await citizen.post(text_message(citizen.wa_id, "assalamualaikum"))
    assert status == 200 and seconds < 0.2
    [menu] = await citizen.replies(1)
    assert menu["interactive"]["type"] == "list"  # more than 3 choices
    rows = choices_of(menu)
    assert len(rows) <= 10
    kk = next(row for row in rows if row["title"].startswith("Kartu Keluarga"))
    await citizen.post(list_reply(citizen.wa_id, kk["id"], kk["title"], context_id="wamid.menu"))
    [answer] = await citizen.replies(1)
    assert "KK" in text_of(answer) or "Kartu Keluarga" in text_of(answer)


async def test_few_choices_come_as_reply_buttons(citizen: WhatsAppCitizen) -> None:
    await citizen.post(text_message(citizen.wa_id, "makasih ya"))
    [reply] = await citizen.replies(1)
    if reply["type"] == "interactive" and reply["interactive"]["type"] == "button":
        buttons = choices_of(reply)
        assert 1 <= len(buttons) <= 3 and all(len(b["title"]) <= 20 for b in buttons)
        await citizen.post(button_reply(citizen.wa_id, buttons[0]["id"], buttons[0]["title"]))
        assert await citizen.replies(1)
    else:
        assert "Sama-sama" in text_of(reply)


@pytest.mark.parametrize("kind, what", [("image", "foto"), ("sticker", "stiker"), ("audio", "pesan suara"),
                                        ("document", "dokumen"), ("video", "video")])
async def test_media_gets_a_polite_answer(citizen: WhatsAppCitizen, kind: str, what: str) -> None:
    assert (await citizen.post(media_message(citizen.wa_id, kind)))[0] == 200
    [reply] = await citizen.replies(1)
    assert what in text_of(reply)


async def test_a_location_gets_a_polite_answer(citizen: WhatsAppCitizen) -> None:
    await citizen.post(location_message(citizen.wa_id, -6.2, 106.8))
    [reply] = await citizen.replies(1)
    assert "lokasi" in text_of(reply)


async def test_forged_or_unsigned_notifications_are_refused(citizen: WhatsAppCitizen,
                                                            graph_api: InThread[FakeGraphApi]) -> None:
    assert (await citizen.post(text_message(citizen.wa_id, "halo"), forge=True))[0] == 401
    unsigned = b'{"object": "whatsapp_business_account"}'
    async with aiohttp.ClientSession() as session, session.post(citizen.webhook, data=unsigned) as answer:
        assert answer.status == 401
    await asyncio.sleep(1.0)
    assert graph_api.server.sent_to(citizen.wa_id) == []


async def test_a_redelivered_message_gets_no_second_reply(citizen: WhatsAppCitizen,
                                                          graph_api: InThread[FakeGraphApi]) -> None:
    notification = text_message(citizen.wa_id, "syarat akta kelahiran")
    await asyncio.gather(*(citizen.post(notification) for _ in range(3)))
    await citizen.replies(1)
    await citizen.post(notification)
    await asyncio.sleep(1.5)
    assert len(graph_api.server.sent_to(citizen.wa_id)) == 1


async def test_graph_api_errors_are_retried(citizen: WhatsAppCitizen, graph_api: InThread[FakeGraphApi]) -> None:
    graph_api.do(lambda: graph_api.server.fail_next(status=500, times=2))
    graph_api.do(lambda: graph_api.server.fail_next(status=429))
    await citizen.post(text_message(citizen.wa_id, "syarat bikin kia"))
    [reply] = await citizen.replies(1, timeout=20)
    assert "KIA" in text_of(reply)


async def test_status_callbacks_are_accepted_and_recorded(citizen: WhatsAppCitizen, gateway: Gateway) -> None:
    await citizen.post(text_message(citizen.wa_id, "jam buka mpp"))
    await citizen.replies(1)
    wamid = None
    for _ in range(50):  # the gateway records the wamid once the Graph API's answer is back
        with sqlite3.connect(gateway.workdir / "gateway.db") as db:
            [(wamid,)] = db.execute("SELECT external_id FROM messages WHERE address = ? AND direction = 'out'",
                                    (citizen.wa_id,)).fetchall()
        if wamid:
            break
        await asyncio.sleep(0.1)
    assert wamid
    for status in ("delivered", "read", "delivered"):  # the late "delivered" must not undo "read"
        assert (await citizen.post(status_update(wamid, citizen.wa_id, status)))[0] == 200
    assert (await citizen.post(status_update("wamid.unknown", citizen.wa_id, "delivered")))[0] == 200
    with sqlite3.connect(gateway.workdir / "gateway.db") as db:
        [(status,)] = db.execute("SELECT status FROM messages WHERE external_id = ?", (wamid,)).fetchall()
    assert status == "read"
