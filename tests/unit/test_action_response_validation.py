"""The cached validation accepts and rejects action-server answers as Rasa's own does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError, validate
from rasa.core.actions.action import RemoteAction

import rasa_server  # noqa: F401  (installs the cached validation)
from rasa_server.action_response_validation import validate_action_result

GOOD: dict[str, Any] = {"events": [{"event": "slot", "name": "nik", "value": None}],
                        "responses": [{"response": "utter_invalid_nik", "problems": "• ..."}]}
BAD: dict[str, Any] = {"events": [{"name": "nik"}], "responses": []}  # an event without its type


def test_importing_rasa_server_installs_it_in_rasa() -> None:
    assert RemoteAction._validate_action_result is validate_action_result


def test_a_valid_answer_is_accepted() -> None:
    action = object.__new__(RemoteAction)
    assert action._validate_action_result(GOOD) is True


def test_an_invalid_answer_is_refused_like_rasa_refuses_it() -> None:
    with pytest.raises(ValidationError) as rasas:
        validate(BAD, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError) as ours:
        object.__new__(RemoteAction)._validate_action_result(BAD)
    assert ours.value.message.startswith(rasas.value.message)
    assert "Failed to validate Action server response" in ours.value.message
