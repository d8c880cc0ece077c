"""Rules that turn chat Indonesian into plainer Indonesian before featurisation.

Citizens write "gmn bikin e-ktp kak??", "halooo", "anak2", "3217 0157 0890 0003".
The classifier learns faster from "bagaimana buat ktp kakak", "halo",
"anak anak" and one 16-digit number. Everything here is a pure function of the
text and an informal -> formal lexicon, so it is easy to test.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from nlu.aligned_text import AlignedText

TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")
REPEATED_LETTER = re.compile(r"([^\W\d_])\1{2,}")
REDUPLICATION = re.compile(r"^([^\W\d_]{2,})2$")
DIGITS = re.compile(r"^\d+$")
DIGIT_GROUP_GAP = re.compile(r"^[ .\-]$")
NIK_LENGTH = 16
MAX_PHRASE_TOKENS = 3

# "sip" is "ok" in chat and "Surat Izin Praktik" for health workers.
SIP = "sip"
SIP_AS_OK = "oke"
LICENCE_CONTEXT = frozenset(
    {
        "praktik", "praktek", "izin", "ijin", "str", "dokter", "dr", "drg", "bidan", "perawat", "ners",
        "apoteker", "apt", "ttk", "farmasi", "kefarmasian", "analis", "lab", "atlm", "radiografer", "psikolog",
        "perekam", "sanitarian", "gizi", "fisioterapis", "fisio", "nakes", "tenaga", "kesehatan", "medis",
        "perpanjang", "perpanjangan", "memperpanjang", "habis", "expired", "kadaluarsa", "aktif", "aktifnya",
        "sisa", "mati", "baru", "syarat", "persyaratan", "daftar", "urus", "ngurus", "buat", "bikin", "pengajuan",
        "ajukan", "mengajukan", "kedua", "ketiga", "dinkes", "dpmptsp", "berlaku", "terbit", "status", "klinik",
        "rs", "puskesmas", "apotek", "skp", "cara", "bagaimana", "gimana", "gmn", "kapan", "dimana", "mana",
        "online", "license", "licence", "practice"
    }
)


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    end: int


def load_lexicon(path: Path) -> dict[str, str]:
    """Read an ``informal<TAB>formal`` table (``#`` lines are comments)."""
    lexicon: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "\t" in line:
            informal, formal = line.split("\t", 1)
            lexicon[informal] = formal
    return lexicon


def _tokens(text: str) -> list[_Token]:
    return [_Token(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def _join_digit_groups(text: str, tokens: list[_Token]) -> list[_Token]:
    """Join "3217 0157 0890 0003" into one token when the groups make a NIK."""
    joined: list[_Token] = []
    index = 0
    while index < len(tokens):
        end = index
        digits = tokens[index].text if DIGITS.match(tokens[index].text) else ""
        while (
            digits
            and len(digits) < NIK_LENGTH
            and end + 1 < len(tokens)
            and DIGITS.match(tokens[end + 1].text)
            and DIGIT_GROUP_GAP.match(text[tokens[end].end : tokens[end + 1].start])
        ):
            end += 1
            digits += tokens[end].text
        if end > index and len(digits) == NIK_LENGTH:
            joined.append(_Token(digits, tokens[index].start, tokens[end].end))
            index = end + 1
        else:
            joined.append(tokens[index])
            index += 1
    return joined


def _clean_word(word: str) -> str:
    word = word.lower()
    word = REPEATED_LETTER.sub(r"\1", word)
    reduplicated = REDUPLICATION.match(word)
    if reduplicated:
        word = f"{reduplicated.group(1)} {reduplicated.group(1)}"
    return word


class ChatNormalisation:
    """Normalises one message at a time with a fixed lexicon."""

    def __init__(self, lexicon: Mapping[str, str]) -> None:
        self.lexicon = dict(lexicon)

    def normalise(self, text: str) -> AlignedText:
        """Return the normalised text aligned with ``text``."""
        tokens = _join_digit_groups(text, _tokens(text))
        words = [_clean_word(token.text) for token in tokens]
        licence_context = any(word in LICENCE_CONTEXT for word in words)
        aligned = AlignedText(original=text)
        index = 0
        while index < len(tokens):
            replacement, used = self._replace(words, index, licence_context)
            start, end = tokens[index].start, tokens[index + used - 1].end
            if aligned.text:
                aligned.append(" ", aligned.ends[-1], start)
            aligned.append(replacement, start, end)
            index += used
        return aligned

    def _replace(self, words: list[str], index: int, licence_context: bool) -> tuple[str, int]:
        """Return the normalised form of the phrase at ``index`` and its length."""
        for size in range(min(MAX_PHRASE_TOKENS, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            if size == 1 and phrase == SIP:
                return (SIP if licence_context else SIP_AS_OK), 1
            if phrase in self.lexicon:
                return self.lexicon[phrase], size
        return words[index], 1

    def normalise_all(self, texts: Iterable[str]) -> list[str]:
        """Normalise several texts (for scripts and benchmarks)."""
        return [self.normalise(text).text for text in texts]
