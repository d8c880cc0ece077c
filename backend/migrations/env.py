"""Alembic environment: the URL comes from ``backend.migrate`` or the settings."""

from __future__ import annotations

from alembic import context

from backend.database import make_engine
from backend.models import Base
from backend.settings import Settings

config = context.config
database_url = config.attributes.get("database_url") or Settings.from_env().database_url


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (``alembic upgrade --sql``)."""
    context.configure(url=database_url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the database; batch mode lets SQLite alter tables by copying them."""
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
