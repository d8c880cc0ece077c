"""Choose the classifier's C and the FallbackClassifier threshold on data this project owns.

Five-fold cross-validation over data/nlu (which includes the xSID *validation*
utterances as out_of_scope); the held-out set in tests/nlu and the xSID test
split are never read. For each C it prints out-of-fold intent accuracy; for
each threshold, in-scope accuracy (a fallback counts as wrong) and
out-of-scope recall (out_of_scope or fallback counts as right).
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.model_selection import StratifiedKFold

from benchmarks.tables import table
from nlu.intent_model import build_intent_model
from nlu.retraining.cross_validation import FeatureFunction
from nlu.retraining.scores import OUT_OF_SCOPE, load_examples
from test_support.paths import ROOT


def out_of_fold(texts: list[str], gold: np.ndarray, c: float) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold predicted intents and their confidences."""
    predicted = np.empty(len(texts), dtype=object)
    confidence = np.zeros(len(texts))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
    for train_index, test_index in folds.split(texts, gold):
        model = build_intent_model(c)
        model.fit([texts[i] for i in train_index], gold[train_index])
        probabilities = model.predict_proba([texts[i] for i in test_index])
        predicted[test_index] = model.classes_[probabilities.argmax(axis=1)]
        confidence[test_index] = probabilities.max(axis=1)
    return predicted, confidence


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, nargs="+", default=[1.0, 3.0, 10.0, 30.0])
    args = parser.parse_args()
    examples = load_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    xsid_valid = {text for text, _ in load_examples([ROOT / "data" / "nlu" / "out_of_scope_xsid.yml"])}
    texts = FeatureFunction(ROOT / "data" / "nlu", ROOT / "resources" / "slang" / "lexicon.tsv")(
        [t for t, _ in examples])
    gold = np.array([intent for _, intent in examples], dtype=object)
    in_scope = gold != OUT_OF_SCOPE
    from_xsid = np.array([text in xsid_valid for text, _ in examples])
    rows, best = [], None
    for c in args.c:
        predicted, confidence = out_of_fold(texts, gold, c)
        accuracy = float((predicted == gold).mean())
        rows.append([c, f"{accuracy:.4f}"])
        if best is None or accuracy > best[1]:
            best = (c, accuracy, predicted, confidence)
    print(table(["C", "out-of-fold accuracy"], rows))
    assert best is not None
    c, _, predicted, confidence = best
    rows, chosen = [], (0.0, -1.0)
    for threshold in np.arange(0.05, 0.65, 0.05):
        fallback = confidence < threshold
        in_scope_accuracy = float(((predicted == gold) & ~fallback)[in_scope].mean())
        caught = (predicted == OUT_OF_SCOPE) | fallback
        oos_recall = float(caught[~in_scope].mean())
        rows.append([f"{threshold:.2f}", f"{in_scope_accuracy:.4f}", f"{oos_recall:.4f}",
                     f"{float(caught[from_xsid].mean()):.4f}", f"{fallback[in_scope].mean():.4f}"])
        if in_scope_accuracy + oos_recall > chosen[1]:
            chosen = (float(threshold), in_scope_accuracy + oos_recall)
    print(f"\nC = {c}")
    print(table(["threshold", "in-scope accuracy", "out-of-scope recall", "xSID-valid recall",
                 "in-scope sent to fallback"], rows))
    print(f"\nchosen (highest in-scope accuracy + out-of-scope recall): C = {c}, threshold = {chosen[0]:.2f}")


if __name__ == "__main__":
    main()
