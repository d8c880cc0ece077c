"""Labels of inbox groups: ``intent:<name>`` (an existing or a new intent) or ``discard``.

A label is given to a group (by its id) or to one exact text. It keeps the masked texts it covers,
taken from the inbox snapshot when it is saved, so ``merge`` needs nothing but the labels file and
a label stays valid while the inbox changes. The working file (``var/nlu-inbox/labels.yml``) is
shared by ``mpp-nlu annotate`` and the console: :func:`load_labels` and :func:`save_label`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlu.retraining.inbox import InboxGroup
from nlu.retraining.inbox_output import load_snapshot
from nlu.retraining.paths import INBOX_SNAPSHOT
from nlu.retraining.text import comparable, example_line
from nlu.retraining.working_files import dump_yaml, load_yaml, write_atomically
from privacy.masking import mask_personal_data

DISCARD = "discard"
INTENT_PREFIX = "intent:"
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
# Rasa's own intents: predicted by the pipeline, never taught.
RESERVED_INTENTS = frozenset({"nlu_fallback"})
HEADER = "Labels of the NLU inbox (mpp-nlu annotate, the console). Texts are masked.\n"


class LabelError(ValueError):
    """Labels that cannot be used; ``problems`` lists every one found, not just the first."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Label:
    """A decision about a group of messages (``group_id``) or one exact ``text``, and the texts it covers."""

    label: str
    texts: tuple[str, ...]
    group_id: str | None = None
    text: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """What the label is about: a later label for the same key replaces it."""
        if self.group_id:
            return ("group", self.group_id)
        return ("text", comparable(self.text or ""))

    @property
    def intent(self) -> str | None:
        """The intent to teach, or None for ``discard``."""
        return self.label[len(INTENT_PREFIX):] if self.label.startswith(INTENT_PREFIX) else None


def parse_label(value: str) -> str:
    """The canonical form of a label (``intent:ktp_new``, ``discard``); :class:`LabelError` if it is none."""
    value = value.strip()
    if value == DISCARD:
        return DISCARD
    if value.startswith(INTENT_PREFIX):
        name = value[len(INTENT_PREFIX):].strip()
        if name in RESERVED_INTENTS:
            raise LabelError([f"{value!r}: {name} is predicted by Rasa, it cannot be taught"])
        if INTENT_NAME.match(name):
            return INTENT_PREFIX + name
    raise LabelError([f"{value!r} is not a label: use intent:<name> (a-z, 0-9, _; starting with a letter) "
                      f"or {DISCARD}"])


def new_intents(labels: Iterable[Label], known_intents: Iterable[str]) -> list[str]:
    """Intents the labels teach that the domain does not declare yet (allowed, but the domain needs them)."""
    known = set(known_intents)
    return sorted({label.intent for label in labels if label.intent and label.intent not in known})


def label_for_group(group_id: str, label: str, groups: Mapping[str, InboxGroup]) -> Label:
    """A label for a group of the inbox snapshot ``groups``."""
    group = groups.get(group_id)
    if group is None:
        raise LabelError([f"unknown group id {group_id!r}: list the inbox first (mpp-nlu inbox)"])
    return Label(parse_label(label), tuple(item.text for item in group.texts), group_id=group_id)


def label_for_text(text: str, label: str) -> Label:
    """A label for one exact text (masked here: a label file may be typed by hand)."""
    masked = example_line(mask_personal_data(text))
    if not comparable(masked):
        raise LabelError([f"{text!r}: no text to label"])
    return Label(parse_label(label), (masked,), text=masked)


def _from_fields(fields: Mapping[str, Any], groups: Mapping[str, InboxGroup]) -> Label:
    """A label from a CSV row or a YAML item; stored ``texts`` win over the snapshot's."""
    group_id = str(fields.get("group_id") or fields.get("group") or "").strip()
    text = str(fields.get("text") or "").strip()
    label = str(fields.get("label") or "").strip()
    texts = fields.get("texts")
    if group_id and isinstance(texts, list) and texts:
        masked = tuple(example_line(mask_personal_data(str(item))) for item in texts)
        return Label(parse_label(label), masked, group_id=group_id)
    if group_id:
        return label_for_group(group_id, label, groups)
    if text:
        return label_for_text(text, label)
    raise LabelError(["neither a group_id nor a text"])


