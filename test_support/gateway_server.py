"""The real gateway (`python -m bot`) on a free port, for tests and benchmarks."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from test_support.paths import ROOT
from test_support.rasa_server import free_port
from test_support.server_process import ServerProcess

STARTUP_TIMEOUT_S = 60
TELEGRAM_TOKEN = "123456:TEST-gateway-token"
TELEGRAM_SECRET = "telegram-webhook-secret-for-tests"
WHATSAPP_ACCESS_TOKEN = "EAAG-test-access-token"
WHATSAPP_PHONE_NUMBER_ID = "109876543210"
WHATSAPP_APP_SECRET = "whatsapp-app-secret-for-tests"
WHATSAPP_VERIFY_TOKEN = "verify-me"
# the gateway's own environment (scripts/setup.sh: Python 3.12+, like the back office), as in production;
# MPP_GATEWAY_PYTHON points a benchmark at another one (docs/benchmarks.md compares two in one run)
GATEWAY_PYTHON = Path(os.environ.get("MPP_GATEWAY_PYTHON") or ROOT / ".venv-services" / "bin" / "python")


@dataclass
class Gateway(ServerProcess):
    """A gateway process with its own SQLite database; channels pointed at local fakes when given."""

    rasa_url: str
    workdir: Path
    telegram_api_url: str | None = None
    telegram_mode: str = "webhook"
    graph_api_url: str | None = None
    extra_env: dict[str, str] = field(default_factory=dict)
    shared_database_url: str | None = None  # several gateways on one (PostgreSQL) database
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def database_url(self) -> str:
        return self.shared_database_url or f"sqlite:///{self.workdir / 'gateway.db'}"

    @property
    def log(self) -> Path:
        return self.workdir / "gateway.log"

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "GATEWAY_PORT": str(self.port), "GATEWAY_DATABASE_URL": self.database_url,
               "RASA_URL": self.rasa_url, "GATEWAY_RETRY_MAX_DELAY_S": "1"}
        if self.telegram_api_url:
            env |= {"TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_MODE": self.telegram_mode,
                    "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET, "TELEGRAM_API_BASE_URL": self.telegram_api_url}
        if self.graph_api_url:
            env |= {
                "WHATSAPP_ACCESS_TOKEN": WHATSAPP_ACCESS_TOKEN, "WHATSAPP_PHONE_NUMBER_ID": WHATSAPP_PHONE_NUMBER_ID,
                "WHATSAPP_APP_SECRET": WHATSAPP_APP_SECRET, "WHATSAPP_VERIFY_TOKEN": WHATSAPP_VERIFY_TOKEN,
                "WHATSAPP_API_BASE_URL": self.graph_api_url,
            }
        return env | self.extra_env

    def start(self) -> Gateway:
        """Start the gateway and wait until it answers /healthz."""
        self.launch([str(GATEWAY_PYTHON), "-m", "bot", "serve"], self.environment(), "/healthz",
                    "the gateway", STARTUP_TIMEOUT_S)
        return self

    def create_agent(self, username: str, password: str, role: str = "agent", name: str | None = None) -> None:
        """``python -m bot agents create`` against this gateway's database, as an operator would."""
        subprocess.run([str(GATEWAY_PYTHON), "-m", "bot", "agents", "create", username,
                        "--name", name or username.title(), "--role", role, "--password-stdin"],
                       cwd=ROOT, env=self.environment(), input=f"{password}\n", text=True, check=True,
                       capture_output=True, timeout=60)

    def restart(self) -> Gateway:
        self.stop()
        return self.start()
