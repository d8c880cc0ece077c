"""Session-wide fixtures: one trained model and one running stack (back office, actions, Rasa) for all tests.

The action server reaches the back office through a fault proxy, so a test can
make the back office slow or unreachable for the whole chain and restore it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.action_server import ActionServer
from tests.background_proxy import BackgroundProxy
from tests.backoffice import BackOffice
from tests.rasa_server import RasaServer, trained_model


@pytest.fixture(scope="session")
def model() -> Path:
    """The model for the current data and config (trained once if needed)."""
    return trained_model()


@pytest.fixture(scope="session")
def demo_backoffice(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BackOffice]:
    """The back office on SQLite with the demo data, as `make run` has it."""
    workdir = tmp_path_factory.mktemp("demo_backoffice")
    office = BackOffice(f"sqlite:///{workdir / 'backoffice.db'}", workdir).start()
    yield office
    office.stop()


@pytest.fixture(scope="session")
def backoffice_link(demo_backoffice: BackOffice) -> Iterator[BackgroundProxy]:
    """The network between the action server and the back office (tests may break it; restore it after)."""
    proxy = BackgroundProxy("127.0.0.1", demo_backoffice.port)
    yield proxy
    proxy.close()


@pytest.fixture(scope="session")
def action_server(backoffice_link: BackgroundProxy, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionServer]:
    """The real action server; its circuit breaker retries after 1 s so that tests recover quickly."""
    server = ActionServer(backoffice_link.url, tmp_path_factory.mktemp("actions"),
                          extra_env={"BACKOFFICE_BREAKER_RESET_S": "1"}).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def rasa(model: Path, action_server: ActionServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RasaServer]:
    """A real Rasa server with the REST channel, a SQLite tracker store and the action server."""
    server = RasaServer(model, tmp_path_factory.mktemp("rasa"), action_url=action_server.webhook).start()
    yield server
    server.stop()
