"""Kemendagri region codes: provinsi, kabupaten/kota and kecamatan.

Read from resources/wilayah/wilayah_kecamatan.csv (``kode,nama`` rows such as
``33``, ``33.28``, ``33.28.05``). Codes are handled in dotted form; undotted
digit strings ("332805", as they appear inside a NIK) are accepted wherever a
code is expected.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from enum import Enum
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

WILAYAH_DIR = Path(__file__).resolve().parent.parent / "resources" / "wilayah"
WILAYAH_CSV = WILAYAH_DIR / "wilayah_kecamatan.csv"

# Forms people (and the NLU synonyms) put before a kab/kota name.
KABKOTA_PREFIXES = {"Kabupaten": ("kabupaten", "kab"), "Kota": ("kota",)}

_DOTTED = re.compile(r"\d{2}(?:\.\d{2}){0,2}")
_UNDOTTED = re.compile(r"\d{2}(?:\d{2}){0,2}")
_WORD = re.compile(r"[^\W_]+")


class RegionKind(str, Enum):
    """The level of a region code, by its number of two-digit parts."""

    PROVINCE = "provinsi"
    KABKOTA = "kabupaten/kota"
    KECAMATAN = "kecamatan"


_KIND_BY_PARTS = {1: RegionKind.PROVINCE, 2: RegionKind.KABKOTA, 3: RegionKind.KECAMATAN}


def normalise_code(code: str) -> str | None:
    """Return ``code`` in dotted form ("332805" -> "33.28.05"), or None if it is not a region code shape."""
    code = code.strip()
    if _DOTTED.fullmatch(code):
        return code
    if _UNDOTTED.fullmatch(code):
        return ".".join(code[i : i + 2] for i in range(0, len(code), 2))
    return None


def kind_of(code: str) -> RegionKind | None:
    """The level a code has by its shape (whether or not it exists)."""
    dotted = normalise_code(code)
    return None if dotted is None else _KIND_BY_PARTS[dotted.count(".") + 1]


def split_name(official: str) -> tuple[str, str]:
    """Split "Kota Administrasi Jakarta Selatan" into ("Kota", "Jakarta Selatan")."""
    kind, _, rest = official.partition(" ")
    rest = rest.removeprefix("Administrasi ")
    return kind, rest


def name_key(name: str) -> str:
    """Compare names by their words only: "Kab.  Bandung-Barat" -> "kab bandung barat"."""
    return " ".join(_WORD.findall(name.lower()))


def read_region_rows(path: Path = WILAYAH_CSV) -> Iterator[tuple[str, str]]:
    """Yield (dotted code, name) in file order, skipping the header."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for code, name in reader:
            yield code.strip(), name.strip()


class RegionCodes:
    """A read-only table of region codes and names.

    Build it with :func:`load_region_codes` (the repository's list, cached) or
    from any (code, name) rows for tests.
    """

    def __init__(self, rows: Iterable[tuple[str, str]]) -> None:
        names: dict[str, str] = {}
        for code, name in rows:
            dotted = normalise_code(code)
            if dotted is None:
                raise ValueError(f"not a region code: {code!r}")
            names[dotted] = name
        self._names = MappingProxyType(names)
        exact: dict[str, str] = {}
        bare: dict[str, list[str]] = defaultdict(list)
        for code, name in names.items():
            kind = _KIND_BY_PARTS[code.count(".") + 1]
            if kind is RegionKind.PROVINCE:
                exact[name_key(name)] = code
                bare[name_key(name)].append(code)
            elif kind is RegionKind.KABKOTA:
                prefix, short = split_name(name)
                exact[name_key(name)] = code
                for form in KABKOTA_PREFIXES.get(prefix, (prefix.lower(),)):
                    exact.setdefault(name_key(f"{form} {short}"), code)
                bare[name_key(short)].append(code)
        self._exact = MappingProxyType(exact)
        self._bare = MappingProxyType({key: tuple(codes) for key, codes in bare.items()})

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and self.exists(code)

    def name(self, code: str) -> str | None:
        """The official name of a code ("33.28" -> "Kabupaten Tegal"), None if unknown."""
        dotted = normalise_code(code)
        return None if dotted is None else self._names.get(dotted)

    def exists(self, code: str) -> bool:
        """Whether the code is in the list (dotted or undotted)."""
        return self.name(code) is not None

    def kind(self, code: str) -> RegionKind | None:
        """The level of a known code, None if the code is not in the list."""
        return kind_of(code) if self.exists(code) else None

    def _ancestor(self, code: str, parts: int) -> str | None:
        dotted = normalise_code(code)
        if dotted is None or dotted.count(".") + 1 < parts:
            return None
        ancestor = dotted[: 3 * parts - 1]
        return ancestor if ancestor in self._names else None

    def province_of(self, code: str) -> str | None:
        """The province code of any code ("33.28.05" -> "33"), None if that province is unknown."""
        return self._ancestor(code, 1)

    def kabkota_of(self, code: str) -> str | None:
        """The kab/kota code of a kab/kota or kecamatan code ("33.28.05" -> "33.28"), None if unknown."""
        return self._ancestor(code, 2)

    def entries(self, kind: RegionKind) -> list[tuple[str, str]]:
        """All (code, name) pairs of one level, in file order."""
        return [(code, name) for code, name in self._names.items() if _KIND_BY_PARTS[code.count(".") + 1] is kind]

    def codes(self, kind: RegionKind) -> list[str]:
        """All codes of one level, in file order."""
        return [code for code, _ in self.entries(kind)]

    def codes_for_name(self, name: str) -> tuple[str, ...]:
        """Every province or kab/kota code a name may mean.

        An official name ("Kabupaten Tegal", "jawa barat") or a prefixed form
        ("Kab. Tegal", "Kota Jakarta Selatan") gives one code; a bare name
        gives all regions with that name ("Tegal" -> Kabupaten and Kota Tegal,
        "Bengkulu" -> the province and the kota). Kecamatan names are not
        indexed: they repeat across the country.
        """
        key = name_key(name)
        if key in self._exact and key not in self._bare:
            return (self._exact[key],)
        return self._bare.get(key, ())

    def code_for_name(self, name: str) -> str | None:
        """The code of a province or kab/kota name as the NLU gives it, None if unknown or ambiguous.

        An exact official name wins over bare-name matches, so "Bengkulu" is
        the province and "Kota Bengkulu" the city; an ambiguous bare name such
        as "Tegal" (which the NLU returns when it cannot tell) gives None.
        """
        key = name_key(name)
        if key in self._exact:
            return self._exact[key]
        candidates = self._bare.get(key, ())
        return candidates[0] if len(candidates) == 1 else None


@lru_cache(maxsize=1)
def load_region_codes() -> RegionCodes:
    """The Kemendagri list shipped in resources/wilayah, loaded once per process."""
    return RegionCodes(read_region_rows())
