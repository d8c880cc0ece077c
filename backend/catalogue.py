"""Codes and Indonesian labels the API returns, read from ``catalogue.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from regions.local_time import DEFAULT_TIMEZONE, WEEKDAYS

CATALOGUE_YML = Path(__file__).resolve().parent / "catalogue.yml"


@dataclass(frozen=True)
class Service:
    """A counter service that can be booked at an MPP."""

    code: str
    label: str
    area: str


@dataclass(frozen=True)
class Catalogue:
    """Every code -> label table of the back office."""

    services: dict[str, Service]
    application_types: dict[str, str]
    application_statuses: dict[str, str]
    licence_statuses: dict[str, str]
    weekdays: tuple[str, ...]
    timezone_by_province: dict[str, str]

    @classmethod
    def load(cls, path: Path = CATALOGUE_YML) -> Catalogue:
        """Read the catalogue file."""
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(
            services={item["code"]: Service(**item) for item in raw["services"]},
            application_types=dict(raw["application_types"]),
            application_statuses=dict(raw["application_statuses"]),
            licence_statuses=dict(raw["licence_statuses"]),
            weekdays=WEEKDAYS,
            timezone_by_province={province: zone for zone, provinces in raw["timezones"].items()
                                  for province in provinces},
        )

    def service_label(self, code: str) -> str:
        """The label of a service code (the code itself if the catalogue lost it)."""
        service = self.services.get(code)
        return service.label if service else code

    def timezone_of(self, region_code: str) -> str:
        """The IANA timezone of a region, from its province."""
        return self.timezone_by_province.get(region_code[:2], DEFAULT_TIMEZONE)
