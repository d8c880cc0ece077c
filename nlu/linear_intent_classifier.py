"""Rasa component wrapping :mod:`nlu.intent_model`.

Chosen over DIET for this assistant because it is as accurate on our data and
an order of magnitude faster to train and to run (docs/benchmarks.md).
"""

from __future__ import annotations

import json
from typing import Any

import joblib
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.pipeline import Pipeline

from nlu.intent_model import build_intent_model, compile_patterns, rank, speed_up_prediction, with_pattern_tokens

MODEL_FILE = "intent_model.joblib"
PATTERNS_FILE = "patterns.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class LinearIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts the intent from the (normalised) message text."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config."""
        return {"C": 100.0, "ranking_length": 10, "random_seed": 42}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 model: Pipeline | None = None, regex_features: list[dict[str, str]] | None = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model
        self._regex_features = regex_features or []
        self._patterns = compile_patterns(self._regex_features)

    def _features_text(self, text: str) -> str:
        return with_pattern_tokens(text, self._patterns)

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> LinearIntentClassifier:
        """Create an untrained classifier."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> LinearIntentClassifier:
        """Load the trained model."""
        try:
            with model_storage.read_from(resource) as directory:
                model = joblib.load(directory / MODEL_FILE)
                regex_features = json.loads((directory / PATTERNS_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError):
            model, regex_features = None, []
        return cls(config, model_storage, resource, model, regex_features)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the model on the intent examples."""
        self._regex_features = [{"name": f["name"], "pattern": f["pattern"]} for f in training_data.regex_features]
        self._patterns = compile_patterns(self._regex_features)
        examples = [e for e in training_data.intent_examples if e.get(TEXT) and e.get(INTENT)]
        model = build_intent_model(self._config["C"], self._config["random_seed"])
        model.fit([self._features_text(e.get(TEXT)) for e in examples], [e.get(INTENT) for e in examples])
        speed_up_prediction(model)
        self._model = model
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(model, directory / MODEL_FILE)
            (directory / PATTERNS_FILE).write_text(json.dumps(self._regex_features), encoding="utf-8")
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent and the intent ranking of each message."""
        if self._model is None:
            return messages
        texts = [self._features_text(message.get(TEXT) or "") for message in messages]
        for message, ranking in zip(messages, rank(self._model, texts, self._config["ranking_length"])):
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
