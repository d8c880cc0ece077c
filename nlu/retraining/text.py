"""How texts are compared and how they are written as examples.

Two messages are "the same" when they differ only in case, whitespace and punctuation
("Gimana cara bikin KTP??" = "gimana cara bikin ktp"): :func:`comparable` is that key, used
for exact duplicates, for texts already in the training data and for merge conflicts.
"""

from __future__ import annotations

import re
import unicodedata

PUNCTUATION = re.compile(r"[^\w\s]|_")
# Rasa's inline annotations: [text](entity), [text](entity:value), [text]{"entity": ...}, [text][{...}, {...}].
ANNOTATION = re.compile(r"\[(?P<text>[^\]]+)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def comparable(text: str) -> str:
    """Casefolded, punctuation as spaces, whitespace collapsed: the key of "the same text"."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(PUNCTUATION.sub(" ", text).split())


def strip_annotations(example: str) -> str:
    """The plain text of a training example: ``[sleman]{"entity": "region", ...}`` -> ``sleman``."""
    return ANNOTATION.sub(lambda match: match.group("text"), example)


def example_line(text: str) -> str:
    """``text`` on one line: control characters (line breaks, terminal escapes) become spaces.

    How a citizen's text is shown (inbox, labels) and written (an ``examples`` line).
    """
    return " ".join(CONTROL.sub(" ", text).split())
