"""Reading and writing a component's JSON state in Rasa's model storage."""

from __future__ import annotations

import json
from typing import Any

from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage


def write_json(model_storage: ModelStorage, resource: Resource, state: Any) -> None:
    """Store ``state`` as the resource's only file."""
    with model_storage.write_to(resource) as directory:
        (directory / "state.json").write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")


def read_json(model_storage: ModelStorage, resource: Resource) -> Any:
    """Return the state stored by :func:`write_json`, or ``None`` if there is none."""
    try:
        with model_storage.read_from(resource) as directory:
            return json.loads((directory / "state.json").read_text(encoding="utf-8"))
    except (ValueError, FileNotFoundError):
        return None
