"""A PostgreSQL and a Redis server of a test's own, so that a fault test can restart or stop them
without touching the machine's servers that every other test uses. Real servers (Debian's
binaries), on free ports, with their data in a temporary folder."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2

from test_support.production_services import unavailable
from test_support.rasa_server import free_port

POSTGRES_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), Path("/usr/bin"))
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    """PostgreSQL refuses to run as root: its commands run as the postgres user."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)


@dataclass
class PrivatePostgres:
    """Its data lives in a folder of its own under the system's temporary folder: the postgres user
    cannot enter pytest's (private to root)."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mpp-test-postgres-")))
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.workdir / "pgdata"

    @property
    def _options(self) -> str:
        return f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> PrivatePostgres:
        if not (POSTGRES_BIN / "initdb").exists():
            unavailable(f"PostgreSQL's server binaries are not in {POSTGRES_BIN}")
        if not self.data.exists():
            self.workdir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.workdir, "postgres")
            done = _as_postgres(str(POSTGRES_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
            assert done.returncode == 0, done.stderr
        self._ctl("start", "-w", "-o", self._options)
        return self

    def _ctl(self, *args: str) -> None:
        done = _as_postgres(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.workdir / "pg.log"),
                            *args)
        assert done.returncode == 0, f"pg_ctl {args[0]}: {done.stdout}{done.stderr}"

    def restart(self) -> None:
        """A fast restart: every connection is dropped, the server is back a moment later."""
        self._ctl("restart", "-w", "-m", "fast", "-o", self._options)

    def stop(self) -> None:
        if self.data.exists():
            _as_postgres(str(POSTGRES_BIN / "pg_ctl"), "-D", str(self.data), "stop", "-m", "immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)

    def create_database(self, name: str) -> str:
        admin = psycopg2.connect(self.url(), connect_timeout=5)
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
        return self.url(name)


@dataclass
class PrivateRedis:
    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> PrivateRedis:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.workdir)],
                                        stdout=(self.workdir / "redis.log").open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
