"""K-fold cross-validation of the intent classifier: the training data as it is now (after
``mpp-nlu merge``) against the same data at a git commit (before the change).

The held-out set says how a candidate does on a few hundred fixed examples; cross-validation
uses every training example, so it also shows what a merge did to intents the held-out set has
few examples of. The folds are cut from today's examples; in each fold both classifiers are
trained (today's data / the commit's data, without the fold's texts) and predict the fold. Only
the intent classifier of config.yml is trained (normalisation, regex tokens, TF-IDF + logistic
regression; seconds, not Rasa's minutes), without the fallback threshold.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import yaml
from sklearn.model_selection import StratifiedKFold

from nlu.retraining.evaluation import Comparison
from nlu.retraining.progress import terminal_progress
from nlu.retraining.scores import load_examples
from nlu.retraining.text import comparable

Examples = list[tuple[str, str]]
Featurise = Callable[[Sequence[str]], list[str]]


class BaselineUnavailable(RuntimeError):
    """The data of the commit to compare with cannot be read (not a git checkout, unknown ref)."""


def examples_at(project: Path, data_dir: Path, ref: str) -> Examples:
    """The intent examples of ``data_dir`` as committed at ``ref`` in the git checkout ``project``."""
    relative = data_dir.resolve().relative_to(project.resolve()).as_posix()

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(project), *args], check=True, text=True,
                                  capture_output=True).stdout
        except (OSError, subprocess.CalledProcessError) as problem:
            detail = getattr(problem, "stderr", "") or str(problem)
            raise BaselineUnavailable(f"cannot read {relative} at {ref}: {detail.strip()}") from problem

    names = [name for name in git("ls-tree", "--name-only", f"{ref}:{relative}").split() if name.endswith(".yml")]
    with tempfile.TemporaryDirectory(prefix="mpp-nlu-baseline-") as folder:
        paths = []
        for name in names:
            path = Path(folder) / name
            path.write_text(git("show", f"{ref}:{relative}/{name}"), encoding="utf-8")
            paths.append(path)
        return load_examples(paths)


def classifier_settings(config: Path) -> float:
    """The C of the LinearIntentClassifier in ``config`` (the pipeline Rasa trains)."""
    pipeline = yaml.safe_load(config.read_text(encoding="utf-8")).get("pipeline", [])
    for component in pipeline:
        if str(component.get("name", "")).endswith("LinearIntentClassifier"):
            return float(component.get("C", 100.0))
    raise ValueError(f"{config} has no LinearIntentClassifier")


class FeatureFunction:
    """What the classifier reads of a text: the chat normaliser's output plus regex tokens, as in the
    Rasa pipeline (nlu/linear_intent_classifier.py)."""

    def __init__(self, data_dir: Path, lexicon: Path) -> None:
        from rasa.shared.nlu.training_data.loading import load_data

        from nlu.chat_normalisation import ChatNormalisation, load_lexicon
        from nlu.intent_model import compile_patterns

        self._normaliser = ChatNormalisation(load_lexicon(lexicon))
        self._patterns = compile_patterns(load_data(str(data_dir)).regex_features)

    def __call__(self, texts: Sequence[str]) -> list[str]:
        from nlu.intent_model import with_pattern_tokens

        return [with_pattern_tokens(text, self._patterns) for text in self._normaliser.normalise_all(list(texts))]


def cross_validate(current: Examples, candidate: Examples, featurise: Featurise, c: float,
                   folds: int = 5, seed: int = 42) -> Comparison:
    """Out-of-fold predictions over ``candidate``'s examples of a classifier trained on
    ``candidate`` and one trained on ``current`` (the fold's texts left out of both)."""
    from nlu.intent_model import build_intent_model

    texts = featurise([text for text, _ in candidate])
    gold = np.array([intent for _, intent in candidate], dtype=object)
    current_texts = featurise([text for text, _ in current])
    current_gold = np.array([intent for _, intent in current], dtype=object)
    current_keys = np.array([comparable(text) for text, _ in current], dtype=object)
    keys = [comparable(text) for text, _ in candidate]
    predicted = {"current": np.empty(len(texts), dtype=object), "candidate": np.empty(len(texts), dtype=object)}
    splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(texts, gold)
    for train_index, test_index in terminal_progress(splits, desc="cross-validation folds", total=folds):
        held_out = {keys[i] for i in test_index}
        keep = np.array([key not in held_out for key in current_keys])
        fold_texts = [texts[i] for i in test_index]
        for side, train_texts, train_gold in (
                ("candidate", [texts[i] for i in train_index], gold[train_index]),
                ("current", [t for t, kept in zip(current_texts, keep) if kept], current_gold[keep])):
            model = build_intent_model(c, seed)
            model.fit(train_texts, train_gold)
            predicted[side][test_index] = model.predict(fold_texts)
    return Comparison(candidate, [str(p) for p in predicted["current"]], [str(p) for p in predicted["candidate"]])
