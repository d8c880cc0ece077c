"""The inbox written out: a table for people, CSV for spreadsheets, YAML for scripts and the snapshot.

The snapshot (``var/nlu-inbox/inbox.yml``) is the YAML form of the last listed inbox: a label
saved for a group id takes the group's texts from it, so labels stay valid while new messages
arrive and the groups of the next run change.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlu.retraining.inbox import InboxGroup, TextCount
from nlu.retraining.transcripts import Reason
from nlu.retraining.working_files import dump_yaml, load_yaml, write_atomically

FORMATS = ("table", "yaml", "csv")
CSV_COLUMNS = ("group_id", "count", "predicted_intent", "confidence", "reasons", "representative", "label")
TABLE_TEXT_WIDTH = 70
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def reasons_text(group: InboxGroup) -> str:
    return ",".join(sorted(reason.value for reason in group.reasons))


def group_to_dict(group: InboxGroup) -> dict[str, Any]:
    return {
        "id": group.id,
        "count": group.count,
        "predicted_intent": group.predicted_intent,
        "confidence": group.confidence,
        "reasons": sorted(reason.value for reason in group.reasons),
        "representative": group.representative,
        "texts": [{"text": item.text, "count": item.count} for item in group.texts],
    }


def group_from_dict(data: dict[str, Any]) -> InboxGroup:
    return InboxGroup(
        id=str(data["id"]),
        representative=str(data["representative"]),
        texts=tuple(TextCount(str(item["text"]), int(item["count"])) for item in data.get("texts") or []),
        predicted_intent=data.get("predicted_intent"),
        confidence=data.get("confidence"),
        count=int(data["count"]),
        reasons=frozenset(Reason(reason) for reason in data.get("reasons") or []),
    )


def render_yaml(groups: Sequence[InboxGroup]) -> str:
    return dump_yaml({"groups": [group_to_dict(group) for group in groups]})


def spreadsheet_safe(text: str) -> str:
    """A citizen's text that a spreadsheet shows instead of evaluating ("=HYPERLINK(...)" stays text)."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def render_csv(groups: Sequence[InboxGroup]) -> str:
    """One row per group and an empty ``label`` column: fill it in and give the file to ``annotate``
    (which reads ``group_id`` and ``label`` only)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for group in groups:
        confidence = "" if group.confidence is None else f"{group.confidence:.2f}"
        writer.writerow([group.id, group.count, group.predicted_intent or "", confidence, reasons_text(group),
                         spreadsheet_safe(group.representative), ""])
    return out.getvalue()


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_table(groups: Sequence[InboxGroup]) -> str:
    """Aligned columns; the representative text last (shortened), with the number of distinct texts."""
    rows = [("id", "count", "intent", "conf", "reasons", "text")]
    for group in groups:
        more = f" (+{len(group.texts) - 1} similar)" if len(group.texts) > 1 else ""
        rows.append((group.id, str(group.count), group.predicted_intent or "-",
                     "-" if group.confidence is None else f"{group.confidence:.2f}", reasons_text(group),
                     _shorten(group.representative, TABLE_TEXT_WIDTH) + more))
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]) - 1)]
    lines = ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths)), row[-1]]) for row in rows]
    return "\n".join(lines) + "\n"


def render(groups: Sequence[InboxGroup], output_format: str) -> str:
    renderers = {"table": render_table, "yaml": render_yaml, "csv": render_csv}
    return renderers[output_format](groups)


def save_snapshot(path: Path, groups: Sequence[InboxGroup]) -> None:
    """Write the inbox for later label look-ups."""
    write_atomically(path, render_yaml(groups))


def load_snapshot(path: Path) -> dict[str, InboxGroup]:
    """The groups of the last listed inbox by id (none when it was never listed)."""
    if not path.exists():
        return {}
    document = load_yaml(path) or {}
    groups = (group_from_dict(item) for item in document.get("groups") or [])
    return {group.id: group for group in groups}
