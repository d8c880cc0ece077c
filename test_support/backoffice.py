"""A real back office (``python -m backend``) on a free port, and throw-away PostgreSQL databases."""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from test_support.paths import ROOT
from test_support.production_services import unavailable
from test_support.rasa_server import free_port
from test_support.server_process import stop_process, wait_until_answering

STARTUP_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
# Python 3.12+, like the gateway; MPP_BACKOFFICE_PYTHON points a benchmark at another environment
PYTHON = Path(os.environ.get("MPP_BACKOFFICE_PYTHON") or ROOT / ".venv-services" / "bin" / "python")
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432"


@dataclass
class BackOffice:
    """A ``python -m backend`` process with its own database, seeded with the demo data."""

    database_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "backoffice.log"

    def env(self) -> dict[str, str]:
        """The environment of every ``python -m backend`` command of this instance."""
        return {**os.environ, "BACKEND_DATABASE_URL": self.database_url, "BACKEND_HOST": "127.0.0.1",
                "BACKEND_PORT": str(self.port), **self.extra_env}

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``python -m backend <args>`` against this instance's database."""
        result = subprocess.run([str(PYTHON), "-m", "backend", *args],
                                cwd=ROOT, env=self.env(), text=True, capture_output=True, timeout=120)
        if check and result.returncode != 0:
            raise RuntimeError(f"python -m backend {' '.join(args)} failed:\n{result.stderr}")
        return result

    def start(self, seed: bool = True) -> BackOffice:
        """Seed (optionally), start the server and wait until /health answers."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        if seed:
            self.cli("seed")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([str(PYTHON), "-m", "backend"], cwd=ROOT, env=self.env(), stdout=log,
                                        stderr=subprocess.STDOUT)
        # any status counts: 503 when its database is down, which some tests want
        wait_until_answering(self.process, f"{self.url}/health", "the back office", self.log_path, STARTUP_TIMEOUT_S,
                             any_status=True)
        return self

    def stop(self) -> None:
        """Terminate the server (kill it if it does not stop in time)."""
        stop_process(self.process, STOP_TIMEOUT_S)


@contextmanager
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for the duration of the block (dropped afterwards).

    Without a reachable server the test is skipped, except on CI (``CI=true``) where it fails.
    """
    try:
        admin = psycopg2.connect(f"{POSTGRES_SERVER}/postgres", connect_timeout=3)
    except psycopg2.OperationalError as exc:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_SERVER} (trust auth, user postgres): {exc}".strip())
        raise  # unavailable() always raises (fail or skip)
    admin.autocommit = True
    name = f"backoffice_test_{secrets.token_hex(6)}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
