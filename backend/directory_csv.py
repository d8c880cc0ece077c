"""The operator's MPP directory CSV: validate every row, then replace the directory at once.

Columns are documented in ``resources/mpp/README.md``.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from backend.catalogue import Catalogue
from backend.models import Mpp, MppService, QueueSlot
from backend.opening import parse_window
from backend.wilayah import is_kabkota
from regions.codes import RegionCodes
from regions.local_time import local_today
from service_catalogue.loading import cached_catalogue
from storage.database import bulk

T = TypeVar("T")
HOURS_COLUMNS = ("hours_mon", "hours_tue", "hours_wed", "hours_thu", "hours_fri", "hours_sat", "hours_sun")
COLUMNS = ("id", "name", "region_code", "timezone", "code_prefix", "address", "official_channel", *HOURS_COLUMNS,
           "hours_source", "services", "demo")
# optional: a file without it (written before it existed) says nothing about other agencies' counters
COUNTERS = "counters"
NO_OTHER_COUNTERS = "none"
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PREFIX = re.compile(r"^[A-Z]{3}$")
_BOOLEANS = {"true": True, "false": False}
MAX_CAPACITY = 10_000


class DirectoryError(Exception):
    """The file cannot be loaded; ``problems`` name each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class DirectoryRow:
    """One validated line of the CSV."""

    id: str
    name: str
    region_code: str
    timezone: str
    code_prefix: str
    address: str | None
    official_channel: str | None
    hours: dict[str, list[str]]
    hours_source: str
    services: tuple[tuple[str, int], ...]
    # catalogue ids of the other agencies' counters there; None: not known
    counters: tuple[str, ...] | None
    demo: bool


class _RowReader:
    """Reads one raw row, collecting every problem instead of stopping at the first."""

    def __init__(self, raw: dict[str, str], catalogue: Catalogue, wilayah: RegionCodes) -> None:
        self.raw = {key: (value or "").strip() for key, value in raw.items() if key is not None}
        self.catalogue = catalogue
        self.wilayah = wilayah
        self.problems: list[str] = []

    def take(self, check: Callable[[str], T], column: str) -> T | None:
        try:
            return check(self.raw.get(column, ""))
        except ValueError as exc:
            self.problems.append(str(exc))
            return None

    def id(self, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f'id "{value}" tidak valid (huruf kecil, angka dan tanda hubung)')
        return value

    def name(self, value: str) -> str:
        if not value:
            raise ValueError("nama MPP kosong")
        return value

    def region_code(self, value: str) -> str:
        if not is_kabkota(self.wilayah, value):
            raise ValueError(f'kode wilayah "{value}" bukan kode kabupaten/kota Kemendagri yang dikenal')
        return value

    def timezone(self, value: str) -> str:
        expected = self.catalogue.timezone_of(self.raw.get("region_code", ""))
        if value != expected:
            raise ValueError(f'zona waktu "{value}" tidak sesuai; wilayah ini memakai {expected}')
        return value

    def code_prefix(self, value: str) -> str:
        if not _PREFIX.match(value):
            raise ValueError(f'code_prefix "{value}" harus 3 huruf kapital')
        return value

    def hours(self, _: str) -> dict[str, list[str]]:
        hours: dict[str, list[str]] = {}
        for weekday, column in enumerate(HOURS_COLUMNS):
            text = self.raw.get(column, "")
            if not text:
                continue
            try:
                hours[str(weekday)] = list(parse_window(text))
            except ValueError:
                raise ValueError(f'jam buka {column} "{text}" tidak valid (contoh: 08:00-15:00)') from None
        if not hours:
            raise ValueError("MPP tidak buka satu hari pun")
        return hours

    def hours_source(self, value: str) -> str:
        if value not in {"demo", "verified"}:
            raise ValueError(f'hours_source "{value}" harus demo atau verified')
        return value

    def services(self, value: str) -> tuple[tuple[str, int], ...]:
        found: dict[str, int] = {}
        for item in filter(None, (part.strip() for part in value.split(";"))):
            code, _, capacity = item.partition(":")
            if code not in self.catalogue.services:
                raise ValueError(f'layanan "{code}" tidak ada di katalog')
            if code in found:
                raise ValueError(f'layanan "{code}" tertulis dua kali')
            if not capacity.isdigit() or not 1 <= int(capacity) <= MAX_CAPACITY:
                raise ValueError(f'kuota layanan "{code}" harus bilangan 1-{MAX_CAPACITY}')
            found[code] = int(capacity)
        if not found:
            raise ValueError("tidak ada layanan (contoh: ktp_el:40;kk:30)")
        return tuple(found.items())

    def counters(self, value: str) -> tuple[str, ...] | None:
        if not value:
            return None
        if value.lower() == NO_OTHER_COUNTERS:
            return ()
        known = cached_catalogue().services
        found: list[str] = []
        for service in filter(None, (part.strip() for part in value.split(";"))):
            if service not in known:
                raise ValueError(f'loket "{service}" tidak ada di katalog layanan (resources/services/catalogue.yml)')
            if service in found:
                raise ValueError(f'loket "{service}" tertulis dua kali')
            found.append(service)
        return tuple(found)

    def demo(self, value: str) -> bool:
        if value.lower() not in _BOOLEANS:
            raise ValueError(f'demo "{value}" harus true atau false')
        return _BOOLEANS[value.lower()]

    def row(self) -> DirectoryRow | None:
        values: dict[str, Any] = {
            column: self.take(getattr(self, column), column)
            for column in ("id", "name", "region_code", "timezone", "code_prefix", "hours", "hours_source", "services",
                           "demo")
        }
        counters = self.take(self.counters, COUNTERS)
        if self.problems:
            return None
        return DirectoryRow(address=self.raw.get("address") or None, counters=counters,
                            official_channel=self.raw.get("official_channel") or None, **values)


