"""Alembic environment of the gateway: the URL comes from ``bot.store.migrate`` or the settings."""

from __future__ import annotations

from alembic import context

from bot.settings import Settings
from bot.store.models import Base
from storage.alembic_env import run_migrations

run_migrations(context, Base.metadata, Settings.from_env().database_url)
