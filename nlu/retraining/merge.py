"""Labelled examples written into ``data/nlu`` as an ordinary, reviewable diff.

An example goes to the hand-written file that already has ``- intent: <name>``; an intent no
such file has goes to ``new_intents.yml`` (created when missing). Files are edited with a
ruamel.yaml round trip: order, comments, quotes and formatting stay, the ``examples`` literal
block (``|``) stays a literal block and new lines are appended at its end. A file the round trip
would reformat is refused rather than rewritten.

An example whose text (compared with :func:`~nlu.retraining.text.comparable`) already belongs to
another intent, or is labelled with two intents, is refused and listed in the conflict report;
one already in the same intent is skipped. Merging the same labels twice changes nothing.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from nlu.retraining.labels import Label
from nlu.retraining.paths import NEW_INTENTS_FILE
from nlu.retraining.progress import Progress, no_progress
from nlu.retraining.text import comparable, example_line
from nlu.retraining.training_data import read_training_data
from privacy.masking import MASK

NEW_FILE = 'version: "3.1"\nnlu:\n'
LABELS_SOURCE = "(labels)"


class MergeError(RuntimeError):
    """A data file that cannot be edited without changing more than the added examples."""


@dataclass(frozen=True)
class Conflict:
    """A labelled text that already has (or is also given) another intent."""

    text: str
    wanted_intent: str
    existing_intent: str
    file: str


@dataclass(frozen=True)
class FileChange:
    """The text of one data file before and after the merge ("" before: a new file)."""

    path: Path
    before: str
    after: str


@dataclass
class MergePlan:
    """What a merge adds, skips and refuses; nothing is written until :func:`apply_merge`."""

    added: dict[Path, dict[str, list[str]]] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    new_intents: list[str] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)

    @property
    def added_count(self) -> int:
        return sum(len(texts) for intents in self.added.values() for texts in intents.values())

    @property
    def masked_examples(self) -> list[str]:
        """Added examples with masked personal data ("3201********0002"): a reviewer should put a
        synthetic value in their place, or the model learns asterisks instead of a NIK."""
        return [text for intents in self.added.values() for texts in intents.values() for text in texts
                if MASK * 3 in text]

    def diff(self) -> str:
        """A unified diff of every changed file, as ``git diff`` would show it."""
        chunks: list[str] = []
        for change in self.changes:
            name = display_path(change.path)
            chunks += difflib.unified_diff(change.before.splitlines(keepends=True),
                                           change.after.splitlines(keepends=True),
                                           "/dev/null" if not change.before else f"a/{name}", f"b/{name}")
        return "".join(chunks)


def display_path(path: Path) -> str:
    """``path`` relative to the working directory when it is below it (as a reviewer sees it in a diff)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def round_trip_yaml() -> YAML:
    """The settings that reproduce this project's data files byte for byte."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True  # type: ignore[assignment]
    yaml.width = 100_000  # type: ignore[assignment]
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _dump(yaml: YAML, document: Any) -> str:
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue()


def _extend_block(block: str, lines: Sequence[str]) -> LiteralScalarString:
    """The ``examples`` block with ``- text`` lines at its end, still a literal block."""
    added = "".join(f"- {line}\n" for line in lines)
    if block.endswith("\n") or not block:
        return LiteralScalarString(block + added)
    return LiteralScalarString(block + "\n" + added.rstrip("\n"))  # "|-": keep the missing final newline


def render_file(path: Path, additions: dict[str, list[str]]) -> FileChange:
    """``path`` (may not exist yet) with ``additions`` (intent -> texts) appended, as text."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    yaml = round_trip_yaml()
    document = yaml.load(before or NEW_FILE)
    if before and _dump(yaml, document) != before:
        raise MergeError(f"{path}: a YAML round trip would reformat this file; add the examples by hand")
    if not isinstance(document.get("nlu"), list):
        document["nlu"] = CommentedSeq()
    entries: list[Any] = document["nlu"]
    for intent, texts in additions.items():
        entry = next((item for item in entries if isinstance(item, dict) and item.get("intent") == intent), None)
        if entry is None:
            entry = CommentedMap([("intent", intent), ("examples", LiteralScalarString(""))])
            entries.append(entry)
        block = entry.get("examples")
        if not isinstance(block, str):
            raise MergeError(f"{path}: the examples of {intent} are not a text block; add the examples by hand")
        entry["examples"] = _extend_block(str(block), texts)
    return FileChange(path, before, _dump(yaml, document))


def plan_merge(labels: Iterable[Label], data_dir: Path, known_intents: Iterable[str],
               progress: Progress = no_progress) -> MergePlan:
    """Decide where every labelled text goes and render the changed files (nothing is written)."""
    training = read_training_data(data_dir)
    existing = training.by_text()
    wanted: dict[str, dict[str, str]] = {}  # comparable key -> intent -> text as it will be written
    for label in labels:
        if label.intent is None:
            continue
        for text in label.texts:
            line = example_line(text)
            key = comparable(line)
            if key:
                wanted.setdefault(key, {}).setdefault(label.intent, line)
    plan = MergePlan()
    for key, intents in wanted.items():
        if len(intents) > 1:
            for intent, line in intents.items():
                others = ", ".join(sorted(other for other in intents if other != intent))
                plan.conflicts.append(Conflict(line, intent, others, LABELS_SOURCE))
            continue
        [(intent, line)] = intents.items()
        there = existing.get(key, [])
        if any(example.intent == intent for example in there):
            plan.skipped.append((line, intent))
        elif there:
            plan.conflicts += [Conflict(line, intent, example.intent, display_path(example.path)) for example in there]
        else:
            target = training.file_for(intent) or data_dir / NEW_INTENTS_FILE
            plan.added.setdefault(target, {}).setdefault(intent, []).append(line)
    known = set(known_intents)
    plan.new_intents = sorted({intent for intents in plan.added.values() for intent in intents} - known)
    plan.changes = [render_file(path, additions)
                    for path, additions in progress(sorted(plan.added.items()), desc="merging", total=len(plan.added))]
    return plan


def apply_merge(plan: MergePlan) -> None:
    """Write the planned files."""
    for change in plan.changes:
        change.path.parent.mkdir(parents=True, exist_ok=True)
        change.path.write_text(change.after, encoding="utf-8")


def conflict_report(conflicts: Sequence[Conflict]) -> str:
    """One line per refused example: text, wanted intent, intent it has, and where."""
    if not conflicts:
        return ""
    lines = [f"{len(conflicts)} example(s) refused: the text already belongs to another intent", ""]
    rows = [("text", "wanted", "existing", "file")] + [
        (conflict.text, conflict.wanted_intent, conflict.existing_intent, conflict.file) for conflict in conflicts]
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    lines += ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[3]]) for row in rows]
    return "\n".join(lines) + "\n"
