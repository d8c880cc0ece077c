"""Reading and writing the loop's own YAML files (inbox snapshot, labels): key order kept, atomic writes.

The console and the command line share these files, so a reader never sees half a file.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter


def _represent_none(representer: RoundTripRepresenter, _data: None) -> Any:
    return representer.represent_scalar("tag:yaml.org,2002:null", "null")


class _NullSpelledOut(RoundTripRepresenter):
    """Writes None as ``null``. A subclass: ``add_representer`` on ruamel's own class would change
    every YAML file the process writes (the form rules generator's, for one)."""


_NullSpelledOut.add_representer(type(None), _represent_none)


def _writer() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Representer = _NullSpelledOut
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096  # type: ignore[assignment]
    return yaml


def dump_yaml(data: Any, header: str = "") -> str:
    """``data`` as block YAML, keys in insertion order, ``null`` spelled out; ``header`` as comment lines."""
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in header.splitlines()))
    _writer().dump(data, out)
    return out.getvalue()


def load_yaml(path: Path) -> Any:
    """The plain data of a YAML file (dicts, lists, scalars)."""
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` in one step (a temporary file beside it, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
