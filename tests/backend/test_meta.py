"""Health, the OpenAPI document, and errors that are not about one resource."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from backend.app import create_app
from backend.settings import Settings
from test_support.backoffice import BackOffice
from test_support.backoffice_helpers import get_json


async def test_health(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    assert await get_json(http, f"{backoffice.url}/health") == (200, {"status": "ok", "database": "ok"})


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


async def test_openapi_lists_every_route(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, document = await get_json(http, f"{backoffice.url}/openapi.json")
    assert status == 200
    assert document["openapi"].startswith("3.0.")
    assert {"title", "version"} <= set(document["info"])
    routes = [route for route in create_app(Settings()).router.routes() if route.method != "HEAD"]
    assert len(routes) >= 13
    for route in routes:
        path = route.resource.canonical if route.resource else ""
        assert route.method.lower() in document["paths"][path], f"{route.method} {path} missing"
    schemas = document["components"]["schemas"]
    assert {"BookingRequest", "BookingOut", "MppOut", "ErrorOut", "ApplicationLookup"} <= set(schemas)
    for ref in _refs(document):
        assert ref.removeprefix("#/components/schemas/") in schemas, ref
    booking = document["paths"]["/bookings"]["post"]
    assert {"name": "Idempotency-Key", "in": "header"}.items() <= booking["parameters"][0].items()
    assert {"200", "201", "400", "404", "409", "422"} <= set(booking["responses"])


async def test_unknown_path_is_a_json_404(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{backoffice.url}/no-such-thing")
    assert status == 404
    assert body["error"]["code"] == "not_found"


async def test_wrong_method_is_a_json_405(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    async with http.delete(f"{backoffice.url}/bookings") as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"
        assert (await response.json())["error"]["code"] == "method_not_allowed"


async def test_too_large_body_is_a_json_413(backoffice: BackOffice, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{backoffice.url}/residents/check", data="x" * 200_000) as response:
        assert response.status == 413
        assert (await response.json())["error"]["code"] == "payload_too_large"


@pytest.fixture(scope="module")
def unreachable_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    """A back office whose PostgreSQL does not exist (nothing listens on port 1)."""
    office = BackOffice("postgresql://postgres@127.0.0.1:1/nothing", tmp_path_factory.mktemp("nodb"),
                        extra_env={"BACKEND_AUTO_MIGRATE": "false"}).start(seed=False)
    yield office
    office.stop()


async def test_health_is_503_without_database(unreachable_database: BackOffice,
                                              http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{unreachable_database.url}/health")
    assert (status, body) == (503, {"status": "unavailable", "database": "unreachable"})


async def test_unexpected_failure_is_500_without_trace(unreachable_database: BackOffice,
                                                       http: aiohttp.ClientSession) -> None:
    status, body = await get_json(http, f"{unreachable_database.url}/mpps")
    assert status == 500
    assert body["error"]["code"] == "internal"
    assert "Traceback" not in str(body) and "psycopg2" not in str(body)
    assert "OperationalError" in Path(unreachable_database.log_path).read_text()  # logged for the operator
