"""Two gateway workers on one PostgreSQL database in front of two Rasa servers (production Rasa
profile): one citizen's messages arriving at different workers are answered once each, in the
order they were accepted, and Rasa's tracker has them in that order."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg2
import pytest

from test_support.backoffice import postgres_url
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, text_update
from test_support.gateway_server import Gateway
from test_support.production_services import RASA_TOKEN, ProductionRasa, stored_events
from test_support.scale_out_citizens import QUESTIONS, answered, new_chat
from test_support.telegram_chat import TelegramCitizen, text_of

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
@pytest.fixture(scope="module")
def two_workers(production: ProductionRasa, telegram_api: InThread[FakeTelegramApi],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Gateway, Gateway, str]]:
    rasa_urls = ",".join(server.url for server in production.servers)
    with postgres_url() as database_url:
        workers = [Gateway(rasa_urls, tmp_path_factory.mktemp(f"gateway_{name}"),
                           telegram_api_url=telegram_api.server.base_url, shared_database_url=database_url,
                           extra_env={"GATEWAY_RASA_TOKEN": RASA_TOKEN})
                   for name in ("a", "b")]
        workers[0].start()
        try:
            workers[1].start()
            yield workers[0], workers[1], database_url
        finally:
            for worker in workers:
                worker.stop()


async def test_one_conversation_across_two_workers_keeps_its_order(
        two_workers: tuple[Gateway, Gateway, str], telegram_api: InThread[FakeTelegramApi],
        production: ProductionRasa) -> None:
    first, second, database_url = two_workers
    chat = new_chat()
    citizens = [TelegramCitizen(first, telegram_api, chat_id=chat), TelegramCitizen(second, telegram_api, chat_id=chat)]
    # one after the other, alternating workers, without waiting for the answers
    for number, (question, _) in enumerate(QUESTIONS):
        status, _ = await citizens[number % 2].post(text_update(chat, question, update_id=chat * 100 + number))
        assert status == 200
    replies = await citizens[0].replies(len(QUESTIONS), timeout=60)
    await asyncio.sleep(1.0)  # nothing more arrives: each message was answered once
    assert len(citizens[0].sent_so_far()) == len(QUESTIONS)
    assert answered([text_of(reply) for reply in replies]) == list(range(len(QUESTIONS)))

    with psycopg2.connect(database_url) as db, db.cursor() as cursor:
        cursor.execute("SELECT m.status, c.sender_id FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                       "WHERE m.direction = 'in' AND m.address = %s ORDER BY m.id", (str(chat),))
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM conversations WHERE lease_owner IS NOT NULL")
        (leased,) = cursor.fetchone()
    assert [status for status, _ in rows] == ["answered"] * len(QUESTIONS)
    assert leased == 0  # every lease was given back
    events = stored_events(production.database_url, rows[0][1])
    assert [event["text"] for event in events if event["event"] == "user"] == [q for q, _ in QUESTIONS]


async def test_many_citizens_spread_over_both_workers_are_each_answered_once(
        two_workers: tuple[Gateway, Gateway, str], telegram_api: InThread[FakeTelegramApi]) -> None:
    first, second, _ = two_workers

    async def one_citizen(number: int) -> list[int]:
        chat = new_chat()
        citizens = [TelegramCitizen(first, telegram_api, chat_id=chat),
                    TelegramCitizen(second, telegram_api, chat_id=chat)]
        asked = [(number + turn) % len(QUESTIONS) for turn in range(3)]
        for turn, question in enumerate(asked):
            await citizens[(number + turn) % 2].post(text_update(chat, QUESTIONS[question][0],
                                                                 update_id=chat * 100 + turn))
        replies = await citizens[0].replies(3, timeout=90)
        assert answered([text_of(reply) for reply in replies]) == asked
        return asked

    await asyncio.gather(*(one_citizen(number) for number in range(12)))
