"""Typed settings of the back office, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'backend' / 'backoffice.db'}"
DEFAULT_DIRECTORY_CSV = ROOT / "resources" / "mpp" / "mpp_directory.csv"
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Where the back office listens and which database it uses."""

    database_url: str = DEFAULT_DATABASE_URL
    host: str = "127.0.0.1"
    port: int = 8000
    auto_migrate: bool = True
    directory_csv: Path = DEFAULT_DIRECTORY_CSV
    metrics_token: str = ""  # BACKEND_METRICS_TOKEN: when set, /metrics needs "Authorization: Bearer <token>"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``BACKEND_*`` variables; anything unset keeps its default."""
        env = os.environ if environ is None else environ
        return cls(
            database_url=env.get("BACKEND_DATABASE_URL") or DEFAULT_DATABASE_URL,
            host=env.get("BACKEND_HOST") or "127.0.0.1",
            port=int(env.get("BACKEND_PORT") or 8000),
            auto_migrate=(env.get("BACKEND_AUTO_MIGRATE") or "true").strip().lower() in _TRUE,
            directory_csv=Path(env.get("BACKEND_DIRECTORY_CSV") or DEFAULT_DIRECTORY_CSV),
            metrics_token=env.get("BACKEND_METRICS_TOKEN") or "",
        )
