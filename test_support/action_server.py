"""A real action server (`rasa run actions`) on a free port, talking to a given back office."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from test_support.paths import ROOT
from test_support.rasa_server import free_port
from test_support.server_process import ServerProcess

STARTUP_TIMEOUT_S = 120


@dataclass
class ActionServer(ServerProcess):
    """The actions/ package served by rasa-sdk; ``backoffice_url`` may point through a fault proxy."""

    backoffice_url: str
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def webhook(self) -> str:
        return f"{self.url}/webhook"

    @property
    def log(self) -> Path:
        return self.workdir / "actions.log"

    def start(self) -> ActionServer:
        """Start the server and wait until it answers /health."""
        self.launch(
            [str(ROOT / ".venv" / "bin" / "rasa"), "run", "actions", "--actions", "actions", "--port", str(self.port)],
            {**os.environ, "BACKOFFICE_URL": self.backoffice_url, "RASA_TELEMETRY_ENABLED": "false",
             **self.extra_env},
            "/health", "the action server", STARTUP_TIMEOUT_S)
        return self