def _collect(items: Iterable[tuple[str, Mapping[str, Any]]], groups: Mapping[str, InboxGroup]) -> list[Label]:
    """Labels from (where, fields) pairs; all problems reported at once; one label per key."""
    labels: dict[tuple[str, str], Label] = {}
    problems: list[str] = []
    for where, fields in items:
        try:
            label = _from_fields(fields, groups)
        except LabelError as error:
            problems += [f"{where}: {problem}" for problem in error.problems]
            continue
        earlier = labels.get(label.key)
        if earlier and earlier.label != label.label:
            problems.append(f"{where}: {label.key[1]!r} is labelled both {earlier.label} and {label.label}")
        labels[label.key] = label
    if problems:
        raise LabelError(problems)
    return list(labels.values())


def _csv_rows(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
        if "label" not in columns or not columns & {"group_id", "text"}:
            raise LabelError([f"{path}: the header must name a label column and a group_id or text column"])
        rows: list[tuple[str, Mapping[str, Any]]] = []
        for row in reader:
            fields = {(name or "").strip().lower(): (value or "") for name, value in row.items()}
            if fields.get("label", "").strip():  # rows of an inbox export nobody labelled yet
                rows.append((f"{path.name} line {reader.line_num}", fields))
        return rows


def _yaml_items(path: Path) -> list[tuple[str, Mapping[str, Any]]]:
    document = load_yaml(path)
    items = document.get("labels") if isinstance(document, Mapping) else document
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(item, Mapping) for item in items):
        raise LabelError([f"{path}: expected a list of labels (group_id or text, and label)"])
    return [(f"{path.name} item {number}", item) for number, item in enumerate(items, start=1)]


def read_label_file(path: Path, groups: Mapping[str, InboxGroup]) -> list[Label]:
    """Labels from a CSV file (columns ``group_id,label`` or ``text,label``; other columns and rows
    without a label are ignored, so a filled-in inbox export works) or a YAML file (a list, or
    ``labels:``, of items with ``group_id`` or ``text``, and ``label``). Group ids are resolved
    against ``groups`` (the inbox snapshot)."""
    if not path.exists():
        raise LabelError([f"{path}: no such file"])
    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else _yaml_items(path)
    return _collect(rows, groups)


def load_labels(path: Path) -> list[Label]:
    """The labels of the working file, in the order they were first given (none if there is no file)."""
    if not path.exists():
        return []
    return _collect(_yaml_items(path), {})


def _label_to_dict(label: Label) -> dict[str, Any]:
    target = {"group_id": label.group_id} if label.group_id else {"text": label.text}
    return {**target, "label": label.label, "texts": list(label.texts)}


def save_labels(path: Path, labels: Iterable[Label]) -> list[Label]:
    """Add ``labels`` to the working file; a label for a key already there replaces it in place."""
    stored = {label.key: label for label in load_labels(path)}
    for label in labels:
        stored[label.key] = label
    write_atomically(path, dump_yaml({"labels": [_label_to_dict(label) for label in stored.values()]}, HEADER))
    return list(stored.values())


def save_label(path: Path, group_id: str, label: str, *, texts: Sequence[str] | None = None,
               inbox: Path = INBOX_SNAPSHOT) -> Label:
    """Label one group; its texts are ``texts`` or else the group's in the inbox snapshot ``inbox``."""
    if texts:
        made = _from_fields({"group_id": group_id, "label": label, "texts": list(texts)}, {})
    else:
        made = label_for_group(group_id, label, load_snapshot(inbox))
    save_labels(path, [made])
    return made
