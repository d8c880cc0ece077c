"""The gateway's stores are tested on both databases it supports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store.database import gateway_database
from bot.store.migrate import MIGRATIONS
from storage.database import Database
from test_support.backoffice import postgres_url
from test_support.in_process_gateway import Gateways, migrate_template


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty gateway database: a SQLite file, then a throw-away PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gateway.db'}"
    else:
        with postgres_url() as url:
            yield url


@pytest.fixture
async def database(database_url: str) -> AsyncIterator[Database]:
    """``database_url`` migrated to the latest schema, opened as the gateway opens it."""
    MIGRATIONS.upgrade(database_url)
    opened = gateway_database(database_url)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def gateway_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite gateway database migrated once; the in-process tests start from copies of it."""
    return migrate_template(tmp_path_factory.mktemp("gateway_template") / "gateway.db")


@pytest.fixture
def gateways(gateway_template: Path, tmp_path: Path) -> Gateways:
    """``async with gateways() as gateway:`` the gateway's core in the test's event loop (see in_process.py)."""
    return Gateways(gateway_template, tmp_path)
