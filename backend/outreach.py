"""Services outside the MPP building: mobile-service visits per kecamatan and ADM kiosks."""

from __future__ import annotations

from datetime import date

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.catalogue import Catalogue
from backend.models import Kiosk, MobileService
from backend.openapi import operation
from backend.opening import hours_out, utc_now
from backend.responses import respond
from backend.schemas import KioskOut, KiosksOut, MobileServiceOut, MobileServicesOut
from backend.state import CATALOGUE, DATABASE, WILAYAH
from backend.validation import MobileServiceFilter, RegionFilter, known_region, read_query
from backend.wilayah import kabkota_of, region_name
from regions.codes import RegionCodes
from regions.local_time import local_today

routes = web.RouteTableDef()
MAX_SCHEDULES = 200


def schedules(session: Session, region_code: str | None, first_day: date, wilayah: RegionCodes) -> MobileServicesOut:
    """Visits from ``first_day`` on, in a province, kab/kota or kecamatan (all regions without a code)."""
    query = select(MobileService).where(MobileService.date >= first_day)
    if region_code:
        query = query.where(MobileService.kecamatan_code.like(f"{region_code}%"))
    rows = session.scalars(query.order_by(MobileService.date, MobileService.start, MobileService.kecamatan_code)
                           .limit(MAX_SCHEDULES))
    return MobileServicesOut(schedules=[
        MobileServiceOut(kecamatan_code=row.kecamatan_code, kecamatan_name=region_name(wilayah, row.kecamatan_code),
                         region_code=kabkota_of(row.kecamatan_code),
                         region_name=region_name(wilayah, kabkota_of(row.kecamatan_code)), date=row.date,
                         start=row.start, end=row.end, location=row.location, services=list(row.services),
                         demo=row.is_demo)
        for row in rows
    ])


def kiosks(session: Session, region_code: str | None, wilayah: RegionCodes, catalogue: Catalogue) -> KiosksOut:
    """ADM kiosks of a kab/kota (a kecamatan code counts as its kab/kota) or province."""
    query = select(Kiosk)
    if region_code:
        query = query.where(Kiosk.region_code.like(f"{kabkota_of(region_code)}%"))
    return KiosksOut(kiosks=[
        KioskOut(id=row.id, region_code=row.region_code, region_name=region_name(wilayah, row.region_code),
                 name=row.name, location=row.location, hours=hours_out(row.hours, catalogue),
                 documents=list(row.documents), demo=row.is_demo)
        for row in session.scalars(query.order_by(Kiosk.region_code, Kiosk.id))
    ])


@routes.get("/mobile-services")
@operation("Mobile-service (layanan keliling) visits from a day on", "outreach",
           {200: MobileServicesOut, 422: "invalid_request"}, query=MobileServiceFilter)
async def list_mobile_services(request: web.Request) -> web.Response:
    query = read_query(request, MobileServiceFilter)
    wilayah = request.app[WILAYAH]
    region_code = known_region(wilayah, query.region_code)
    timezone = request.app[CATALOGUE].timezone_of(region_code or "")
    first_day = query.from_ or local_today(timezone, utc_now())
    return respond(await request.app[DATABASE].run(schedules, region_code, first_day, wilayah))


@routes.get("/kiosks")
@operation("ADM (Anjungan Dukcapil Mandiri) kiosks", "outreach", {200: KiosksOut, 422: "invalid_request"},
           query=RegionFilter)
async def list_kiosks(request: web.Request) -> web.Response:
    wilayah = request.app[WILAYAH]
    region_code = known_region(wilayah, read_query(request, RegionFilter).region_code)
    return respond(await request.app[DATABASE].run(kiosks, region_code, wilayah, request.app[CATALOGUE]))
