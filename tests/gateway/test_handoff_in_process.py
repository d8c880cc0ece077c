"""The handoff in-process (bot/core.py on SQLite, a fake Rasa, recording channels, console tabs
that record their events): what the citizen and the agent see from the request for an officer to
the rating, a cancelled wait, an agent who leaves, and a resume that waits for Rasa."""

from __future__ import annotations

import asyncio

from bot.messages import Button, InboundKind
from bot.store.handoff import RESUMED
from bot.store.statuses import ConversationStatus
from test_support.in_process_gateway import HANDOFF_WORD, REPLIES, Gateways, GatewayUnderTest, answer_to, until

QUEUED_FIRST_NO_ESTIMATE = REPLIES.say("handoff_queued", position="1", estimate=REPLIES.say("estimate_unknown"))


async def handed_over(gateway: GatewayUnderTest, address: str) -> str:
    """A citizen who asked for an officer and is queued; returns the conversation's id."""
    citizen = gateway.citizen(address)
    [stored] = await citizen.says(HANDOFF_WORD)
    await gateway.settle()
    assert stored is not None
    return stored.conversation_id


async def test_a_conversation_with_an_agent_goes_to_the_console_not_to_rasa(gateways: Gateways) -> None:
    async with gateways() as gateway:
        agent = await gateway.agent("siti")
        tab = await gateway.open_console(agent)
        citizen = gateway.citizen("8001")
        conversation = await handed_over(gateway, "8001")
        # Rasa's answer, then where the citizen stands (an agent is online: no history for an estimate yet)
        assert citizen.heard() == [answer_to(HANDOFF_WORD), QUEUED_FIRST_NO_ESTIMATE]
        assert {"type": "queue"} in tab.frames

        await citizen.says("halo, saya masih menunggu")
        await gateway.settle()
        assert gateway.rasa.texts() == [HANDOFF_WORD]  # not to Rasa
        assert "message" in tab.about(conversation)  # the agent's console is told
        assert (await gateway.statuses(citizen))[-1] == "forwarded"
        lines = await gateway.core.handoff_store.transcript(conversation)
        assert lines[-1].text == "halo, saya masih menunggu"

        await gateway.core.handoff.claim(conversation, agent)
        await gateway.core.handoff.reply(conversation, agent, "Selamat siang, dengan Siti. Ada yang bisa dibantu?")
        await gateway.core.pipeline.accept(citizen.message("", InboundKind.UNSUPPORTED, media="sticker"))
        await citizen.says("KTP saya hilang")
        await gateway.settle()
        assert citizen.heard()[2:] == [REPLIES.say("handoff_claimed", agent="Siti"),
                                       "Selamat siang, dengan Siti. Ada yang bisa dibantu?",
                                       REPLIES.say("unsupported_media", media=REPLIES.media("sticker"))]
        assert gateway.rasa.texts() == [HANDOFF_WORD]

        await gateway.core.handoff.resolve(conversation, agent)
        assert gateway.rasa.posted == [(gateway.rasa.turns[0].sender_id, RESUMED)]  # Rasa answers again
        rating = citizen.last_message()
        assert rating.text == REPLIES.say("csat_question")
        assert rating.buttons == tuple(Button(str(n), str(n)) for n in range(1, 6))
        await gateway.core.pipeline.accept(citizen.message("5", InboundKind.BUTTON, payload="5"))
        await gateway.settle()
        assert citizen.heard()[-1] == REPLIES.say("csat_thanks")
        assert await gateway.core.handoff_store.ratings(conversation) == [5]

        await citizen.says("jam buka mpp")
        await gateway.settle()
        assert citizen.heard()[-1] == answer_to("jam buka mpp")
        assert gateway.rasa.texts() == [HANDOFF_WORD, "jam buka mpp"]


async def test_batal_while_queued_goes_back_to_the_bot(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("8002")
        conversation = await handed_over(gateway, "8002")
        await citizen.says("batal", "jam buka mpp")
        await gateway.settle()
        assert citizen.heard()[2:] == [REPLIES.say("handoff_cancelled"), answer_to("jam buka mpp")]
        assert gateway.rasa.history == [f"turn {HANDOFF_WORD}", "events resume", "turn jam buka mpp"]
        view = await gateway.core.handoff_store.view(conversation)
        assert view is not None and view.status == ConversationStatus.BOT
        assert await gateway.statuses(citizen) == ["answered", "answered", "answered"]


async def test_the_next_question_after_a_handoff_waits_until_rasa_has_the_resume(gateways: Gateways) -> None:
    async with gateways() as gateway:
        agent = await gateway.agent("rahmat")
        citizen = gateway.citizen("8003")
        conversation = await handed_over(gateway, "8003")
        await gateway.core.handoff.claim(conversation, agent)
        gateway.rasa.down = True
        await gateway.core.handoff.resolve(conversation, agent)  # the resume cannot reach Rasa
        assert citizen.last_message().text == REPLIES.say("csat_question")
        await citizen.says("syarat kia")  # not a rating: for the bot, which is still paused
        await until(lambda: REPLIES.say("rasa_disruption") in citizen.heard())
        gateway.rasa.down = False
        await gateway.settle()
        assert citizen.heard()[-1] == answer_to("syarat kia")
        assert gateway.rasa.history == [f"turn {HANDOFF_WORD}", "events resume", "turn syarat kia"]


async def test_an_agent_who_leaves_hands_the_citizen_back_to_the_queue(gateways: Gateways) -> None:
    async with gateways(agent_grace_s=0.1) as gateway:
        agent = await gateway.agent("dewi")
        tab = await gateway.open_console(agent)
        citizen = gateway.citizen("8004")
        conversation = await handed_over(gateway, "8004")
        await gateway.core.handoff.claim(conversation, agent)
        await gateway.close_console(agent, tab)  # the connection is lost; not back within the grace period
        requeued = REPLIES.say("handoff_requeued", position="1")
        await until(lambda: requeued in citizen.heard())
        view = await gateway.core.handoff_store.view(conversation)
        assert view is not None and view.status == ConversationStatus.QUEUED
        assert citizen.heard()[2:] == [REPLIES.say("handoff_claimed", agent="Dewi"), requeued]


async def test_an_agent_back_within_the_grace_period_keeps_the_conversation(gateways: Gateways) -> None:
    async with gateways(agent_grace_s=0.1) as gateway:
        agent = await gateway.agent("budi")
        tab = await gateway.open_console(agent)
        citizen = gateway.citizen("8005")
        conversation = await handed_over(gateway, "8005")
        await gateway.core.handoff.claim(conversation, agent)
        await gateway.close_console(agent, tab)
        await gateway.open_console(agent)  # a reload of the page
        await asyncio.sleep(0.3)  # past the grace period
        view = await gateway.core.handoff_store.view(conversation)
        assert view is not None and view.status == ConversationStatus.ASSIGNED
        assert citizen.heard()[2:] == [REPLIES.say("handoff_claimed", agent="Budi")]
