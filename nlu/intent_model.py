"""The intent model: TF-IDF word and character n-grams and a logistic regression.

Kept apart from Rasa so the benchmark and the tests can train and probe it
directly. Digits are reduced to their shape ("3217..." -> "0000..."), so a
NIK or an application number counts by its form, not its value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline

DIGIT = re.compile(r"\d")


def digit_shape(text: str) -> str:
    """Lowercase ``text`` and replace every digit by 0."""
    return DIGIT.sub("0", text.lower())


def with_pattern_tokens(text: str, patterns: Mapping[str, re.Pattern[str]]) -> str:
    """Append a token ``pattern_<name>`` for each regex feature ``text`` matches."""
    matched = [f"pattern_{name}" for name, pattern in patterns.items() if pattern.search(text)]
    return " ".join([text, *matched])


def compile_patterns(regex_features: Sequence[Mapping[str, str]]) -> dict[str, re.Pattern[str]]:
    """Compile Rasa's ``regex_features`` (name, pattern) into one alternation per name."""
    grouped: dict[str, list[str]] = {}
    for feature in regex_features:
        grouped.setdefault(feature["name"], []).append(feature["pattern"])
    return {name: re.compile("|".join(f"(?:{p})" for p in patterns)) for name, patterns in grouped.items()}


def build_intent_model(c: float = 100.0, seed: int = 42) -> Pipeline:
    """Return an untrained model; ``c`` is the inverse regularisation strength."""
    features = FeatureUnion(
        [
            ("words", TfidfVectorizer(preprocessor=digit_shape, ngram_range=(1, 2), sublinear_tf=True,
                                      token_pattern=r"(?u)\b\w+\b")),
            ("chars", TfidfVectorizer(preprocessor=digit_shape, analyzer="char_wb", ngram_range=(2, 5),
                                      sublinear_tf=True, min_df=2)),
        ]
    )
    classifier = LogisticRegression(C=c, max_iter=2000, class_weight="balanced", random_state=seed)
    return Pipeline([("features", features), ("classifier", classifier)])


def speed_up_prediction(model: Pipeline) -> None:
    """Store the fitted weights column-major, so that predicting needs no copy of them.

    scikit-learn computes ``X @ coef_.T``; with the default row-major ``coef_``
    scipy copies the whole weight matrix (intents x n-grams) on every call,
    which was 15 % of a REST turn here.
    """
    classifier = model.named_steps["classifier"]
    classifier.coef_ = np.asfortranarray(classifier.coef_)


def rank(model: Pipeline, texts: Sequence[str], length: int = 10) -> list[list[dict[str, Any]]]:
    """Return, for each text, the intents with the highest probabilities."""
    probabilities = model.predict_proba(list(texts))
    labels = model.classes_
    rankings = []
    for row in probabilities:
        best = np.argsort(-row)[:length]
        rankings.append([{"name": str(labels[i]), "confidence": float(row[i])} for i in best])
    return rankings


def without_dropped_terms(model: Pipeline) -> Pipeline:
    """``model`` without the vectorisers' ``stop_words_``: the terms left out by ``min_df``, i.e.
    pieces of training messages seen once, which nothing needs after fitting (scikit-learn's own
    advice before persisting; CVE-2024-5206). Returns the same object."""
    for _name, vectoriser in model.named_steps["features"].transformer_list:
        if hasattr(vectoriser, "stop_words_"):
            del vectoriser.stop_words_
    return model
