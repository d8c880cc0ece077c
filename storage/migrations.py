"""Alembic, driven from Python: no alembic.ini, the URL is handed to the service's env.py."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config


class Migrations:
    """The migration scripts of one service (its ``migrations/`` folder)."""

    def __init__(self, script_location: Path) -> None:
        self.script_location = script_location

    def config(self, database_url: str) -> Config:
        """An Alembic config whose env.py migrates ``database_url``."""
        config = Config()
        config.set_main_option("script_location", str(self.script_location))
        # Passed as an attribute, not a main option, so a '%' in a password needs no escaping.
        config.attributes["database_url"] = database_url
        return config

    def upgrade(self, database_url: str, revision: str = "head") -> None:
        """Bring the schema up to ``revision``."""
        command.upgrade(self.config(database_url), revision)

    def downgrade(self, database_url: str, revision: str) -> None:
        """Take the schema down to ``revision`` (``base`` drops every table)."""
        command.downgrade(self.config(database_url), revision)
