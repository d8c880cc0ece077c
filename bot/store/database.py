"""The gateway's database handle, configured the same way for the server and its tests."""

from __future__ import annotations

from storage.database import Database, threads_for


def gateway_database(url: str) -> Database:
    """SQLite gets one thread (one writer, no busy-wait sleeps); objects are not reloaded after a
    commit — the gateway reads them only to return their ids and fields, and reloading them all
    (SQLAlchemy's default) was a fifth of the gateway's CPU under load."""
    return Database(url, workers=threads_for(url), name="gateway", expire_on_commit=False)
