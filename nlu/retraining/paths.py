"""Default locations of the loop's inputs and working files, wherever ``mpp-nlu`` is started from."""

from __future__ import annotations

import os

from bot.settings import DEFAULT_DATABASE_URL
from storage.paths import ROOT

DATA_DIR = ROOT / "data" / "nlu"
DOMAIN_DIR = ROOT / "domain"
WORK_DIR = ROOT / "var" / "nlu-inbox"
LABELS_FILE = WORK_DIR / "labels.yml"
# The inbox as last listed: group ids are resolved against it when labels are saved.
INBOX_SNAPSHOT = WORK_DIR / "inbox.yml"
NEW_INTENTS_FILE = "new_intents.yml"


def default_database_url() -> str:
    """The gateway's transcript database: ``GATEWAY_DATABASE_URL``, else its SQLite file."""
    return os.environ.get("GATEWAY_DATABASE_URL") or DEFAULT_DATABASE_URL
