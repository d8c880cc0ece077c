"""Demo data: the MPP directory CSV plus the synthetic rows of ``demo_data.yml``.

Idempotent: every run replaces the demo rows (``is_demo = true``) with fresh ones;
rows an operator created are never touched. ``reset`` also forgets demo bookings,
their now-empty queue slots and every failed lookup attempt.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.catalogue import Catalogue
from backend.directory_csv import read_directory, replace_directory
from backend.models import (
    Application,
    ApplicationEvent,
    Booking,
    Kiosk,
    Licence,
    LookupAttempt,
    MobileService,
    Mpp,
    QueueSlot,
    Resident,
)
from backend.opening import naive_utc
from backend.second_factor import KK_NUMBER_LENGTH, Factor, hash_factor, normalise
from backend.wilayah import kabkota_of, region_name
from privacy.masking import mask_nik
from regions.codes import RegionCodes
from regions.local_time import local_today
from storage.database import bulk

DEMO_DATA = Path(__file__).resolve().parent / "demo_data.yml"
WOMEN_DAY_OFFSET = 40


@dataclass(frozen=True)
class SeedSources:
    """Where the demo data comes from, and the lookups needed to check it."""

    directory_csv: Path
    catalogue: Catalogue
    wilayah: RegionCodes
    demo_data: Path = DEMO_DATA


def make_nik(kecamatan: str, birth_date: date, sex: str, serial: int) -> str:
    """A structurally valid NIK: region digits, DDMMYY (women: day + 40) and a serial from 0001."""
    day = birth_date.day + (WOMEN_DAY_OFFSET if sex == "P" else 0)
    return f"{kecamatan.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


def _residents(items: list[dict[str, Any]], wilayah: RegionCodes) -> dict[str, Resident]:
    residents: dict[str, Resident] = {}
    for item in items:
        if len(item["kecamatan"]) != len("33.28.05") or item["kecamatan"] not in wilayah:
            raise ValueError(f"demo resident {item['key']}: unknown kecamatan {item['kecamatan']}")
        nik = make_nik(item["kecamatan"], item["birth_date"], item["sex"], item["serial"])
        if "kk" in item and len(normalise(Factor.KK_NUMBER, item["kk"])) != KK_NUMBER_LENGTH:
            raise ValueError(f"demo resident {item['key']}: a KK number has 16 digits")
        residents[item["key"]] = Resident(
            nik=nik, birth_date=item["birth_date"], sex=item["sex"], is_demo=True,
            kk_number_hash=_factor_hash(Factor.KK_NUMBER, item.get("kk")),
            mother_maiden_name_hash=_factor_hash(Factor.MOTHER_MAIDEN_NAME, item.get("mother")),
        )
    return residents


def _factor_hash(factor: Factor, value: Any) -> str | None:
    """The stored form of a demo resident's second factor (none given: it cannot confirm them)."""
    return None if value is None else hash_factor(factor, str(value))


def _applications(items: list[dict[str, Any]], residents: dict[str, Resident]) -> list[Application]:
    applications = []
    for item in items:
        applicant = residents[item["applicant"]]
        history = [ApplicationEvent(status=step["status"], at=naive_utc(datetime.fromisoformat(step["at"])),
                                    note=step.get("note")) for step in item["history"]]
        applications.append(Application(
            number=item["number"], kind=item["kind"], type=item["type"], nik_masked=mask_nik(applicant.nik),
            birth_date=applicant.birth_date, office=item["office"], reason=item.get("reason"), is_demo=True,
            history=history,
        ))
    return applications


def _mobile_services(spec: dict[str, Any], wilayah: RegionCodes, catalogue: Catalogue, now: datetime
                     ) -> list[MobileService]:
    visits = []
    for visit in spec["visits"]:
        kecamatan = visit["kecamatan"]
        today = local_today(catalogue.timezone_of(kecamatan), now)
        location = visit.get("location", spec["location"]).format(kecamatan_name=region_name(wilayah, kecamatan))
        days = (today + timedelta(days=offset) for offset in range(7 * spec["weeks"]))
        visits += [MobileService(kecamatan_code=kecamatan, date=day, start=visit["start"], end=visit["end"],
                                 location=location, services=list(visit["services"]), is_demo=True)
                   for day in days if day.weekday() == visit["weekday"]]
    return visits


def _kiosks(templates: list[dict[str, Any]], region_codes: list[str], wilayah: RegionCodes) -> list[Kiosk]:
    return [
        Kiosk(id=f"adm-{code.replace('.', '')}-{template['suffix']}", region_code=code,
              name=template["name"].format(region_name=region_name(wilayah, code)),
              location=template["location"].format(region_name=region_name(wilayah, code)), hours=template["hours"],
              documents=list(template["documents"]), is_demo=True)
        for code in region_codes for template in templates
    ]


def _forget_demo_rows(session: Session, reset: bool) -> None:
    if reset:
        session.execute(bulk(delete(Booking).where(Booking.is_demo.is_(True))))
        session.execute(bulk(delete(QueueSlot).where(~QueueSlot.id.in_(select(Booking.slot_id)))))
        session.execute(bulk(delete(LookupAttempt)))
    demo_applications = select(Application.id).where(Application.is_demo.is_(True))
    session.execute(bulk(delete(ApplicationEvent).where(ApplicationEvent.application_id.in_(demo_applications))))
    for model in (Application, Resident, Licence, MobileService, Kiosk):
        session.execute(bulk(delete(model).where(model.is_demo.is_(True))))


def seed(session: Session, sources: SeedSources, now: datetime, reset: bool = False) -> dict[str, int]:
    """Load the directory and replace the demo rows; returns how many rows of each kind exist now."""
    replace_directory(session, read_directory(sources.directory_csv, sources.catalogue, sources.wilayah), now)
    data = yaml.safe_load(sources.demo_data.read_text(encoding="utf-8"))
    with session.begin():
        _forget_demo_rows(session, reset)
        session.flush()
        residents = _residents(data["residents"], sources.wilayah)
        regions = sorted({kabkota_of(code) for code in session.scalars(select(Mpp.region_code)
                                                                       .where(Mpp.listed.is_(True)))})
        rows: list[Any] = [
            *residents.values(),
            *_applications(data["applications"], residents),
            *(Licence(is_demo=True, **{"valid_until": None, **item}) for item in data["licences"]),
            *_mobile_services(data["mobile_services"], sources.wilayah, sources.catalogue, now),
            *_kiosks(data["kiosks"], regions, sources.wilayah),
        ]
        session.add_all(rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[type(row).__tablename__] = counts.get(type(row).__tablename__, 0) + 1
    return counts
