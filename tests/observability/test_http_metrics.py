"""The shared HTTP metrics middleware and /metrics endpoint, on a small aiohttp app."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from prometheus_client import CollectorRegistry

from observability.http_metrics import HttpMetrics, metrics_endpoint
from test_support.metrics_reader import labels_of, scrape, value

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the loop of the (session-scoped by default) fixtures
TOKEN = "metrics-token-for-tests"


async def item(request: web.Request) -> web.Response:
    if request.match_info["number"] == "0":
        raise web.HTTPNotFound(text="no such item")
    if request.match_info["number"] == "boom":
        raise RuntimeError("a bug")
    return web.json_response({"number": request.match_info["number"]})


@pytest_asyncio.fixture
async def server() -> AsyncIterator[TestServer]:
    registry = CollectorRegistry()
    metrics = HttpMetrics(registry, "demo")
    app = web.Application(middlewares=[metrics.middleware])
    app.router.add_get("/items/{number}", item)
    app.router.add_get("/metrics", metrics_endpoint(registry, TOKEN))
    running = TestServer(app)
    await running.start_server()
    yield running
    await running.close()


async def get(server: TestServer, path: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(str(server.make_url(path))) as answer:
        return answer.status


async def test_requests_are_counted_by_route_pattern_and_status(server: TestServer) -> None:
    statuses = [await get(server, path) for path in ("/items/1", "/items/2", "/items/0", "/items/boom",
                                                     "/no/such/page/123")]
    assert statuses == [200, 200, 404, 500, 404]
    samples = await scrape(str(server.make_url("")).rstrip("/"), TOKEN)
    counted = "demo_http_requests_total"
    assert value(samples, counted, route="/items/{number}", method="GET", status="200") == 2
    assert value(samples, counted, route="/items/{number}", method="GET", status="404") == 1
    assert value(samples, counted, route="/items/{number}", method="GET", status="500") == 1
    # a path outside every route is one series, whatever was asked for
    assert value(samples, counted, route="unmatched", method="GET", status="404") == 1
    assert {labels["route"] for labels in labels_of(samples, counted)} == {"/items/{number}", "unmatched"}
    assert value(samples, "demo_http_request_duration_seconds_count", route="/items/{number}", method="GET") == 4


async def test_metrics_need_the_token_when_one_is_set(server: TestServer) -> None:
    assert await get(server, "/metrics") == 401
    async with aiohttp.ClientSession() as http, http.get(str(server.make_url("/metrics")),
                                                         headers={"Authorization": "Bearer wrong"}) as answer:
        assert answer.status == 401
