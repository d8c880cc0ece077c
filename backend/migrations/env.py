"""Alembic environment of the back office: the URL comes from ``backend.migrate`` or the settings."""

from __future__ import annotations

from alembic import context

from backend.models import Base
from backend.settings import Settings
from storage.alembic_env import run_migrations

run_migrations(context, Base.metadata, Settings.from_env().database_url)
