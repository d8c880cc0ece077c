"""One real back office (SQLite, demo data seeded) for the client tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from test_support.backoffice import BackOffice


@pytest.fixture(scope="session")
def client_backoffice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    """Seeded with ``python -m backend seed`` only: the demo MPPs and records of docs/demo-data.md."""
    workdir = tmp_path_factory.mktemp("client_backoffice")
    office = BackOffice(f"sqlite:///{workdir / 'backoffice.db'}", workdir).start()
    try:
        yield office
    finally:
        office.stop()


@pytest.fixture(scope="session")
def backoffice_address(client_backoffice: BackOffice) -> tuple[str, int]:
    """Where the fault proxies forward to."""
    return ("127.0.0.1", client_backoffice.port)
