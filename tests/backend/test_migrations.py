"""Alembic migrations match the models on SQLite and PostgreSQL, and go down again."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import make_engine
from backend.migrate import downgrade, upgrade
from backend.models import Base
from tests.backoffice import postgres_url


def check_migrations(url: str) -> None:
    upgrade(url)
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        downgrade(url, "base")
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()


def test_migrations_on_sqlite(tmp_path: Path) -> None:
    check_migrations(f"sqlite:///{tmp_path / 'migrations.db'}")


def test_migrations_on_postgresql() -> None:
    with postgres_url() as url:
        check_migrations(url)
