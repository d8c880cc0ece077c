"""Default locations of the loop's inputs and working files, wherever ``mpp-nlu`` is started from."""

from __future__ import annotations

import os
from pathlib import Path

from bot.settings import DEFAULT_DATABASE_URL
from storage.paths import ROOT

# MPP_NLU_PROJECT runs the loop on another copy of the project (config.yml, domain/, data/, tests/nlu/,
# models/): the end-to-end test uses a copy, so the repository's data is never touched.
PROJECT = Path(os.environ.get("MPP_NLU_PROJECT") or ROOT)
DATA_DIR = PROJECT / "data" / "nlu"
DOMAIN_DIR = PROJECT / "domain"
MODELS_DIR = PROJECT / "models"
HELD_OUT = PROJECT / "tests" / "nlu" / "test_nlu.yml"
# the chat normaliser's (config.yml), shipped with the code: training runs from the repository too
LEXICON = ROOT / "resources" / "slang" / "lexicon.tsv"
REPORTS_DIR = PROJECT / "var" / "nlu-reports"
# MPP_NLU_WORK_DIR moves the working files (labels, inbox snapshot) for mpp-nlu and the console alike.
WORK_DIR = Path(os.environ.get("MPP_NLU_WORK_DIR") or PROJECT / "var" / "nlu-inbox")
LABELS_FILE = WORK_DIR / "labels.yml"
# The inbox as last listed: group ids are resolved against it when labels are saved.
INBOX_SNAPSHOT = WORK_DIR / "inbox.yml"
NEW_INTENTS_FILE = "new_intents.yml"


def default_database_url() -> str:
    """The gateway's transcript database: ``GATEWAY_DATABASE_URL``, else its SQLite file."""
    return os.environ.get("GATEWAY_DATABASE_URL") or DEFAULT_DATABASE_URL
