"""The whole assistant for a benchmark: back office, action server, Rasa and the gateway with
Telegram (webhook mode) pointed at a fake Bot API in this process."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from test_support.action_server import ActionServer
from test_support.backoffice import BackOffice
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi
from test_support.gateway_server import TELEGRAM_TOKEN, Gateway
from test_support.rasa_server import RasaServer, trained_model


@dataclass(frozen=True)
class Stack:
    office: BackOffice
    actions: ActionServer
    rasa: RasaServer
    gateway: Gateway
    telegram_api: InThread[FakeTelegramApi]


@contextmanager
def running_stack(work: Path, gateway_env: dict[str, str] | None = None, model: Path | None = None
                  ) -> Iterator[Stack]:
    """Start everything on fresh SQLite databases under ``work`` (with ``model``, default the one for
    the current data); stop it all afterwards."""
    work.mkdir(parents=True, exist_ok=True)
    for stale in work.glob("**/*.db"):
        stale.unlink()
    model = model or trained_model()
    api = InThread(FakeTelegramApi(token=TELEGRAM_TOKEN))
    office = BackOffice(f"sqlite:///{work / 'backoffice.db'}", work / "backoffice").start()
    actions = ActionServer(office.url, work / "actions").start()
    rasa = RasaServer(model, work / "rasa", action_url=actions.webhook).start()
    gateway = Gateway(rasa.url, work / "gateway", telegram_api_url=api.server.base_url,
                      extra_env=gateway_env or {}).start()
    try:
        yield Stack(office, actions, rasa, gateway, api)
    finally:
        gateway.stop()
        rasa.stop()
        actions.stop()
        office.stop()
        api.close()
