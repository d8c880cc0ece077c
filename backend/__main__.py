"""Command line of the back office.

    python -m backend [serve] [--host H] [--port P]   serve the API (migrates first unless BACKEND_AUTO_MIGRATE=false)
    python -m backend migrate [--revision REV]        alembic upgrade (default head)
    python -m backend seed [--reset]                  load the MPP directory and the demo data
    python -m backend load-directory FILE.csv         replace the MPP directory from an operator's CSV
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from backend.app import create_app
from backend.catalogue import Catalogue
from backend.directory_csv import DirectoryError, read_directory, replace_directory
from backend.migrate import MIGRATIONS
from backend.opening import utc_now
from backend.seed import SeedSources, seed
from backend.settings import Settings
from privacy.service_logs import PathOnlyAccessLogger, configure_logging
from regions.codes import load_region_codes
from storage.database import make_engine

log = logging.getLogger("backend")


def _with_session(settings: Settings, work: Callable[[Session], Any]) -> Any:
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        with Session(engine, future=True) as session:
            return work(session)
    finally:
        engine.dispose()


def serve(settings: Settings, args: argparse.Namespace) -> int:
    settings = dataclasses.replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    if settings.auto_migrate:
        MIGRATIONS.upgrade(settings.database_url)
    log.info("back office on http://%s:%d (OpenAPI at /openapi.json)", settings.host, settings.port)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log_class=PathOnlyAccessLogger)
    return 0


def run_migrate(settings: Settings, args: argparse.Namespace) -> int:
    MIGRATIONS.upgrade(settings.database_url, args.revision)
    return 0


def run_seed(settings: Settings, args: argparse.Namespace) -> int:
    MIGRATIONS.upgrade(settings.database_url)
    sources = SeedSources(settings.directory_csv, Catalogue.load(), load_region_codes())
    counts = _with_session(settings, lambda session: seed(session, sources, utc_now(), reset=args.reset))
    log.info("demo data loaded: %s", ", ".join(f"{count} {table}" for table, count in sorted(counts.items())))
    return 0


def load_directory(settings: Settings, args: argparse.Namespace) -> int:
    try:
        rows = read_directory(Path(args.csv), Catalogue.load(), load_region_codes())
    except (DirectoryError, OSError) as exc:
        print(f"Direktori MPP tidak diubah karena berkas {args.csv} bermasalah:\n{exc}", file=sys.stderr)
        return 1
    MIGRATIONS.upgrade(settings.database_url)
    _with_session(settings, lambda session: replace_directory(session, rows, utc_now()))
    log.info("MPP directory replaced: %d MPPs from %s", len(rows), args.csv)
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line (``serve`` is the default command)."""
    main = argparse.ArgumentParser(prog="python -m backend", description="MPP Digital back office")
    main.set_defaults(command=serve, host=None, port=None)
    commands = main.add_subparsers()
    serve_command = commands.add_parser("serve", help="serve the API")
    serve_command.set_defaults(command=serve)
    for target in (main, serve_command):
        target.add_argument("--host", help="listen address (default BACKEND_HOST or 127.0.0.1)")
        target.add_argument("--port", type=int, help="port (default BACKEND_PORT or 8000)")
    migrate_command = commands.add_parser("migrate", help="alembic upgrade")
    migrate_command.add_argument("--revision", default="head")
    migrate_command.set_defaults(command=run_migrate)
    seed_command = commands.add_parser("seed", help="load the MPP directory and the demo data")
    seed_command.add_argument("--reset", action="store_true", help="also forget demo bookings and lookup attempts")
    seed_command.set_defaults(command=run_seed)
    load_command = commands.add_parser("load-directory", help="replace the MPP directory from a CSV")
    load_command.add_argument("csv")
    load_command.set_defaults(command=load_directory)
    return main


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    args = parser().parse_args(argv)
    command: Callable[[Settings, argparse.Namespace], int] = args.command
    return command(Settings.from_env(), args)


if __name__ == "__main__":
    sys.exit(main())