def read_directory(path: Path, catalogue: Catalogue, wilayah: RegionCodes) -> list[DirectoryRow]:
    """Parse and validate the whole file; raise DirectoryError listing every bad line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise DirectoryError([f"baris 1: kolom {', '.join(missing)} tidak ada"])
        rows: list[DirectoryRow] = []
        problems: list[str] = []
        seen: dict[str, int] = {}
        for raw in reader:
            line = reader.line_num
            row_reader = _RowReader(raw, catalogue, wilayah)
            row = row_reader.row()
            problems += [f"baris {line}: {problem}" for problem in row_reader.problems]
            if row is None:
                continue
            if row.id in seen:
                problems.append(f'baris {line}: id "{row.id}" sudah dipakai di baris {seen[row.id]}')
            seen[row.id] = line
            rows.append(row)
    if not rows and not problems:
        problems.append("berkas tidak berisi satu MPP pun")
    if problems:
        raise DirectoryError(problems)
    return rows


def replace_directory(session: Session, rows: list[DirectoryRow], now: datetime) -> None:
    """Make the directory exactly ``rows``, in one transaction.

    MPPs missing from the file are unlisted rather than deleted: bookings refer to them.
    """
    with session.begin():
        existing = {mpp.id: mpp for mpp in session.scalars(select(Mpp).options(selectinload(Mpp.services)))}
        for row in rows:
            mpp = existing.pop(row.id, None) or Mpp(id=row.id)
            session.add(mpp)
            for column in ("name", "region_code", "timezone", "code_prefix", "address", "official_channel", "hours",
                           "hours_source"):
                setattr(mpp, column, getattr(row, column))
            mpp.counters = list(row.counters) if row.counters is not None else None
            mpp.is_demo = row.demo
            mpp.listed = True
            _replace_services(session, mpp, row, now)
        for gone in existing.values():
            gone.listed = False


def _replace_services(session: Session, mpp: Mpp, row: DirectoryRow, now: datetime) -> None:
    offered = {service.service: service for service in mpp.services}
    wanted = dict(row.services)
    for code in set(offered) - set(wanted):
        mpp.services.remove(offered.pop(code))
    for position, (code, capacity) in enumerate(row.services):
        if code not in offered:
            mpp.services.append(MppService(service=code, daily_capacity=capacity, position=position))
            continue
        offered[code].daily_capacity, offered[code].position = capacity, position
        session.execute(bulk(
            update(QueueSlot)
            .where(QueueSlot.mpp_id == mpp.id, QueueSlot.service == code,
                   QueueSlot.date >= local_today(row.timezone, now))
            .values(capacity=capacity)
        ))
