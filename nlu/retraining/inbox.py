"""The NLU inbox: candidate messages collapsed into groups a maintainer labels at once.

From :class:`~nlu.retraining.transcripts.Candidate` (already masked) to :class:`InboxGroup`:
exact duplicates (same :func:`~nlu.retraining.text.comparable` key) are counted once, texts
already in the training data or already labelled are dropped, similar texts are grouped
(:mod:`nlu.retraining.grouping`). Everything but :func:`inbox_from_database` is a pure function.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nlu.retraining.grouping import DEFAULT_SIMILARITY, Rewrite, group_similar
from nlu.retraining.progress import Progress, no_progress
from nlu.retraining.text import comparable, example_line
from nlu.retraining.training_data import read_training_data
from nlu.retraining.transcripts import (
    DEFAULT_CONFIDENCE_THRESHOLD,
    DEFAULT_HANDOFF_WINDOW,
    Candidate,
    Reason,
    load_candidates,
)
from storage.database import make_engine


@dataclass(frozen=True)
class TextCount:
    """One distinct text of a group and how many messages said it."""

    text: str
    count: int


@dataclass(frozen=True)
class InboxGroup:
    """Similar messages that one label covers.

    ``id`` is a hash of the group's sorted comparable texts: the same messages give the same id
    on every run, on every machine.
    """

    id: str
    representative: str
    texts: tuple[TextCount, ...]
    predicted_intent: str | None
    confidence: float | None
    count: int
    reasons: frozenset[Reason]


@dataclass
class DistinctText:
    """Messages with one comparable text, accumulated."""

    key: str
    spellings: Counter[str] = field(default_factory=Counter)
    intents: Counter[str] = field(default_factory=Counter)
    confidences: list[float] = field(default_factory=list)
    reasons: set[Reason] = field(default_factory=set)
    count: int = 0

    def add(self, candidate: Candidate) -> None:
        self.count += 1
        self.spellings[example_line(candidate.text)] += 1  # one line, no control characters
        if candidate.intent:
            self.intents[candidate.intent] += 1
        if candidate.confidence is not None:
            self.confidences.append(candidate.confidence)
        self.reasons |= candidate.reasons

    @property
    def text(self) -> str:
        """The most frequent spelling (the first seen on a tie)."""
        return self.spellings.most_common(1)[0][0]


def group_id(keys: Iterable[str]) -> str:
    """A stable id for a group of comparable texts."""
    return hashlib.sha256("\n".join(sorted(set(keys))).encode("utf-8")).hexdigest()[:12]


def distinct_texts(candidates: Iterable[Candidate], exclude: Iterable[str] = ()) -> list[DistinctText]:
    """Exact duplicates counted once, texts whose comparable key is in ``exclude`` dropped;
    most frequent first, then by text."""
    excluded = set(exclude)
    found: dict[str, DistinctText] = {}
    for candidate in candidates:
        key = comparable(candidate.text)
        if key and key not in excluded:
            found.setdefault(key, DistinctText(key)).add(candidate)
    return sorted(found.values(), key=lambda distinct: (-distinct.count, distinct.key))


def _summarise(members: Sequence[DistinctText]) -> InboxGroup:
    intents: Counter[str] = sum((member.intents for member in members), Counter())
    confidences = [value for member in members for value in member.confidences]
    # most common intent; on a tie the alphabetically first, so the result never depends on order
    predicted = min(intents, key=lambda intent: (-intents[intent], intent)) if intents else None
    ordered = sorted(members, key=lambda member: (-member.count, member.key))
    return InboxGroup(
        id=group_id(member.key for member in members),
        representative=members[0].text,
        texts=tuple(TextCount(member.text, member.count) for member in ordered),
        predicted_intent=predicted,
        confidence=round(sum(confidences) / len(confidences), 4) if confidences else None,
        count=sum(member.count for member in members),
        reasons=frozenset().union(*(member.reasons for member in members)),
    )


def build_inbox(candidates: Iterable[Candidate], known_texts: Iterable[str] = (), background: Sequence[str] = (),
                similarity: float = DEFAULT_SIMILARITY, rewrite: Rewrite | None = None,
                progress: Progress = no_progress) -> list[InboxGroup]:
    """Group candidates; ``known_texts`` are comparable keys to drop (training data, labelled texts),
    ``background`` texts (the training data) weigh n-grams. Most messages first."""
    distinct = distinct_texts(candidates, known_texts)
    clusters = group_similar([member.key for member in distinct], similarity, background, rewrite, progress)
    groups = [_summarise([distinct[index] for index in cluster]) for cluster in clusters]
    return sorted(groups, key=lambda group: (-group.count, comparable(group.representative), group.id))


def inbox_from_database(database_url: str, data_dir: Path, *, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
                        similarity: float = DEFAULT_SIMILARITY, handoff_window: int = DEFAULT_HANDOFF_WINDOW,
                        since: datetime | None = None, labelled_texts: Iterable[str] = (),
                        progress: Progress = no_progress) -> list[InboxGroup]:
    """The inbox of a transcript database against the training data in ``data_dir``.

    ``labelled_texts`` (texts with a label already, discarded ones included) are left out, so a
    message is never asked about twice.
    """
    engine = make_engine(database_url, pool_size=1)
    try:
        candidates = load_candidates(engine, threshold, handoff_window, since, progress)
    finally:
        engine.dispose()
    training = read_training_data(data_dir)
    known = training.known_texts() | {comparable(text) for text in labelled_texts}
    return build_inbox(candidates, known, sorted(training.known_texts()), similarity,
                       progress=progress)
