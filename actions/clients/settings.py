"""Settings of the back-office client, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import TypeVar

_T = TypeVar("_T", int, float)


@dataclass(frozen=True)
class BackOfficeSettings:
    """How the action server reaches the back office and how long it may wait.

    The defaults keep a citizen's answer under 5 s: ``deadline_s`` bounds a whole call
    (every attempt and every backoff sleep), which leaves about a second for Rasa's own work.
    """

    url: str = "http://127.0.0.1:8000"
    attempt_timeout_s: float = 1.5
    deadline_s: float = 4.0
    max_attempts: int = 3
    backoff_base_s: float = 0.2
    breaker_failure_threshold: int = 5
    breaker_reset_timeout_s: float = 15.0

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ValueError(f"back-office URL must be http(s), got {self.url!r}")
        for field in fields(self):
            value = getattr(self, field.name)
            if field.name != "url" and value <= 0:
                raise ValueError(f"back-office setting {field.name} must be positive, got {value!r}")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> BackOfficeSettings:
        """Read ``BACKOFFICE_*`` variables; unset ones keep their defaults.

        ``BACKOFFICE_URL``, ``BACKOFFICE_ATTEMPT_TIMEOUT_S``, ``BACKOFFICE_DEADLINE_S``,
        ``BACKOFFICE_MAX_ATTEMPTS``, ``BACKOFFICE_BACKOFF_BASE_S``,
        ``BACKOFFICE_BREAKER_THRESHOLD``, ``BACKOFFICE_BREAKER_RESET_S``.
        """
        env = os.environ if environ is None else environ
        default = cls()

        def read(name: str, parse: Callable[[str], _T], fallback: _T) -> _T:
            raw = env.get(name, "").strip()
            if not raw:
                return fallback
            try:
                return parse(raw)
            except ValueError:
                raise ValueError(f"{name} must be a number, got {raw!r}") from None

        return cls(
            url=env.get("BACKOFFICE_URL", "").strip().rstrip("/") or default.url,
            attempt_timeout_s=read("BACKOFFICE_ATTEMPT_TIMEOUT_S", float, default.attempt_timeout_s),
            deadline_s=read("BACKOFFICE_DEADLINE_S", float, default.deadline_s),
            max_attempts=read("BACKOFFICE_MAX_ATTEMPTS", int, default.max_attempts),
            backoff_base_s=read("BACKOFFICE_BACKOFF_BASE_S", float, default.backoff_base_s),
            breaker_failure_threshold=read("BACKOFFICE_BREAKER_THRESHOLD", int, default.breaker_failure_threshold),
            breaker_reset_timeout_s=read("BACKOFFICE_BREAKER_RESET_S", float, default.breaker_reset_timeout_s),
        )
