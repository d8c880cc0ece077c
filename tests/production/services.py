"""The production profile's servers on this machine: PostgreSQL, Redis, RabbitMQ.

They run before a session and in CI. Without one, a test of the production profile is skipped on
a developer's machine and fails on CI (``CI=true``): CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import secrets
import socket

import pytest

REDIS = ("127.0.0.1", 6379)
RABBITMQ = ("127.0.0.1", 5672)
RABBITMQ_USER = RABBITMQ_PASSWORD = "guest"


def unavailable(message: str) -> None:
    """A server the test needs is missing: fail on CI, skip on a developer's machine."""
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require(name: str, address: tuple[str, int]) -> None:
    """Skip (locally) or fail (CI) when nothing listens at ``address``."""
    try:
        socket.create_connection(address, timeout=3).close()
    except OSError as problem:
        unavailable(f"{name} is not reachable at {address[0]}:{address[1]}: {problem}")


def unique_name(prefix: str) -> str:
    """Letters and digits only (Rasa's Redis key_prefix accepts nothing else)."""
    return f"{prefix}{secrets.token_hex(4)}"
