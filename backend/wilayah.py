"""Kemendagri region codes in the back office: the shared list (regions/) and the code arithmetic of queries.

Codes are dotted: provinsi ``33``, kab/kota ``33.28``, kecamatan ``33.28.05``;
a prefix match on the dotted code finds everything inside a region.
"""

from __future__ import annotations

import re

from regions.codes import RegionCodes, RegionKind

REGION_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2})?)?$")


def kabkota_of(code: str) -> str:
    """Cut a kecamatan code to its kab/kota (``33.28.05`` -> ``33.28``); shorter codes stay."""
    return code[:5]


def province_of(code: str) -> str:
    """The province part of any region code."""
    return code[:2]


def region_name(codes: RegionCodes, code: str) -> str:
    """The region's official name (the code itself when unknown)."""
    return codes.name(code) or code


def is_kabkota(codes: RegionCodes, code: str) -> bool:
    """Whether ``code`` is a known kab/kota code."""
    return codes.kind(code) is RegionKind.KABKOTA
