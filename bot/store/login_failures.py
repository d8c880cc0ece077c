"""The console's login throttle, counted in the database so that every gateway worker sees every
failure: at most ``MAX_FAILURES`` wrong passwords (or unknown usernames) per username within
``WINDOW``; a correct password clears the count."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.store.models import LoginFailure, utc_now
from storage.database import Database, bulk

MAX_FAILURES = 5
WINDOW = timedelta(minutes=5)
MAX_USERNAME = 64  # longer names cannot exist (agents.username); kept short in the table too


def _key(username: str) -> str:
    return username.strip().lower()[:MAX_USERNAME]


class LoginFailures:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def locked(self, username: str) -> bool:
        def work(session: Session) -> bool:
            recent = session.execute(select(func.count()).select_from(LoginFailure).where(
                LoginFailure.username == _key(username), LoginFailure.failed_at >= utc_now() - WINDOW)).scalar_one()
            return int(recent) >= MAX_FAILURES
        return await self.database.run(work)

    async def failed(self, username: str) -> None:
        def work(session: Session) -> None:
            now = utc_now()
            session.execute(bulk(delete(LoginFailure).where(LoginFailure.failed_at < now - WINDOW)))
            session.add(LoginFailure(username=_key(username), failed_at=now))
            session.commit()
        await self.database.run(work)

    async def succeeded(self, username: str) -> None:
        def work(session: Session) -> None:
            session.execute(bulk(delete(LoginFailure).where(LoginFailure.username == _key(username))))
            session.commit()
        await self.database.run(work)
