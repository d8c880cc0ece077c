"""The check every service's migrations pass: up to head matches the models, down to base empties."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storage.database import make_engine
from storage.migrations import Migrations


def check_migrations(migrations: Migrations, metadata: Any, url: str) -> None:
    migrations.upgrade(url)
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, metadata) == []
        migrations.downgrade(url, "base")
        assert inspect(engine).get_table_names() == ["alembic_version"]
    finally:
        engine.dispose()
