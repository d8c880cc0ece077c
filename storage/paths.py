"""Where the project lives, so every service finds var/ and resources/ wherever it is started from."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
