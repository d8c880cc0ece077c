"""The production profile on this machine for benchmarks: back office and gateway(s) on PostgreSQL,
Rasa server(s) with the PostgreSQL tracker store, the Redis lock store and the RabbitMQ broker
(deploy/rasa/endpoints.yml), Telegram in webhook mode against a fake Bot API in this process."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

from test_support.action_server import ActionServer
from test_support.backoffice import BackOffice, postgres_url
from test_support.fakes.in_thread import InThread
from test_support.fakes.telegram_api import FakeTelegramApi
from test_support.gateway_server import TELEGRAM_TOKEN, Gateway
from test_support.production_services import (
    PRODUCTION_CREDENTIALS,
    PRODUCTION_ENDPOINTS,
    production_env,
    rabbitmq_queue,
    unique_name,
)
from test_support.rasa_server import RasaServer, trained_model


@dataclass(frozen=True)
class ProductionStack:
    office: BackOffice
    actions: ActionServer
    rasa: list[RasaServer]
    gateways: list[Gateway]
    telegram_api: InThread[FakeTelegramApi]

    def processes(self) -> dict[str, int]:
        """Name -> pid of every server process."""
        named: list[tuple[str, subprocess.Popen[bytes] | None]] = [
            ("back office", self.office.process), ("actions", self.actions.process),
            *((f"rasa {n + 1}", server.process) for n, server in enumerate(self.rasa)),
            *((f"gateway {n + 1}", gateway.process) for n, gateway in enumerate(self.gateways))]
        return {name: process.pid for name, process in named if process is not None}


@contextmanager
def production_stack(work: Path, rasa_servers: int = 1, gateways: int = 1) -> Iterator[ProductionStack]:
    """Start everything on fresh PostgreSQL databases (dropped afterwards); stop it all at the end."""
    with ExitStack() as stack:
        api = InThread(FakeTelegramApi(token=TELEGRAM_TOKEN))
        stack.callback(api.close)
        office = BackOffice(stack.enter_context(postgres_url()), work / "backoffice").start()
        stack.callback(office.stop)
        actions = ActionServer(office.url, work / "actions").start()
        stack.callback(actions.stop)
        env = production_env(stack.enter_context(postgres_url()), unique_name("bench"),
                             stack.enter_context(rabbitmq_queue("bench_events_")), actions.webhook)
        servers, endpoints = [], PRODUCTION_ENDPOINTS.read_text("utf-8")
        for number in range(rasa_servers):
            server = RasaServer(trained_model(), work / f"rasa{number + 1}", endpoints=endpoints,
                                extra_env=env, credentials=PRODUCTION_CREDENTIALS)
            stack.callback(server.stop)
            servers.append(server.start())
        gateway_database = stack.enter_context(postgres_url())
        workers = []
        for number in range(gateways):
            gateway = Gateway(",".join(server.url for server in servers), work / f"gateway{number + 1}",
                              telegram_api_url=api.server.base_url, shared_database_url=gateway_database,
                              extra_env={"GATEWAY_RASA_TOKEN": env["GATEWAY_RASA_TOKEN"],
                                         "GATEWAY_CHAT_BURST": "100", "GATEWAY_IP_PER_MINUTE": "0"})
            stack.callback(gateway.stop)
            workers.append(gateway.start())
        yield ProductionStack(office, actions, servers, workers, api)
