"""Rasa component, last in the pipeline: the parse result shows the citizen's own text.

Extractors that learn from tokens (DIET, CRF, Rasa's regex extractor) find
entities on the normalised text; their offsets are mapped back onto the
original text here. Extractors that read the original text are left alone.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, EXTRACTOR, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.chat_normaliser import alignment_of


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class OriginalTextRestorer(GraphComponent):
    """Puts the original text back and maps entity offsets onto it."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config: extractors that work on the normalised text."""
        return {"normalised_text_extractors": ["DIETClassifier", "CRFEntityExtractor", "RegexEntityExtractor"]}

    def __init__(self, config: dict[str, Any]) -> None:
        self._mapped = set(config["normalised_text_extractors"])

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> OriginalTextRestorer:
        """Create the restorer (it has nothing to train)."""
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        """Restore each message's text and entity offsets."""
        for message in messages:
            aligned = alignment_of(message)
            if aligned is None:
                continue
            for entity in message.get(ENTITIES) or []:
                if entity.get(EXTRACTOR) in self._mapped:
                    start, end = aligned.to_original(entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END])
                    entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END] = start, end
            message.set(TEXT, aligned.original)
        return messages
