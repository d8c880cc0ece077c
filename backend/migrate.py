"""The back office's Alembic migrations (backend/migrations), driven from Python."""

from __future__ import annotations

from pathlib import Path

from storage.migrations import Migrations

MIGRATIONS = Migrations(Path(__file__).resolve().parent / "migrations")
