"""Text rewritten piece by piece, remembering where each piece came from.

The normaliser rewrites a citizen's message ("gmn bikin e-ktp??" becomes
"bagaimana buat ktp"); entity offsets found on the rewritten text must still
point into the original message, and annotations of training examples made on
the original text must point into the rewritten one. Every character of the
rewritten text keeps the span of the original text it was produced from.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AlignedText:
    """A rewritten text with, for each of its characters, its source span."""

    original: str
    text: str = ""
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)

    def append(self, piece: str, source_start: int, source_end: int) -> None:
        """Append ``piece``, produced from ``original[source_start:source_end]``."""
        self.text += piece
        self.starts.extend([source_start] * len(piece))
        self.ends.extend([source_end] * len(piece))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map the span ``text[start:end]`` to a span of the original text."""
        if not self.text or start >= end:
            return start, end
        start = max(0, min(start, len(self.text) - 1))
        end = max(start + 1, min(end, len(self.text)))
        return self.starts[start], self.ends[end - 1]

    def to_rewritten(self, start: int, end: int) -> tuple[int, int] | None:
        """Map the span ``original[start:end]`` to a span of the rewritten text.

        Returns ``None`` when nothing of the span survived the rewriting.
        """
        inside = [
            index
            for index, (source_start, source_end) in enumerate(zip(self.starts, self.ends))
            if source_end > start and source_start < end and not self.text[index].isspace()
        ]
        if not inside:
            return None
        return inside[0], inside[-1] + 1
