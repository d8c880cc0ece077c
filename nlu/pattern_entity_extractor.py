"""Rasa component: NIKs, STR numbers, application numbers and dates by pattern.

See :mod:`nlu.number_entities` and :mod:`nlu.date_expressions` for the rules.
It reads the text as the citizen wrote it, so offsets need no mapping.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message

from nlu.chat_normaliser import original_text_of
from nlu.date_expressions import find_dates
from nlu.number_entities import find_numbers


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PatternEntityExtractor(GraphComponent, EntityExtractorMixin):
    """Extracts identifiers and dates with hand-written patterns."""

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> PatternEntityExtractor:
        """Create the extractor (it has nothing to train)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Add identifiers and dates to each message's entities."""
        for message in messages:
            text = original_text_of(message)
            found: list[dict[str, Any]] = [
                {"entity": number.entity, "value": number.value, "start": number.start, "end": number.end,
                 "confidence_entity": 1.0}
                for number in find_numbers(text)
            ]
            found += [
                {"entity": "date", "value": date.value, "start": date.start, "end": date.end,
                 "confidence_entity": 1.0}
                for date in find_dates(text)
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found),
                            add_to_output=True)
        return messages
