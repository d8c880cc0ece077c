"""Back offices for the tests: one on SQLite and one on PostgreSQL, seeded, with the test MPPs loaded."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from test_support.backoffice import BackOffice, postgres_url
from test_support.backoffice_helpers import write_directory


def _running(database_url: str, workdir: Path) -> Iterator[BackOffice]:
    office = BackOffice(database_url, workdir).start()
    try:
        office.cli("load-directory", str(write_directory(workdir / "directory.csv")))
        yield office
    finally:
        office.stop()


@pytest.fixture(scope="session")
def backoffice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    """The back office on a SQLite file."""
    workdir = tmp_path_factory.mktemp("backoffice")
    yield from _running(f"sqlite:///{workdir / 'backoffice.db'}", workdir)


@pytest.fixture(scope="session")
def backoffice_pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    """The back office on a throw-away PostgreSQL database."""
    with postgres_url() as url:
        yield from _running(url, tmp_path_factory.mktemp("backoffice_pg"))


@pytest_asyncio.fixture(loop_scope="function")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """An HTTP client for one test."""
    async with aiohttp.ClientSession() as session:
        yield session
