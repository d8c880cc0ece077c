"""Rasa component that normalises chat Indonesian before tokenisation.

It replaces the message text by its normalised form (see
:mod:`nlu.chat_normalisation`) and keeps the alignment with the original, so
that :class:`nlu.original_text_restorer.OriginalTextRestorer` can put the
original text back and map entity offsets onto it at the end of the pipeline.
Training annotations are moved onto the normalised text the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.aligned_text import AlignedText
from nlu.chat_normalisation import ChatNormalisation, load_lexicon
from nlu.stored_state import StoredStateComponent

ALIGNMENT = "normalisation_alignment"


def alignment_of(message: Message) -> AlignedText | None:
    """Return the alignment the normaliser stored on ``message``, if any."""
    stored = message.get(ALIGNMENT)
    if not stored:
        return None
    return AlignedText(original=stored["original"], text=stored["text"], starts=stored["starts"], ends=stored["ends"])


def original_text_of(message: Message) -> str:
    """Return the text as the citizen wrote it."""
    aligned = alignment_of(message)
    return aligned.original if aligned else message.get(TEXT) or ""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class ChatNormaliser(StoredStateComponent):
    """Rewrites slang, abbreviations, repeated letters and spacing."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config: the lexicon file read at training time."""
        return {"lexicon": "resources/slang/lexicon.tsv"}

    def _restore(self, state: dict[str, str] | None) -> None:
        self._normalisation = ChatNormalisation(state or {})

    def train(self, training_data: TrainingData) -> Resource:
        """Read the lexicon file and store it in the model, so the model is self-contained."""
        return self._store(load_lexicon(Path(self._config["lexicon"])))

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Normalise training examples and move their entity annotations along."""
        for example in training_data.training_examples:
            text = example.get(TEXT)
            if not text:
                continue
            aligned = self._normalisation.normalise(text)
            entities = []
            for entity in example.get(ENTITIES) or []:
                span = aligned.to_rewritten(entity[ENTITY_ATTRIBUTE_START], entity[ENTITY_ATTRIBUTE_END])
                if span is not None:
                    entities.append({**entity, ENTITY_ATTRIBUTE_START: span[0], ENTITY_ATTRIBUTE_END: span[1]})
            example.set(TEXT, aligned.text)
            if entities or example.get(ENTITIES):
                example.set(ENTITIES, entities)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Normalise incoming messages, remembering the original text."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            aligned = self._normalisation.normalise(text)
            if not aligned.text:
                continue  # only emoji or punctuation: leave the message as it came
            message.set(ALIGNMENT, {"original": text, "text": aligned.text,
                                    "starts": aligned.starts, "ends": aligned.ends})
            message.set(TEXT, aligned.text)
        return messages
