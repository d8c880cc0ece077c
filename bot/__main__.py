"""Command line of the gateway.

    python -m bot [serve] [--host H] [--port P]   serve the channels (migrates first unless GATEWAY_AUTO_MIGRATE=false)
    python -m bot migrate [--revision REV]        alembic upgrade (default head)
    python -m bot export [--out FILE]             transcripts as JSON lines, NIKs and phone numbers masked
    python -m bot agents create USER --name N [--role agent|supervisor] [--password-stdin]
    python -m bot agents reset-password USER [--password-stdin]
"""

from __future__ import annotations

import argparse
import dataclasses
import logging
import sys

from aiohttp import web

from bot import agents_cli
from bot.app import create_app
from bot.export import export_transcripts
from bot.settings import Settings
from bot.store.migrate import MIGRATIONS
from privacy.service_logs import PathOnlyAccessLogger, configure_logging

log = logging.getLogger("bot")


def serve(settings: Settings, args: argparse.Namespace) -> int:
    settings = dataclasses.replace(settings, host=args.host or settings.host, port=args.port or settings.port)
    problems = settings.check()
    if problems:
        for problem in problems:
            log.error("configuration: %s", problem)
        return 2
    if settings.auto_migrate:
        MIGRATIONS.upgrade(settings.database_url)
    channels = ["web"] + [name for name, on in (("telegram", settings.telegram.enabled),
                                                ("whatsapp", settings.whatsapp.enabled)) if on]
    log.info("gateway on http://%s:%d (chat: /chat; channels: %s; Rasa at %s)", settings.host, settings.port,
             ", ".join(channels), settings.rasa_url)
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None,
                access_log_class=PathOnlyAccessLogger)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="MPP Digital channel gateway")
    commands = parser.add_subparsers(dest="command")
    serve_parser = commands.add_parser("serve", help="serve Telegram, WhatsApp and the web chat")
    for target in (parser, serve_parser):
        target.add_argument("--host")
        target.add_argument("--port", type=int)
    migrate_parser = commands.add_parser("migrate", help="apply the database migrations")
    migrate_parser.add_argument("--revision", default="head")
    export_parser = commands.add_parser("export", help="transcripts as JSON lines with personal data masked")
    export_parser.add_argument("--out", default="-")
    agents_cli.add_arguments(commands)
    args = parser.parse_args(argv)
    configure_logging()
    settings = Settings.from_env()
    if args.command == "migrate":
        MIGRATIONS.upgrade(settings.database_url, args.revision)
        return 0
    if args.command == "agents":
        return agents_cli.run(settings, args)
    if args.command == "export":
        return export_transcripts(settings.database_url, args.out)
    return serve(settings, args)


if __name__ == "__main__":
    sys.exit(main())
