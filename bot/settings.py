"""Typed settings of the gateway, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from storage.paths import ROOT

DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'bot' / 'gateway.db'}"
TELEGRAM_API = "https://api.telegram.org/bot"
GRAPH_API = "https://graph.facebook.com/v20.0"
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class TelegramSettings:
    """Telegram is on when a token is set; ``mode`` is ``webhook`` (production) or ``polling`` (local)."""

    token: str = ""
    mode: str = "polling"
    webhook_secret: str = ""
    webhook_url: str = ""  # public URL to register with setWebhook; empty: registered by the operator
    api_base_url: str = TELEGRAM_API

    @property
    def enabled(self) -> bool:
        return bool(self.token)


@dataclass(frozen=True)
class WhatsAppSettings:
    """WhatsApp Cloud API; on when an access token and a phone number id are set."""

    access_token: str = ""
    phone_number_id: str = ""
    app_secret: str = ""
    verify_token: str = ""
    api_base_url: str = GRAPH_API

    @property
    def enabled(self) -> bool:
        return bool(self.access_token and self.phone_number_id)


@dataclass(frozen=True)
class Settings:
    """Where the gateway listens, its database, and where Rasa is."""

    host: str = "127.0.0.1"
    port: int = 8080
    database_url: str = DEFAULT_DATABASE_URL
    auto_migrate: bool = True
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_timeout_s: float = 30.0
    rasa_token: str = ""  # GATEWAY_RASA_TOKEN: the token of the gateway channel in Rasa's credentials
    retry_max_delay_s: float = 30.0
    office: str = "default"
    queue_alert_s: float = 120.0
    agent_grace_s: float = 60.0
    # GATEWAY_PRESENCE_STALE_S: a worker silent this long is dead and its agents' grace starts
    presence_stale_s: float = 20.0
    secure_cookies: bool = False
    chat_per_minute: float = 20.0  # GATEWAY_CHAT_PER_MINUTE / GATEWAY_CHAT_BURST: messages of one chat
    chat_burst: int = 10
    ip_per_minute: float = 600.0  # GATEWAY_IP_PER_MINUTE / GATEWAY_IP_BURST: web chat and console requests
    ip_burst: int = 120
    lease_ttl_s: float = 30.0  # GATEWAY_LEASE_TTL_S: how long a dead worker's conversations wait (PostgreSQL)
    trust_forwarded: bool = False  # GATEWAY_TRUST_FORWARDED: behind our reverse proxy, read X-Forwarded-For
    metrics_token: str = ""  # GATEWAY_METRICS_TOKEN: when set, /metrics needs "Authorization: Bearer <token>"
    telegram: TelegramSettings = TelegramSettings()
    whatsapp: WhatsAppSettings = WhatsAppSettings()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read ``GATEWAY_*``, ``RASA_URL``, ``TELEGRAM_*`` and ``WHATSAPP_*``; unset keeps the default."""
        env = os.environ if environ is None else environ
        return cls(
            host=env.get("GATEWAY_HOST") or "127.0.0.1",
            port=int(env.get("GATEWAY_PORT") or 8080),
            database_url=env.get("GATEWAY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            auto_migrate=(env.get("GATEWAY_AUTO_MIGRATE") or "true").strip().lower() in _TRUE,
            rasa_url=(env.get("RASA_URL") or "http://127.0.0.1:5005").rstrip("/"),
            rasa_timeout_s=float(env.get("GATEWAY_RASA_TIMEOUT_S") or 30.0),
            rasa_token=env.get("GATEWAY_RASA_TOKEN") or "",
            retry_max_delay_s=float(env.get("GATEWAY_RETRY_MAX_DELAY_S") or 30.0),
            office=env.get("GATEWAY_OFFICE") or "default",
            queue_alert_s=float(env.get("GATEWAY_QUEUE_ALERT_S") or 120.0),
            agent_grace_s=float(env.get("GATEWAY_AGENT_GRACE_S") or 60.0),
            presence_stale_s=float(env.get("GATEWAY_PRESENCE_STALE_S") or 20.0),
            secure_cookies=(env.get("GATEWAY_SECURE_COOKIES") or "false").strip().lower() in _TRUE,
            chat_per_minute=float(env.get("GATEWAY_CHAT_PER_MINUTE") or 20.0),
            chat_burst=int(env.get("GATEWAY_CHAT_BURST") or 10),
            ip_per_minute=float(env.get("GATEWAY_IP_PER_MINUTE") or 600.0),
            ip_burst=int(env.get("GATEWAY_IP_BURST") or 120),
            lease_ttl_s=float(env.get("GATEWAY_LEASE_TTL_S") or 30.0),
            trust_forwarded=(env.get("GATEWAY_TRUST_FORWARDED") or "false").strip().lower() in _TRUE,
            metrics_token=env.get("GATEWAY_METRICS_TOKEN") or "",
            telegram=TelegramSettings(
                token=env.get("TELEGRAM_BOT_TOKEN") or "",
                mode=(env.get("TELEGRAM_MODE") or "polling").strip().lower(),
                webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or "",
                webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or "",
                api_base_url=env.get("TELEGRAM_API_BASE_URL") or TELEGRAM_API,
            ),
            whatsapp=WhatsAppSettings(
                access_token=env.get("WHATSAPP_ACCESS_TOKEN") or "",
                phone_number_id=env.get("WHATSAPP_PHONE_NUMBER_ID") or "",
                app_secret=env.get("WHATSAPP_APP_SECRET") or "",
                verify_token=env.get("WHATSAPP_VERIFY_TOKEN") or "",
                api_base_url=(env.get("WHATSAPP_API_BASE_URL") or GRAPH_API).rstrip("/"),
            ),
        )

    def check(self) -> list[str]:
        """Problems that would make a channel unsafe or useless, in plain words (empty when fine)."""
        problems = []
        if self.telegram.enabled and self.telegram.mode not in {"webhook", "polling"}:
            problems.append("TELEGRAM_MODE must be 'webhook' or 'polling'")
        if self.telegram.enabled and self.telegram.mode == "webhook" and not self.telegram.webhook_secret:
            problems.append("TELEGRAM_WEBHOOK_SECRET is required in webhook mode (forged updates are refused with it)")
        if self.whatsapp.enabled and not self.whatsapp.app_secret:
            problems.append("WHATSAPP_APP_SECRET is required: webhook signatures are checked with it")
        if self.whatsapp.enabled and not self.whatsapp.verify_token:
            problems.append("WHATSAPP_VERIFY_TOKEN is required for Meta's webhook verification")
        return problems
