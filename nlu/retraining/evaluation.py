"""Candidate against current model on the held-out set: scores, per-intent F1 deltas, the
examples that became right or wrong, a confusion matrix, and a Markdown or HTML report."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import confusion_matrix, f1_score

from nlu.retraining.scores import Scores, score


@dataclass(frozen=True)
class IntentDelta:
    intent: str
    support: int
    current_f1: float
    candidate_f1: float

    @property
    def change(self) -> float:
        return self.candidate_f1 - self.current_f1


@dataclass(frozen=True)
class Comparison:
    """Two models' predictions on the same labelled examples."""

    examples: list[tuple[str, str]]
    current: list[str]
    candidate: list[str]

    @property
    def gold(self) -> list[str]:
        return [intent for _, intent in self.examples]

    @property
    def current_scores(self) -> Scores:
        return score(self.gold, self.current)

    @property
    def candidate_scores(self) -> Scores:
        return score(self.gold, self.candidate)

    def intent_deltas(self) -> list[IntentDelta]:
        labels = sorted(set(self.gold))
        before = f1_score(self.gold, self.current, labels=labels, average=None, zero_division=0)
        after = f1_score(self.gold, self.candidate, labels=labels, average=None, zero_division=0)
        support = {label: self.gold.count(label) for label in labels}
        return sorted((IntentDelta(label, support[label], float(b), float(a))
                       for label, b, a in zip(labels, before, after)), key=lambda delta: delta.change)

    def newly_right(self) -> list[tuple[str, str, str]]:
        """(text, gold, what the current model said) for examples only the candidate gets right."""
        return [(text, gold, old) for (text, gold), old, new in zip(self.examples, self.current, self.candidate)
                if old != gold and new == gold]

    def newly_wrong(self) -> list[tuple[str, str, str]]:
        """(text, gold, what the candidate says) for examples only the current model got right."""
        return [(text, gold, new) for (text, gold), old, new in zip(self.examples, self.current, self.candidate)
                if old == gold and new != gold]


def confusion_png(gold: Sequence[str], predicted: Sequence[str], path: Path) -> Path:
    """The candidate's confusion matrix as an image (only intents involved in an error, to stay readable)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    involved = sorted({g for g, p in zip(gold, predicted) if g != p} | {p for g, p in zip(gold, predicted) if g != p})
    labels = involved or sorted(set(gold))[:10]
    matrix = confusion_matrix(gold, predicted, labels=labels)
    size = max(4.0, 0.45 * len(labels) + 2)
    figure, axes = plt.subplots(figsize=(size, size))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=90, fontsize=8)
    axes.set_yticks(range(len(labels)), labels, fontsize=8)
    axes.set_xlabel("predicted")
    axes.set_ylabel("gold")
    for row in range(len(labels)):
        for column in range(len(labels)):
            if matrix[row, column]:
                axes.text(column, row, str(matrix[row, column]), ha="center", va="center", fontsize=7)
    axes.set_title("Candidate: intents with errors")
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def markdown_report(comparison: Comparison, image: Path | None = None, verdict: str | None = None,
                    examples: str = "Held-out examples") -> str:
    current, candidate = comparison.current_scores, comparison.candidate_scores
    lines = ["# NLU candidate vs current model", ""]
    if verdict:
        lines += [f"**Gate: {verdict}**", ""]
    lines += [
        f"{examples}: {len(comparison.examples)}", "",
        "| model | accuracy | macro-F1 | errors |", "|---|---|---|---|",
        f"| current | {current.accuracy:.3f} | {current.macro_f1:.3f} | {current.errors} |",
        f"| candidate | {candidate.accuracy:.3f} | {candidate.macro_f1:.3f} | {candidate.errors} |",
        "", "## Per-intent F1 that changed", "",
        "| intent | support | current | candidate | change |", "|---|---|---|---|---|",
    ]
    lines += [f"| {d.intent} | {d.support} | {d.current_f1:.3f} | {d.candidate_f1:.3f} | {d.change:+.3f} |"
              for d in comparison.intent_deltas() if abs(d.change) > 1e-9]
    for title, rows, said in (("Newly right", comparison.newly_right(), "current said"),
                              ("Newly wrong", comparison.newly_wrong(), "candidate says")):
        lines += ["", f"## {title} ({len(rows)})", "", f"| text | gold | {said} |", "|---|---|---|"]
        lines += [f"| {text.replace('|', '/')} | {gold} | {other} |" for text, gold, other in rows]
    if image is not None:
        lines += ["", f"![confusion matrix]({image.name})"]
    return "\n".join(lines) + "\n"


def html_report(markdown: str) -> str:
    """A self-contained HTML page of the Markdown report (tables rendered, text escaped)."""
    body: list[str] = []
    in_table = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [html.escape(cell.strip()) for cell in line.strip("|").split("|")]
            if set("".join(cells)) <= {"-"}:
                continue
            tag = "th" if not in_table else "td"
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("!["):
            source = line[line.index("(") + 1:-1]
            body.append(f'<img alt="confusion matrix" src="{html.escape(source)}">')
        elif line.strip():
            body.append(f"<p>{html.escape(line.replace('**', ''))}</p>")
    if in_table:
        body.append("</table>")
    style = "body{font-family:sans-serif;max-width:60em;margin:2em auto}td,th{border:1px solid #ccc;padding:2px 6px}"
    return (f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>NLU report</title>"
            f"<style>{style}</style></head><body>{''.join(body)}</body></html>\n")


def write_report(comparison: Comparison, out_dir: Path, fmt: str = "md", verdict: str | None = None,
                 examples: str = "Held-out examples") -> Path:
    """Write report.md or report.html (and confusion.png beside it); returns the report's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    image = confusion_png(comparison.gold, comparison.candidate, out_dir / "confusion.png")
    markdown = markdown_report(comparison, image, verdict, examples)
    path = out_dir / ("report.html" if fmt == "html" else "report.md")
    path.write_text(html_report(markdown) if fmt == "html" else markdown, encoding="utf-8")
    return path
