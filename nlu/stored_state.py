"""Components whose trained state is kept in Rasa's model storage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from typing_extensions import Self

STATE_FILE = "state.json"


class StoredStateComponent(GraphComponent):
    """Creation, loading and saving for a component with a trained state.

    Subclasses say what their state is by implementing :meth:`_restore`, and
    store a new state with :meth:`_store` at the end of ``train``. The state is
    one JSON document unless :meth:`_write_state` and :meth:`_read_state` say otherwise.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Return the default config (none unless a subclass says so)."""
        return {}

    def __init__(self, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
                 state: Any = None) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._restore(state)

    def _restore(self, state: Any) -> None:
        """Set the component up from ``state`` (``None`` when untrained)."""
        raise NotImplementedError

    def _store(self, state: Any) -> Resource:
        """Use ``state`` from now on and keep it in the model."""
        self._restore(state)
        with self._model_storage.write_to(self._resource) as directory:
            self._write_state(directory, state)
        return self._resource

    @classmethod
    def _write_state(cls, directory: Path, state: Any) -> None:
        (directory / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def _read_state(cls, directory: Path) -> Any:
        return json.loads((directory / STATE_FILE).read_text(encoding="utf-8"))

    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> Self:
        """Create an untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> Self:
        """Load the component with the state stored in the model."""
        try:
            with model_storage.read_from(resource) as directory:
                state = cls._read_state(directory)
        except (ValueError, FileNotFoundError):
            state = None
        return cls(config, model_storage, resource, state)
