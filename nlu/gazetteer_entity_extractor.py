"""Rasa component: regions and professions from the training data's lookup tables.

The lookup tables and synonyms of data/nlu/regions.yml and professions.yml
become a :class:`nlu.gazetteer.Gazetteer`; each name found gets its official
value (the synonym's name). It reads the text as the citizen wrote it.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.chat_normaliser import original_text_of
from nlu.gazetteer import Gazetteer
from nlu.stored_state import StoredStateComponent


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class GazetteerEntityExtractor(StoredStateComponent, EntityExtractorMixin):
    """Extracts entities whose lookup tables are in the training data."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config: which lookup tables to use."""
        return {"entities": ["region", "profession"]}

    def _restore(self, state: dict[str, dict[str, str]] | None) -> None:
        self._gazetteer = Gazetteer(state or {})

    def train(self, training_data: TrainingData) -> Resource:
        """Collect surface form -> value for each configured lookup table."""
        synonyms = {surface.lower(): value for surface, value in training_data.entity_synonyms.items()}
        names: dict[str, dict[str, str]] = {}
        for table in training_data.lookup_tables:
            if table["name"] in self._config["entities"]:
                forms = names.setdefault(table["name"], {})
                for surface in table["elements"]:
                    forms[surface] = synonyms.get(surface.lower(), surface)
        return self._store(names)

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the names found in each message to its entities."""
        for message in messages:
            found = [
                {"entity": match.entity, "value": match.value, "start": match.start, "end": match.end,
                 "confidence_entity": 1.0}
                for match in self._gazetteer.find(original_text_of(message))
            ]
            if found:
                message.set(ENTITIES, message.get(ENTITIES, []) + self.add_extractor_name(found),
                            add_to_output=True)
        return messages
