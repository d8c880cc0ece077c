"""The message pipeline in-process (bot/core.py on SQLite, a fake Rasa, recording channels): what a
citizen receives when updates are redelivered, when they write several messages at once, when Rasa
is down or answers errors, and when they flood the chat."""

from __future__ import annotations

import asyncio
import itertools

from bot.messages import BotMessage, Channel, InboundKind
from test_support.in_process_gateway import MAX_RETRY_S, REPLIES, FakeRasa, Gateways, answer_to, until

DISRUPTION = REPLIES.say("rasa_disruption")
STRANDED = BotMessage("Berkas dapat diambil besok di loket 3.")


async def test_a_redelivered_update_gets_no_second_answer(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("1001")
        update = citizen.message("jam buka mpp tegal")
        assert await gateway.core.pipeline.accept(update) is not None
        await gateway.settle()
        assert await gateway.core.pipeline.accept(update) is None  # Telegram retried: its 200 was lost
        await gateway.settle()
        assert citizen.heard() == [answer_to("jam buka mpp tegal")]
        assert gateway.rasa.texts() == ["jam buka mpp tegal"]


async def test_an_update_delivered_three_times_at_once_is_answered_once(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("1002")
        update = citizen.message("syarat kk baru")
        accepted = await asyncio.gather(*(gateway.core.pipeline.accept(update) for _ in range(3)))
        await gateway.settle()
        assert sum(stored is not None for stored in accepted) == 1
        assert citizen.heard() == [answer_to("syarat kk baru")]
        # the same update id on another channel is another message
        other = gateway.citizen("1002", Channel.WHATSAPP)
        assert await gateway.core.pipeline.accept(other.message("syarat kk baru", external_id=update.external_id))
        await gateway.settle()
        assert other.heard() == [answer_to("syarat kk baru")]


async def test_messages_of_one_conversation_are_answered_in_the_order_they_were_written(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen, neighbour = gateway.citizen("2001"), gateway.citizen("2002")
        texts = [f"pertanyaan {n}" for n in range(5)]
        gateway.rasa.slow = {text: 0.2 - 0.05 * n for n, text in enumerate(texts)}  # the first takes longest
        await citizen.says(*texts)
        await neighbour.says("pertanyaan tetangga")
        await gateway.settle()
        assert citizen.heard() == [answer_to(text) for text in texts]
        assert not gateway.rasa.overlapped  # one turn at a time per conversation
        # another conversation does not wait behind them
        addresses = [address for address, _ in gateway.senders[Channel.TELEGRAM].sent]
        assert addresses.index("2002") < addresses.index("2001")
        assert neighbour.heard() == [answer_to("pertanyaan tetangga")]


async def test_rasa_down_the_message_is_kept_the_citizen_told_once_and_answered_when_rasa_is_back(
        gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("3001")
        gateway.rasa.unreachable_for = 6
        await citizen.says("syarat akta kelahiran", "berapa lama jadinya")
        await gateway.settle()
        assert citizen.heard() == [DISRUPTION, answer_to("syarat akta kelahiran"), answer_to("berapa lama jadinya")]
        assert gateway.rasa.texts() == ["syarat akta kelahiran"] * 7 + ["berapa lama jadinya"]
        assert await gateway.statuses(citizen) == ["answered", "answered"]
        # backoff: 10 ms doubling to at most 40 ms between tries (a sleep is never shorter than asked)
        tries = [turn.at for turn in gateway.rasa.turns[:7]]
        gaps = [later - earlier for earlier, later in itertools.pairwise(tries)]
        for gap, least in zip(gaps, [0.01, 0.02, 0.04, MAX_RETRY_S, MAX_RETRY_S, MAX_RETRY_S]):
            assert gap >= least * 0.9
        assert sum(gaps[-3:]) < 0.3  # capped: doubling on would have waited 0.08 + 0.16 + 0.32 s


async def test_a_blip_of_rasa_is_retried_without_telling_the_citizen(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("3002")
        gateway.rasa.unreachable_for = 1
        await citizen.says("cek status permohonan")
        await gateway.settle()
        assert citizen.heard() == [answer_to("cek status permohonan")]
        assert gateway.rasa.texts() == ["cek status permohonan"] * 2


async def test_a_message_accepted_while_rasa_is_down_is_answered_after_a_restart(gateways: Gateways) -> None:
    rasa = FakeRasa()
    rasa.down = True
    async with gateways(rasa) as first:
        citizen = first.citizen("3003")
        await citizen.says("cara perpanjang sip")
        await until(lambda: DISRUPTION in citizen.heard())
        database_url = first.database_url
    rasa.down = False
    async with gateways(rasa, database_url=database_url) as second:
        assert await second.core.pipeline.recover() == 1
        await second.settle()
        citizen = second.citizen("3003")
        assert citizen.heard() == [answer_to("cara perpanjang sip")]
        assert await second.statuses(citizen) == ["answered"]


async def test_an_error_answer_is_tried_three_times_then_the_citizen_is_asked_to_rephrase(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("4001")
        gateway.rasa.failing = True
        await citizen.says("pesan yang selalu gagal")
        await gateway.settle()
        assert gateway.rasa.texts() == ["pesan yang selalu gagal"] * 3
        # told of the disruption after the second try (as for an outage), then asked to rephrase
        assert citizen.heard() == [DISRUPTION, REPLIES.say("rasa_failed")]
        assert await gateway.statuses(citizen) == ["failed"]
        # the conversation is not blocked behind it
        gateway.rasa.failing = False
        await citizen.says("jam buka mpp")
        await gateway.settle()
        assert citizen.heard()[-1] == answer_to("jam buka mpp")


async def test_a_flooding_chat_is_told_once_per_streak_and_its_neighbour_is_not_slowed(gateways: Gateways) -> None:
    now = [0.0]
    async with gateways(clock=lambda: now[0], chat_per_minute=60, chat_burst=3) as gateway:
        flooder, neighbour = gateway.citizen("5001"), gateway.citizen("5002")
        texts = [f"pesan {n}" for n in range(6)]
        await flooder.says(*texts)
        await neighbour.says("jam buka mpp")
        await gateway.settle()
        assert flooder.heard() == [answer_to(text) for text in texts[:3]] + [REPLIES.say("rate_limited")]
        assert neighbour.heard() == [answer_to("jam buka mpp")]
        assert sorted(gateway.rasa.texts()) == sorted([*texts[:3], "jam buka mpp"])  # the rest never reached Rasa
        # kept in the transcript, marked
        assert await gateway.statuses(flooder) == ["answered"] * 3 + ["rate_limited"] * 3
        now[0] += 2.0  # 60 a minute: two messages' worth back
        await flooder.says("pesan 6", "pesan 7", "pesan 8")
        await gateway.settle()
        assert flooder.heard()[4:] == [answer_to("pesan 6"), answer_to("pesan 7"), REPLIES.say("rate_limited")]


async def test_what_rasa_should_not_see_is_answered_by_the_gateway(gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("6001")
        pipeline = gateway.core.pipeline
        await pipeline.accept(citizen.message("", InboundKind.UNSUPPORTED, media="sticker"))
        await pipeline.accept(citizen.message("jam buka", InboundKind.EDITED))
        await pipeline.accept(citizen.message("Menu", InboundKind.BUTTON, payload=None))
        await pipeline.accept(citizen.message("start", InboundKind.COMMAND))
        await gateway.settle()
        assert citizen.heard() == [REPLIES.say("unsupported_media", media=REPLIES.media("sticker")),
                                   REPLIES.say("edited_message"), REPLIES.say("expired_button"), answer_to("/greet")]
        assert gateway.rasa.texts() == ["/greet"]


async def test_an_answer_stored_but_never_sent_is_sent_once_and_a_refusing_channel_blocks_nothing(
        gateways: Gateways) -> None:
    async with gateways() as gateway:
        citizen = gateway.citizen("7001")
        [stored] = await citizen.says("halo")
        await gateway.settle()
        assert stored is not None
        # as if a worker had died between storing this answer and handing it to Telegram
        await gateway.core.store.add_outbound(stored, STRANDED)
        delivery = gateway.core.delivery
        assert await delivery.resend_stranded(0.0) == 1
        assert await delivery.resend_stranded(0.0) == 0
        assert citizen.heard() == [answer_to("halo"), STRANDED.text]
        # the citizen blocked the bot: the answer is marked failed, the next one still goes out
        gateway.senders[Channel.TELEGRAM].refusing = True
        await citizen.says("apakah ada orang")
        await gateway.settle()
        gateway.senders[Channel.TELEGRAM].refusing = False
        await citizen.says("jam buka mpp")
        await gateway.settle()
        assert citizen.heard()[-1] == answer_to("jam buka mpp")
        assert answer_to("apakah ada orang") not in citizen.heard()


async def test_an_answer_for_a_closed_web_page_waits_for_the_page_to_come_back(gateways: Gateways) -> None:
    async with gateways() as gateway:
        visitor = gateway.citizen("sesi-web-0001", Channel.WEB)
        gateway.senders[Channel.WEB].closed = True  # the tab was closed right after sending
        await visitor.says("jam buka mpp")
        await gateway.settle()
        assert visitor.heard() == []
        # what the page is sent with the history when it reconnects
        history = await gateway.core.store.transcript_of_address(Channel.WEB, "sesi-web-0001")
        assert [(line.text, line.status) for line in history] == [
            ("jam buka mpp", "answered"), (answer_to("jam buka mpp"), "pending")]
        assert await gateway.core.delivery.resend_stranded(0.0) == 0  # never pushed: the page collects it
