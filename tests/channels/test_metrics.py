"""The gateway's and the back office's /metrics, read while citizens use the real stack.

The handoff queue metrics are checked in tests/channels/test_handoff.py.
"""

from __future__ import annotations

import aiohttp
import pytest

from test_support.backoffice import BackOffice
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi, text_update
from test_support.gateway_server import Gateway
from test_support.metrics_reader import grew, scrape, value
from test_support.telegram_chat import TelegramCitizen

pytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope="session")]
# Death told in a euphemism: the model does not understand it (nlu_fallback; see test_support/seeded_retraining.py).
NOT_UNDERSTOOD = "ayah kembali ke rahmatullah, urusan administrasinya gmn"


async def test_messages_latency_and_fallbacks_are_counted(gateway: Gateway,
                                                         telegram_api: InThread[FakeTelegramApi]) -> None:
    before = await scrape(gateway.url)
    citizen = TelegramCitizen(gateway, telegram_api)
    for text in ("syarat bikin ktp baru apa saja", NOT_UNDERSTOOD):
        assert (await citizen.post(text_update(citizen.chat_id, text)))[0] == 200
        await citizen.replies(1)
    forged = await citizen.post(text_update(citizen.chat_id, "palsu"), secret="not-the-secret")
    assert forged[0] == 401
    after = await scrape(gateway.url)

    assert grew(before, after, "mpp_gateway_messages_total", channel="telegram", direction="in") == 2
    assert grew(before, after, "mpp_gateway_messages_total", channel="telegram", direction="out") >= 2
    assert grew(before, after, "mpp_gateway_turn_seconds_count", channel="telegram") == 2
    assert grew(before, after, "mpp_gateway_nlu_turns_total", understood="true") == 1
    assert grew(before, after, "mpp_gateway_nlu_turns_total", understood="false") == 1
    assert grew(before, after, "mpp_gateway_http_requests_total", route="/telegram/webhook", status="200") == 2
    assert grew(before, after, "mpp_gateway_http_requests_total", route="/telegram/webhook", status="401") == 1
    # every turn took more than nothing and less than the largest bucket
    assert 0 < grew(before, after, "mpp_gateway_turn_seconds_sum", channel="telegram") < 60
    assert value(after, "mpp_gateway_handoff_queue_length") >= 0


async def test_the_back_office_counts_requests_by_route(demo_backoffice: BackOffice) -> None:
    before = await scrape(demo_backoffice.url)
    async with aiohttp.ClientSession() as http:
        for path in ("/mpps/1", "/mpps/999999", "/bookings/NOPE-123"):
            async with http.get(f"{demo_backoffice.url}{path}") as answer:
                await answer.read()
    after = await scrape(demo_backoffice.url)
    counted = "mpp_backoffice_http_requests_total"
    assert grew(before, after, counted, route="/mpps/{mpp_id}", method="GET") == 2
    # a refused request (no citizen_ref) is counted under its route with its 4xx status
    assert grew(before, after, counted, route="/bookings/{code}", method="GET") == 1
    assert grew(before, after, counted, route="/bookings/{code}", method="GET", status="200") == 0
    assert grew(before, after, "mpp_backoffice_http_request_duration_seconds_count", route="/mpps/{mpp_id}") == 2
