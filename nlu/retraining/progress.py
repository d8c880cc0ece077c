"""Progress bars for long steps, shown only when a person watches (stderr is a terminal)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Protocol, TypeVar

from tqdm import tqdm

T = TypeVar("T")


class Progress(Protocol):
    """Wraps an iterable to report how far a step has got."""

    def __call__(self, iterable: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]: ...


def no_progress(iterable: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """The default of library functions: silent."""
    return iterable


def terminal_progress(iterable: Iterable[T], desc: str, total: int | None = None) -> Iterable[T]:
    """A tqdm bar on stderr when it is a terminal; in pipes, CI logs and tests, the iterable as it is."""
    if not sys.stderr.isatty():
        return iterable
    return tqdm(iterable, desc=desc, total=total, file=sys.stderr, leave=False, dynamic_ncols=True)
