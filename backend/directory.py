"""The MPP directory: services, MPPs by region, the nearest MPP, one MPP."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql import Select

from backend.catalogue import Catalogue
from backend.errors import ApiError
from backend.models import Mpp
from backend.openapi import operation
from backend.opening import hours_out
from backend.responses import respond
from backend.schemas import MppListOut, MppOut, MppServiceOut, NearestMatch, NearestOut, ServiceOut, ServicesOut
from backend.state import CATALOGUE, DATABASE, WILAYAH
from backend.validation import RegionFilter, RegionRequired, known_region, read_query
from backend.wilayah import kabkota_of, province_of, region_name
from regions.codes import RegionCodes

routes = web.RouteTableDef()
UNKNOWN_MPP = "MPP yang dimaksud tidak ditemukan di direktori."


def unknown_mpp() -> ApiError:
    """404 for an MPP id that is not in the directory."""
    return ApiError(404, "unknown_mpp", UNKNOWN_MPP)


def mpp_out(mpp: Mpp, catalogue: Catalogue, wilayah: RegionCodes) -> MppOut:
    """An MPP row in the API's shape."""
    province = province_of(mpp.region_code)
    return MppOut(
        id=mpp.id, name=mpp.name, region_code=mpp.region_code, region_name=region_name(wilayah, mpp.region_code),
        province_code=province, province_name=region_name(wilayah, province), timezone=mpp.timezone,
        address=mpp.address, official_channel=mpp.official_channel, hours=hours_out(mpp.hours, catalogue),
        hours_source=mpp.hours_source, counters=mpp.counters, demo=mpp.is_demo,
        services=[MppServiceOut(code=service.service, label=catalogue.service_label(service.service),
                                daily_capacity=service.daily_capacity) for service in mpp.services],
    )


def _listed(prefix: str | None = None) -> Select:
    query = select(Mpp).where(Mpp.listed.is_(True)).options(selectinload(Mpp.services))
    if prefix is not None:
        query = query.where(Mpp.region_code.like(f"{prefix}%"))
    return query.order_by(Mpp.region_code, Mpp.name)


def listed_mpp(session: Session, mpp_id: str) -> Mpp:
    """The listed MPP ``mpp_id`` with its services, or 404 unknown_mpp."""
    mpp = session.scalars(_listed().where(Mpp.id == mpp_id)).first()
    if mpp is None:
        raise unknown_mpp()
    return mpp


def mpps_in(session: Session, region_code: str | None) -> list[Mpp]:
    """Listed MPPs in a province or kab/kota (a kecamatan code counts as its kab/kota)."""
    return list(session.scalars(_listed(kabkota_of(region_code) if region_code else None)))


def nearest(session: Session, region_code: str) -> tuple[NearestMatch, list[Mpp]]:
    """MPPs of the same kab/kota, else of the same province, else none."""
    if len(region_code) >= len("33.28"):
        same_kabkota = mpps_in(session, kabkota_of(region_code))
        if same_kabkota:
            return "kabkota", same_kabkota
    same_province = mpps_in(session, province_of(region_code) + ".")
    return ("province", same_province) if same_province else ("none", [])


@routes.get("/services")
@operation("Counter services that can be booked", "directory", {200: ServicesOut})
async def list_services(request: web.Request) -> web.Response:
    services = request.app[CATALOGUE].services.values()
    return respond(ServicesOut(services=[ServiceOut(code=s.code, label=s.label, area=s.area) for s in services]))


@routes.get("/mpps")
@operation("MPPs in a province or kab/kota (all without region_code)", "directory",
           {200: MppListOut, 422: "region_code malformed or unknown"}, query=RegionFilter)
async def list_mpps(request: web.Request) -> web.Response:
    wilayah = request.app[WILAYAH]
    region_code = known_region(wilayah, read_query(request, RegionFilter).region_code)
    mpps = await request.app[DATABASE].run(mpps_in, region_code)
    catalogue = request.app[CATALOGUE]
    return respond(MppListOut(mpps=[mpp_out(mpp, catalogue, wilayah) for mpp in mpps]))


@routes.get("/mpps/nearest")
@operation("The nearest MPPs: same kab/kota, else same province", "directory",
           {200: NearestOut, 422: "region_code missing, malformed or unknown"}, query=RegionRequired)
async def nearest_mpps(request: web.Request) -> web.Response:
    wilayah = request.app[WILAYAH]
    region_code = read_query(request, RegionRequired).region_code
    known_region(wilayah, region_code)
    match, mpps = await request.app[DATABASE].run(nearest, region_code)
    catalogue = request.app[CATALOGUE]
    return respond(NearestOut(match=match, mpps=[mpp_out(mpp, catalogue, wilayah) for mpp in mpps]))


@routes.get("/mpps/{mpp_id}")
@operation("One MPP", "directory", {200: MppOut, 404: "unknown_mpp"})
async def get_mpp(request: web.Request) -> web.Response:
    mpp = await request.app[DATABASE].run(listed_mpp, request.match_info["mpp_id"])
    return respond(mpp_out(mpp, request.app[CATALOGUE], request.app[WILAYAH]))
