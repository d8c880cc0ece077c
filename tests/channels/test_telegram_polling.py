"""Telegram in long-polling mode (local use without a public URL): PTB's Updater against the fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from test_support.background_proxy import BackgroundProxy
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, callback_update, sticker_update, text_update
from test_support.gateway_server import TELEGRAM_TOKEN, Gateway

pytestmark = pytest.mark.slow
CHAT = 880_000_001


@pytest.fixture(scope="module")
def polling_api() -> Iterator[InThread[FakeTelegramApi]]:
    runner = InThread(FakeTelegramApi(token=TELEGRAM_TOKEN))
    yield runner
    runner.close()


@pytest.fixture(scope="module")
def polling_gateway(rasa_link: BackgroundProxy, polling_api: InThread[FakeTelegramApi],
                    tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    server = Gateway(rasa_link.url, tmp_path_factory.mktemp("polling-gateway"),
                     telegram_api_url=polling_api.server.base_url, telegram_mode="polling").start()
    yield server
    server.stop()


async def test_polled_updates_are_answered_like_webhook_ones(polling_gateway: Gateway,
                                                             polling_api: InThread[FakeTelegramApi]) -> None:
    api = polling_api.server
    polling_api.do(lambda: api.enqueue_update(text_update(CHAT, "halo")))
    [menu] = await polling_api.call(api.wait_for_messages(CHAT, 1, timeout=20))
    assert "Bapak/Ibu" in menu.params["text"]
    first_button = menu.params["reply_markup"]["inline_keyboard"][0][0]
    polling_api.do(lambda: api.enqueue_update(callback_update(CHAT, first_button["callback_data"],
                                                              menu.result["message_id"])))
    polling_api.do(lambda: api.enqueue_update(sticker_update(CHAT)))
    sent = await polling_api.call(api.wait_for_messages(CHAT, 3, timeout=20))
    assert first_button["text"].split()[0] in sent[1].params["text"]
    assert "stiker" in sent[2].params["text"]
    assert api.webhook_url == ""
