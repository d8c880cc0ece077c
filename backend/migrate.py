"""The back office's Alembic migrations (backend/migrations), driven from Python."""

from __future__ import annotations

from pathlib import Path

from storage.migrations import Migrations

MIGRATIONS = Migrations(Path(__file__).resolve().parent / "migrations")


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the schema up to ``revision``."""
    MIGRATIONS.upgrade(database_url, revision)


def downgrade(database_url: str, revision: str) -> None:
    """Take the schema down to ``revision`` (``base`` drops every table)."""
    MIGRATIONS.downgrade(database_url, revision)
