"""Finding known names (regions, professions) in free text, longest match first."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

WORD = re.compile(r"[^\W_]+")


def match_key(text: str) -> str:
    """Lowercase and reduce punctuation/spacing: "Kab. Bandung  Barat" -> "kab bandung barat"."""
    return " ".join(WORD.findall(text.lower()))


@dataclass(frozen=True)
class Match:
    """A name found in a text: its span, its entity type and its normalised value."""

    entity: str
    value: str
    start: int
    end: int


class Gazetteer:
    """Names of one or more entity types, each surface form mapped to a value."""

    def __init__(self, names: Mapping[str, Mapping[str, str]]) -> None:
        """``names``: entity type -> surface form -> value."""
        self._entries: dict[str, tuple[str, str]] = {}
        for entity, forms in names.items():
            for surface, value in forms.items():
                key = match_key(surface)
                if key:
                    self._entries.setdefault(key, (entity, value))
        self._longest = max((key.count(" ") + 1 for key in self._entries), default=0)

    def find(self, text: str) -> list[Match]:
        """Return the non-overlapping names in ``text``, longest first, left to right."""
        words = [(m.group(0).lower(), m.start(), m.end()) for m in WORD.finditer(text)]
        found: list[Match] = []
        index = 0
        while index < len(words):
            for size in range(min(self._longest, len(words) - index), 0, -1):
                key = " ".join(word for word, _, _ in words[index : index + size])
                entry = self._entries.get(key)
                if entry:
                    found.append(Match(entry[0], entry[1], words[index][1], words[index + size - 1][2]))
                    index += size
                    break
            else:
                index += 1
        return found
