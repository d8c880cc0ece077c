"""Validating the action server's answers against a schema built once, not once per call.

Rasa 3.6 checks every answer of the action server with ``jsonschema.validate``,
which first validates Rasa's (constant) response schema against the JSON
Schema 2020-12 meta-schema. On these machines that was about two thirds of a
form turn (docs/benchmarks.md). Here the schema is checked once and its
validator reused: the same answers are accepted and the same errors raised.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jsonschema import exceptions, validators
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL


@lru_cache(maxsize=1)
def action_response_validator() -> Any:
    """The validator of Rasa's action response schema (the schema itself checked once)."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's ``RemoteAction._validate_action_result`` with the cached validator."""
    error = exceptions.best_match(action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from the Action "
            f"endpoint is valid. For more information about the format visit {DOCS_BASE_URL}/custom-actions"
        )
        raise error
    return True


def install() -> None:
    """Use the cached validator in this process's Rasa server."""
    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]
