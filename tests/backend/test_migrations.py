"""Alembic migrations match the models on SQLite and PostgreSQL, and go down again."""

from __future__ import annotations

from pathlib import Path

from backend.migrate import MIGRATIONS
from backend.models import Base
from test_support.backoffice import postgres_url
from test_support.migrations_check import check_migrations


def test_migrations_on_sqlite(tmp_path: Path) -> None:
    check_migrations(MIGRATIONS, Base.metadata, f"sqlite:///{tmp_path / 'migrations.db'}")


def test_migrations_on_postgresql() -> None:
    with postgres_url() as url:
        check_migrations(MIGRATIONS, Base.metadata, url)
