"""Kemendagri region codes and the NIK check built on them (pure Python, no Rasa)."""

from regions.codes import RegionCodes, RegionKind, kind_of, load_region_codes, normalise_code
from regions.nik import NikCheck, NikProblem, check_nik

__all__ = [
    "NikCheck",
    "NikProblem",
    "RegionCodes",
    "RegionKind",
    "check_nik",
    "kind_of",
    "load_region_codes",
    "normalise_code",
]
