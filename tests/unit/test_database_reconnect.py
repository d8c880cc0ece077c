"""After PostgreSQL restarts, the pooled connections are dead: the next unit of work must still
succeed (on a new connection), and one cut off halfway must not be run a second time."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from storage.database import Database
from test_support.backoffice import postgres_url


@pytest.fixture
def database() -> Iterator[tuple[Database, str]]:
    with postgres_url() as url:
        opened = Database(url, workers=4)
        yield opened, url
        opened.close()


def drop_every_connection(url: str) -> int:
    """What a server restart does to the pool: every other session of the database ends."""
    with psycopg2.connect(url) as admin, admin.cursor() as cursor:
        cursor.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                       "WHERE datname = current_database() AND pid <> pg_backend_pid()")
        row = cursor.fetchone()
        assert row is not None
        return int(row[0])


def count_rows(session: Session) -> int:
    return int(session.execute(text("SELECT count(*) FROM visits")).scalar_one())


async def test_work_after_the_server_dropped_every_pooled_connection_succeeds(
        database: tuple[Database, str]) -> None:
    db, url = database

    def setup(session: Session) -> None:
        session.execute(text("CREATE TABLE visits (id serial PRIMARY KEY)"))
        session.commit()
    await db.run(setup)
    await asyncio.gather(*(db.run(count_rows) for _ in range(8)))  # several connections in the pool
    assert drop_every_connection(url) >= 1

    def visit(session: Session) -> int:
        session.execute(text("INSERT INTO visits DEFAULT VALUES"))
        session.commit()
        return count_rows(session)
    await asyncio.gather(*(db.run(visit) for _ in range(8)))
    assert await db.run(count_rows) == 8  # each once: none lost, none doubled


async def test_work_cut_off_after_it_began_is_not_run_again(database: tuple[Database, str]) -> None:
    db, url = database

    def setup(session: Session) -> None:
        session.execute(text("CREATE TABLE visits (id serial PRIMARY KEY)"))
        session.commit()
    await db.run(setup)
    runs = 0

    def cut_off_midway(session: Session) -> None:
        nonlocal runs
        runs += 1
        session.execute(text("INSERT INTO visits DEFAULT VALUES"))
        drop_every_connection(url)
        session.execute(text("INSERT INTO visits DEFAULT VALUES"))
        session.commit()
    with pytest.raises(DBAPIError):
        await db.run(cut_off_midway)
    assert runs == 1
    assert await db.run(count_rows) == 0
