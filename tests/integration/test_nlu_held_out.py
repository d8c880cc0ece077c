"""The trained model understands held-out messages it never saw."""

from __future__ import annotations

from nlu.retraining.scores import load_examples, score
from test_support.paths import ROOT
from test_support.rasa_server import RasaServer


async def test_held_out_accuracy_and_macro_f1_are_at_least_095(rasa: RasaServer) -> None:
    held_out = load_examples([ROOT / "tests" / "nlu" / "test_nlu.yml"])
    predicted = [(await rasa.parse(text))["intent"]["name"] for text, _ in held_out]
    scores = score([intent for _, intent in held_out], predicted)
    wrong = [(text, gold, guess) for (text, gold), guess in zip(held_out, predicted) if gold != guess]
    assert scores.accuracy >= 0.95, wrong
    assert scores.macro_f1 >= 0.95, scores.weakest
