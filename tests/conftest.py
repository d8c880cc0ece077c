"""Session-wide fixtures: one trained model and one running Rasa server for all tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.rasa_server import RasaServer, trained_model


@pytest.fixture(scope="session")
def model() -> Path:
    """The model for the current data and config (trained once if needed)."""
    return trained_model()


@pytest.fixture(scope="session")
def rasa(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """A real Rasa server with the REST channel and a SQLite tracker store."""
    server = RasaServer(model, tmp_path_factory.mktemp("rasa")).start()
    yield server
    server.stop()
