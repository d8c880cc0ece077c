"""What the assistant already knows: the intent examples in ``data/nlu`` and the intents of the domain."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from nlu.retraining.text import comparable, strip_annotations

GENERATED_MARK = "do not edit"


@dataclass(frozen=True)
class TrainingExample:
    """One ``- `` line of an intent's ``examples``, entity annotations removed."""

    text: str
    intent: str
    path: Path


@dataclass(frozen=True)
class DataFile:
    """A file of ``data/nlu`` and the intents it has examples for, in file order."""

    path: Path
    intents: tuple[str, ...]
    generated: bool


@dataclass
class TrainingData:
    """Every intent example of a ``data/nlu`` folder (lookups, synonyms and regexes are not examples)."""

    files: list[DataFile] = field(default_factory=list)
    examples: list[TrainingExample] = field(default_factory=list)

    def known_texts(self) -> set[str]:
        """The :func:`~nlu.retraining.text.comparable` keys of every example."""
        return {comparable(example.text) for example in self.examples}

    def by_text(self) -> dict[str, list[TrainingExample]]:
        """Examples by comparable key (one text can be in several intents when the data is inconsistent)."""
        index: dict[str, list[TrainingExample]] = {}
        for example in self.examples:
            index.setdefault(comparable(example.text), []).append(example)
        return index

    def file_for(self, intent: str) -> Path | None:
        """The first hand-written file that already has ``- intent: <intent>`` (generated files are rebuilt
        by scripts, so nothing is ever added to them)."""
        for data_file in self.files:
            if not data_file.generated and intent in data_file.intents:
                return data_file.path
        return None


def is_generated(source: str) -> bool:
    """Generated files say so in their header comment ("... do not edit")."""
    for line in source.splitlines():
        if not line.startswith("#"):
            return False
        if GENERATED_MARK in line.lower():
            return True
    return False


def example_lines(examples: Any) -> list[str]:
    """The example texts of an ``examples`` value: the ``- `` lines of a block, or a list of ``text:`` items."""
    if isinstance(examples, str):
        lines = (line.strip() for line in examples.splitlines())
        return [line[2:].strip() for line in lines if line.startswith("- ") and line[2:].strip()]
    if isinstance(examples, list):
        return [str(item["text"]) for item in examples if isinstance(item, Mapping) and item.get("text")]
    return []


def nlu_files(data_dir: Path) -> list[Path]:
    """The YAML files of ``data_dir`` in a stable order."""
    return sorted([*data_dir.glob("*.yml"), *data_dir.glob("*.yaml")])


def read_training_data(data_dir: Path, paths: Iterable[Path] | None = None) -> TrainingData:
    """Read the intent examples of every YAML file in ``data_dir`` (or of ``paths``)."""
    data = TrainingData()
    yaml = YAML(typ="safe")
    for path in paths if paths is not None else nlu_files(data_dir):
        source = path.read_text(encoding="utf-8")
        document = yaml.load(source) or {}
        intents: list[str] = []
        for item in _entries(document, "nlu"):
            if not isinstance(item, Mapping) or "intent" not in item:
                continue
            intent = str(item["intent"])
            if intent not in intents:
                intents.append(intent)
            data.examples += [TrainingExample(strip_annotations(line), intent, path)
                              for line in example_lines(item.get("examples"))]
        data.files.append(DataFile(path, tuple(intents), is_generated(source)))
    return data


def _entries(document: Any, key: str) -> list[Any]:
    """The list under ``key`` of a YAML document, or nothing."""
    value = document.get(key) if isinstance(document, Mapping) else None
    return value if isinstance(value, list) else []


def domain_intents(domain: Path) -> set[str]:
    """The intents a domain declares: a domain file or every YAML file of a domain folder.

    An entry is a name or a one-key mapping (``- greet: {use_entities: []}``).
    """
    paths = [domain] if domain.is_file() else sorted([*domain.glob("*.yml"), *domain.glob("*.yaml")])
    yaml = YAML(typ="safe")
    intents: set[str] = set()
    for path in paths:
        document = yaml.load(path.read_text(encoding="utf-8")) or {}
        for entry in _entries(document, "intents"):
            if isinstance(entry, Mapping):
                intents.update(str(name) for name in entry)
            else:
                intents.add(str(entry))
    return intents
