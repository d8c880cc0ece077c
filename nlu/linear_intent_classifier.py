"""Rasa component wrapping :mod:`nlu.intent_model`.

Chosen over DIET for this assistant because it is as accurate on our data and
an order of magnitude faster to train and to run (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import joblib
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.pipeline import Pipeline

from nlu.intent_model import (
    build_intent_model,
    compile_patterns,
    rank,
    speed_up_prediction,
    with_pattern_tokens,
    without_dropped_terms,
)
from nlu.stored_state import StoredStateComponent

MODEL_FILE = "intent_model.joblib"
PATTERNS_FILE = "patterns.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(StoredStateComponent, IntentClassifier):
    """Predicts the intent from the (normalised) message text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config."""
        return {"C": 300.0, "ranking_length": 10, "random_seed": 42}

    def _restore(self, state: tuple[Pipeline, list[dict[str, str]]] | None) -> None:
        self._model: Pipeline | None = state[0] if state else None
        self._patterns = compile_patterns(state[1] if state else [])

    @classmethod
    def _write_state(cls, directory: Path, state: tuple[Pipeline, list[dict[str, str]]]) -> None:
        joblib.dump(without_dropped_terms(state[0]), directory / MODEL_FILE)
        (directory / PATTERNS_FILE).write_text(json.dumps(state[1]), encoding="utf-8")

    @classmethod
    def _read_state(cls, directory: Path) -> tuple[Pipeline, list[dict[str, str]]]:
        return joblib.load(directory / MODEL_FILE), json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8"))

    def _features_text(self, text: str) -> str:
        return with_pattern_tokens(text, self._patterns)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the model on the intent examples."""
        regex_features = [{"name": f["name"], "pattern": f["pattern"]} for f in training_data.regex_features]
        patterns = compile_patterns(regex_features)
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        model = build_intent_model(self._config["C"], self._config["random_seed"])
        model.fit([with_pattern_tokens(e.get(TEXT), patterns) for e in examples], [e.get(INTENT) for e in examples])
        speed_up_prediction(model)
        return self._store((model, regex_features))

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent and the intent ranking of each message."""
        if self._model is None:
            return messages
        texts = [self._features_text(message.get(TEXT) or "") for message in messages]
        for message, ranking in zip(messages, rank(self._model, texts, self._config["ranking_length"])):
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
