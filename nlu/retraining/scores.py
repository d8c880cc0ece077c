"""Scores of an intent model on labelled examples."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sklearn.metrics import f1_score

FALLBACK = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Scores:
    """Accuracy, macro-F1 and the weakest intents of one model on one test set."""

    accuracy: float
    macro_f1: float
    errors: int
    weakest: list[tuple[str, float]]


def score(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    """Score predictions; a fallback counts as a wrong answer unless the gold is out_of_scope."""
    predicted = [OUT_OF_SCOPE if p == FALLBACK and g == OUT_OF_SCOPE else p for g, p in zip(gold, predicted)]
    labels = sorted(set(gold))
    per_intent = f1_score(gold, predicted, labels=labels, average=None, zero_division=0)
    errors = sum(g != p for g, p in zip(gold, predicted))
    weakest = sorted(zip(labels, (float(f) for f in per_intent)), key=lambda item: item[1])[:5]
    return Scores(
        accuracy=1 - errors / len(gold),
        macro_f1=float(f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)),
        errors=errors,
        weakest=weakest,
    )


def out_of_scope_recall(predicted: Sequence[str]) -> float:
    """Share of predictions that are out_of_scope or fallback."""
    counts = Counter(predicted)
    return (counts[OUT_OF_SCOPE] + counts[FALLBACK]) / len(predicted)


def load_examples(paths: Sequence[Path]) -> list[tuple[str, str]]:
    """Return (text, intent) of the intent examples in Rasa NLU YAML files."""
    from rasa.shared.nlu.training_data.loading import load_data

    examples: list[tuple[str, str]] = []
    for path in paths:
        data = load_data(str(path))
        examples += [(m.get("text"), m.get("intent")) for m in data.intent_examples]
    return examples


def read_xsid_test(path: Path) -> list[str]:
    """Return the utterances of the xSID test split (used for measuring only)."""
    import csv

    with path.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle, delimiter="\t")]
