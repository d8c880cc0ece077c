"""The production profile's Rasa servers, shared by the tests of tests/production/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from test_support.action_server import ActionServer
from test_support.backoffice import postgres_url
from test_support.production_services import (
    PRODUCTION_CREDENTIALS,
    PRODUCTION_ENDPOINTS,
    RABBITMQ,
    REDIS,
    ProductionRasa,
    production_env,
    rabbitmq_queue,
    require,
    unique_name,
)
from test_support.rasa_server import RasaServer


@pytest.fixture(scope="session")
def production(model: Path, action_server: ActionServer, tmp_path_factory: pytest.TempPathFactory
               ) -> Iterator[ProductionRasa]:
    require("Redis", REDIS)
    require("RabbitMQ", RABBITMQ)
    with postgres_url() as database_url, rabbitmq_queue("rasa_events_") as queue:
        env = production_env(database_url, unique_name("mpptest"), queue, action_server.webhook)
        endpoints = PRODUCTION_ENDPOINTS.read_text(encoding="utf-8")
        first = RasaServer(model, tmp_path_factory.mktemp("rasa_a"), endpoints=endpoints, extra_env=env,
                           credentials=PRODUCTION_CREDENTIALS).start()
        try:
            second = RasaServer(model, tmp_path_factory.mktemp("rasa_b"), endpoints=endpoints, extra_env=env,
                           credentials=PRODUCTION_CREDENTIALS).start()
        except BaseException:
            first.stop()
            raise
        try:
            yield ProductionRasa((first, second), database_url, env["REDIS_KEY_PREFIX"], env["RABBITMQ_QUEUE"])
        finally:
            first.stop()
            second.stop()


