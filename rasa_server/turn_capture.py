"""Hands the tracker of the turn being handled back to the input channel that started it.

The gateway's input channel must answer with the turn's NLU result; asking the tracker store
for the tracker again would cost a second load on every turn. The channel opens a capture
(a context variable, so concurrent turns never see each other's) and the tracker store records
the tracker it saves at the end of the turn. Any other tracker store simply records nothing and
the channel falls back to loading the tracker.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass
class TurnCapture:
    """The tracker saved during the turn, if the tracker store reported it."""

    tracker: Any = None


_current: ContextVar[TurnCapture | None] = ContextVar("turn_capture", default=None)


@contextmanager
def capturing_turn() -> Iterator[TurnCapture]:
    """Capture the tracker saved while the block runs (in this task only)."""
    capture = TurnCapture()
    token = _current.set(capture)
    try:
        yield capture
    finally:
        _current.reset(token)


def record_saved_tracker(tracker: Any) -> None:
    """Called by the tracker store after saving: remember ``tracker`` for the channel waiting on it."""
    capture = _current.get()
    if capture is not None:
        capture.tracker = tracker
