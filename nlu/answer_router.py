"""Rasa component wrapping :mod:`nlu.answer_routing`: after the intent and the entities are known,
a message that names another service or an unknown document gets the intent of the question it
really asks, with the service (or document) it is about first among its entities.

It reads the catalogue when Rasa loads the model (not at training: Rasa's training cache would
keep an old copy when only a record's routing facts change); the names it relies on are in the
training data generated from the same catalogue (data/nlu/services.yml). What it keeps in the
model is the words the assistant was taught, to tell an unknown abbreviation ("kjp").
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.answer_routing import AnswerRouting, NamedThing, Route
from nlu.chat_normalisation import load_lexicon
from nlu.chat_normaliser import original_text_of
from nlu.gazetteer import WORD
from nlu.stored_state import StoredStateComponent
from service_catalogue.loading import CATALOGUE_PATH, QUESTIONS_PATH, cached_catalogue, load_questions
from service_catalogue.model import CANDIDATE_ENTITY

ROOT = Path(__file__).resolve().parent.parent
EXTRACTOR = "AnswerRouter"
# the parse result names the classifier's intent when the router changed it (for transcripts and evaluation)
ROUTED_FROM = "routed_from"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class AnswerRouter(StoredStateComponent):
    """Sets the intent that answers what the message names.

    Its trained state is the words the assistant knows (training examples and the slang
    lexicon): an abbreviation outside them names something unknown. The catalogue is read at load.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config: where the catalogue, the question vocabulary and the lexicon are."""
        return {"catalogue": str(CATALOGUE_PATH.relative_to(ROOT)), "questions": str(QUESTIONS_PATH.relative_to(ROOT)),
                "lexicon": "resources/slang/lexicon.tsv"}

    def _restore(self, state: list[str] | None) -> None:
        self._routing = AnswerRouting.of(cached_catalogue(ROOT / self._config["catalogue"]),
                                         load_questions(ROOT / self._config["questions"]), frozenset(state or ()))

    def train(self, training_data: TrainingData) -> Resource:
        """Keep the words of the training examples and of the slang lexicon."""
        lexicon = load_lexicon(ROOT / self._config["lexicon"])
        texts = [*lexicon, *lexicon.values()]
        texts += [text for example in training_data.training_examples
                  for text in (example.get(TEXT) or "", original_text_of(example))]
        return self._store(sorted({word for text in texts for word in WORD.findall(text.lower())}))

    def process(self, messages: list[Message]) -> list[Message]:
        """Route each message."""
        for message in messages:
            intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if not intent:
                continue
            entities = message.get(ENTITIES) or []
            named = [NamedThing(entity["entity"], str(entity.get("value")), entity.get("start", 0),
                                entity.get("end", 0)) for entity in entities]
            ranking = [entry.get(INTENT_NAME_KEY) for entry in message.get(INTENT_RANKING_KEY) or []]
            route = self._routing.route(intent, named, original_text_of(message), ranking)
            if route is not None:
                self._apply(message, route)
        return messages

    @staticmethod
    def _apply(message: Message, route: Route) -> None:
        """Set the routed intent (with the classifier's confidence) and put what it is about first."""
        intent = message.get(INTENT)
        if route.intent != intent[INTENT_NAME_KEY]:
            routed = {INTENT_NAME_KEY: route.intent, PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY)}
            ranking = [entry for entry in message.get(INTENT_RANKING_KEY) or []
                       if entry.get(INTENT_NAME_KEY) != route.intent]
            message.set(INTENT, routed, add_to_output=True)
            message.set(ROUTED_FROM, intent[INTENT_NAME_KEY], add_to_output=True)
            message.set(INTENT_RANKING_KEY, [routed, *ranking], add_to_output=True)
        entities = list(message.get(ENTITIES) or [])
        if route.service is None and (route.document or route.candidates):
            # about a document or a choice, not a service it names as something the citizen has
            entities = [entity for entity in entities if entity["entity"] != "service"]
        if route.service is not None:
            about = [entity for entity in entities
                     if entity["entity"] == "service" and entity["value"] == route.service]
            if not about:  # a service the words qualify ("ktp" said by a holder of a "kitap")
                about = [{"entity": "service", "value": route.service, "confidence_entity": 1.0,
                          "extractor": EXTRACTOR}]
            others = [entity for entity in entities if entity["entity"] != "service"]
            entities = about[:1] + others
        if route.situation is not None:
            entities.append({"entity": "situation", "value": route.situation.value, "confidence_entity": 1.0,
                             "extractor": EXTRACTOR})
        entities.extend({"entity": CANDIDATE_ENTITY, "value": service, "confidence_entity": 1.0, "extractor": EXTRACTOR}
                        for service in route.candidates)
        if route.document is not None:
            document = route.document
            entities.append({"entity": "document", "value": document.value, "start": document.start,
                             "end": document.end, "confidence_entity": 1.0, "extractor": EXTRACTOR})
        message.set(ENTITIES, entities, add_to_output=True)
