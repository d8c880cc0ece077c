"""The body of every service's Alembic env.py: online and offline migration of one database URL."""

from __future__ import annotations

from typing import Any

from storage.database import make_engine


def run_migrations(context: Any, metadata: Any, default_url: str) -> None:
    """Migrate the URL handed over by ``storage.migrations`` (else ``default_url``) to the scripts' head.

    Batch mode lets SQLite alter tables by copying them; offline mode prints the SQL instead.
    """
    database_url = context.config.attributes.get("database_url") or default_url
    if context.is_offline_mode():
        context.configure(url=database_url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.connect() as connection:
            context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                              compare_type=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
