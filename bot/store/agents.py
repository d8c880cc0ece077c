"""Call-centre agents: accounts with scrypt-hashed passwords, and console sessions."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store.models import Agent, AgentSession, utc_now
from storage.database import Database

ROLES = ("agent", "supervisor")
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
IDLE_TIMEOUT = timedelta(minutes=30)
MAX_SESSION = timedelta(hours=12)
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


# Checked when nobody matches, so that an unknown username costs as long as a wrong password.
_DUMMY_HASH = hash_password(secrets.token_hex(8))


@dataclass(frozen=True)
class AgentInfo:
    id: int
    username: str
    name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role == "supervisor"


@dataclass(frozen=True)
class ConsoleSession:
    agent: AgentInfo
    csrf: str


def _info(agent: Agent) -> AgentInfo:
    return AgentInfo(agent.id, agent.username, agent.name, agent.role)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AgentProblem(ValueError):
    """A request about an account that cannot be carried out (said in plain words)."""


class Agents:
    """Accounts and sessions of the console."""

    def __init__(self, database: Database) -> None:
        self.database = database

    async def create(self, username: str, name: str, role: str, password: str) -> AgentInfo:
        if role not in ROLES:
            raise AgentProblem(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AgentProblem(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        hashed = hash_password(password)

        def work(session: Session) -> AgentInfo:
            if session.execute(select(Agent.id).where(Agent.username == username)).first():
                raise AgentProblem(f"an agent named {username!r} exists already")
            agent = Agent(username=username, name=name, role=role, password_hash=hashed, created_at=utc_now())
            session.add(agent)
            session.commit()
            return _info(agent)
        return await self.database.run(work)

    async def reset_password(self, username: str, password: str) -> None:
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AgentProblem(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
        hashed = hash_password(password)

        def work(session: Session) -> None:
            agent = session.execute(select(Agent).where(Agent.username == username)).scalar_one_or_none()
            if agent is None:
                raise AgentProblem(f"no agent named {username!r}")
            agent.password_hash = hashed
            session.execute(delete(AgentSession).where(AgentSession.agent_id == agent.id))  # log out everywhere
            session.commit()
        await self.database.run(work)

    async def login(self, username: str, password: str) -> tuple[str, ConsoleSession] | None:
        """A new session token for the right password; None otherwise (same cost either way)."""
        def find(session: Session) -> Agent | None:
            return session.execute(select(Agent).where(Agent.username == username,
                                                       Agent.disabled.is_(False))).scalar_one_or_none()
        agent = await self.database.run(find)
        # scrypt takes ~50 ms of CPU on purpose: off the event loop
        matches = await asyncio.to_thread(password_matches, password, agent.password_hash if agent else _DUMMY_HASH)
        if not matches or agent is None:
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)

        def store(session: Session) -> None:
            now = utc_now()
            session.add(AgentSession(token_hash=_token_hash(token), agent_id=agent.id, csrf=csrf, created_at=now,
                                     last_seen_at=now))
            session.commit()
        await self.database.run(store)
        return token, ConsoleSession(_info(agent), csrf)

    async def session(self, token: str, now: datetime | None = None) -> ConsoleSession | None:
        """The live session of ``token`` (its idle clock restarts); None when unknown or expired."""
        def work(session: Session) -> ConsoleSession | None:
            moment = now or utc_now()
            row = session.execute(select(AgentSession, Agent).join(Agent, Agent.id == AgentSession.agent_id)
                                  .where(AgentSession.token_hash == _token_hash(token))).first()
            if row is None:
                return None
            live, agent = row
            if (agent.disabled or moment - live.last_seen_at > IDLE_TIMEOUT
                    or moment - live.created_at > MAX_SESSION):
                session.delete(live)
                session.commit()
                return None
            live.last_seen_at = moment
            session.commit()
            return ConsoleSession(_info(agent), live.csrf)
        return await self.database.run(work)

    async def logout(self, token: str) -> None:
        def work(session: Session) -> None:
            session.execute(delete(AgentSession).where(AgentSession.token_hash == _token_hash(token)))
            session.commit()
        await self.database.run(work)

    async def all(self) -> list[AgentInfo]:
        def work(session: Session) -> list[AgentInfo]:
            rows = session.execute(select(Agent).where(Agent.disabled.is_(False)).order_by(Agent.name)).scalars()
            return [_info(agent) for agent in rows]
        return await self.database.run(work)
