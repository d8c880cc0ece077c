"""A real Rasa server on a free port, for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from test_support.paths import ROOT
from test_support.server_process import stop_process, wait_until_answering

STARTUP_TIMEOUT_S = 240


def free_port() -> int:
    """Return a TCP port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def trained_model() -> Path:
    """Train (if the data or config changed) and return the model's path."""
    output = subprocess.run([str(ROOT / "scripts" / "train.sh")], cwd=ROOT, check=True, text=True,
                            stdout=subprocess.PIPE).stdout
    return ROOT / output.strip().splitlines()[-1]


@dataclass
class RasaServer:
    """A ``rasa run --enable-api`` process with its own tracker database."""

    model: Path
    workdir: Path
    endpoints: str | None = None
    action_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    credentials: Path = ROOT / "credentials.yml"
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> RasaServer:
        """Start the server and wait until it answers /status."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(self.endpoints or (
            "tracker_store:\n"
            "  type: rasa_server.compacting_tracker_store.CompactingSQLTrackerStore\n"
            "  dialect: sqlite\n"
            f"  db: {self.workdir / 'tracker.db'}\n"
            "  max_session_events: 80\n"
        ) + (f"action_endpoint:\n  url: {self.action_url}\n" if self.action_url else ""))
        log = (self.workdir / "rasa.log").open("ab")
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "rasa"), "run", "--enable-api", "--model", str(self.model),
             "--port", str(self.port), "--credentials", str(self.credentials),
             "--endpoints", str(endpoints)],
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", **self.extra_env},
        )
        wait_until_answering(self.process, f"{self.url}/status", "rasa", self.workdir / "rasa.log", STARTUP_TIMEOUT_S)
        return self

    def stop(self) -> None:
        """Stop the server."""
        stop_process(self.process, timeout_s=30)

    @contextmanager
    def frozen(self) -> Iterator[None]:
        """The server stopped in its tracks (SIGSTOP) meanwhile: requests wait in its socket, as
        for a server busy with a long turn."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    async def say(self, sender: str, text: str) -> list[dict]:
        """Send one message through the REST channel and return the bot's messages."""
        async with aiohttp.ClientSession() as session, session.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
        ) as response:
            response.raise_for_status()
            return list(await response.json())

    async def parse(self, text: str) -> dict:
        """Return the NLU result for ``text``."""
        async with aiohttp.ClientSession() as session, session.post(
            f"{self.url}/model/parse", json={"text": text}
        ) as response:
            response.raise_for_status()
            return dict(await response.json())
