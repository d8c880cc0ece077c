"""``python -m bot agents ...``: create console accounts and reset passwords."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import sys

from bot.settings import Settings
from bot.store.agents import ROLES, AgentProblem, Agents
from bot.store.database import gateway_database
from bot.store.migrate import MIGRATIONS


def add_arguments(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    agents = commands.add_parser("agents", help="console accounts").add_subparsers(dest="action", required=True)
    create = agents.add_parser("create", help="create an agent or supervisor")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="the name citizens and colleagues see")
    create.add_argument("--role", choices=ROLES, default="agent")
    create.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    reset = agents.add_parser("reset-password", help="set a new password (ends the agent's sessions)")
    reset.add_argument("username")
    reset.add_argument("--password-stdin", action="store_true")


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise AgentProblem("the two passwords differ")
    return first


def run(settings: Settings, args: argparse.Namespace) -> int:
    MIGRATIONS.upgrade(settings.database_url)
    database = gateway_database(settings.database_url)
    agents = Agents(database)
    try:
        password = _password(args.password_stdin)
        if args.action == "create":
            created = asyncio.run(agents.create(args.username, args.name, args.role, password))
            print(f"created {created.role} {created.username} ({created.name})")
        else:
            asyncio.run(agents.reset_password(args.username, password))
            print(f"password of {args.username} reset; their sessions ended")
        return 0
    except AgentProblem as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    finally:
        database.close()
