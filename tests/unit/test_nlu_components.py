"""The Rasa components move annotations onto the normalised text and offsets back."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.chat_normaliser import ChatNormaliser
from nlu.original_text_restorer import OriginalTextRestorer
from test_support.paths import ROOT


@pytest.fixture()
def normaliser(tmp_path: Path) -> ChatNormaliser:
    storage = LocalModelStorage(tmp_path)
    component = ChatNormaliser.create(
        {"lexicon": str(ROOT / "resources" / "slang" / "lexicon.tsv")}, storage, Resource("normaliser"),
        ExecutionContext(None),  # type: ignore[arg-type]
    )
    component.train(TrainingData())
    return component


def test_training_annotations_follow_the_normalised_text(normaliser: ChatNormaliser) -> None:
    text = "gmn ngurus kk di Kab. Bandung Barat"
    start = text.index("Bandung")
    example = Message(data={TEXT: text, ENTITIES: [
        {"entity": "region", "value": "Kabupaten Bandung Barat", "start": start, "end": len(text)}]})
    normaliser.process_training_data(TrainingData([example]))
    normalised = example.get(TEXT)
    [entity] = example.get(ENTITIES)
    assert normalised == "bagaimana urus kartu keluarga di kabupaten bandung barat"
    assert normalised[entity["start"] : entity["end"]] == "bandung barat"


def test_the_parse_result_shows_the_citizens_text_and_maps_token_entities_back(normaliser: ChatNormaliser) -> None:
    text = "Halooo, ektp sy ilang di KBB"
    [message] = normaliser.process([Message(data={TEXT: text})])
    normalised = message.get(TEXT)
    assert normalised == "halo ktp saya hilang di kbb"
    start = normalised.index("kbb")
    message.set(ENTITIES, [
        {"entity": "region", "value": "kbb", "start": start, "end": start + 3, "extractor": "DIETClassifier"},
        {"entity": "region", "value": "Kabupaten Bandung Barat", "start": 25, "end": 28,
         "extractor": "GazetteerEntityExtractor"},
    ])
    restorer = OriginalTextRestorer.create({}, None, None, None)  # type: ignore[arg-type]
    [restored] = restorer.process([message])
    assert restored.get(TEXT) == text
    for entity in restored.get(ENTITIES):
        assert text[entity["start"] : entity["end"]] == "KBB"


def test_a_message_of_only_emoji_or_punctuation_is_left_as_it_came(normaliser: ChatNormaliser) -> None:
    [message] = normaliser.process([Message(data={TEXT: "👍🙏 ??"})])
    assert message.get(TEXT) == "👍🙏 ??"
