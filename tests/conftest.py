"""Session-wide fixtures: one trained model and one running stack (back office, actions, Rasa, gateway) for all tests.

The action server reaches the back office through a fault proxy, so a test can
make the back office slow or unreachable for the whole chain and restore it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from test_support.action_server import ActionServer
from test_support.background_proxy import BackgroundProxy
from test_support.backoffice import BackOffice
from test_support.fakes.graph_api import FakeGraphApi
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi
from test_support.gateway_server import TELEGRAM_TOKEN, WHATSAPP_ACCESS_TOKEN, WHATSAPP_PHONE_NUMBER_ID, Gateway
from test_support.rasa_server import RasaServer, trained_model


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


@pytest.fixture(scope="session")
def telegram_api() -> Iterator[InThread[FakeTelegramApi]]:
    """The fake Telegram Bot API the gateway's python-telegram-bot talks to."""
    runner = InThread(FakeTelegramApi(token=TELEGRAM_TOKEN))
    yield runner
    runner.close()


@pytest.fixture(scope="session")
def graph_api() -> Iterator[InThread[FakeGraphApi]]:
    """The fake WhatsApp Cloud API (Graph API messages endpoint)."""
    runner = InThread(FakeGraphApi(access_token=WHATSAPP_ACCESS_TOKEN, phone_number_id=WHATSAPP_PHONE_NUMBER_ID))
    yield runner
    runner.close()


@pytest.fixture(scope="session")
def rasa_link(rasa: RasaServer) -> Iterator[BackgroundProxy]:
    """The network between the gateway and Rasa (tests may break it; restore it after)."""
    proxy = BackgroundProxy("127.0.0.1", rasa.port)
    yield proxy
    proxy.close()


@pytest.fixture(scope="session")
def gateway(rasa_link: BackgroundProxy, telegram_api: InThread[FakeTelegramApi], graph_api: InThread[FakeGraphApi],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """The real gateway: Telegram in webhook mode and WhatsApp against the fakes, the web chat, Rasa behind."""
    server = Gateway(rasa_link.url, tmp_path_factory.mktemp("gateway"), telegram_api_url=telegram_api.server.base_url,
                     graph_api_url=graph_api.server.api_url,
                     # agents are on duty whatever the time of the test run; a lost agent is noticed fast
                     extra_env={"GATEWAY_OFFICE": "always-open", "GATEWAY_AGENT_GRACE_S": "3",
                                # every test comes from 127.0.0.1: the per-address limit is tested on its own
                                "GATEWAY_IP_PER_MINUTE": "0"}).start()
    yield server
    server.stop()
