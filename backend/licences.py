"""Health-worker licences (STR from KKI / SATUSEHAT SDMK, SIP from the kab/kota DPMPTSP)."""

from __future__ import annotations

import re
from datetime import date
from typing import cast

from aiohttp import web
from sqlalchemy.orm import Session

from backend.catalogue import Catalogue
from backend.errors import not_found
from backend.models import Licence
from backend.openapi import operation
from backend.opening import utc_now
from backend.responses import respond
from backend.schemas import LicenceOut, LicenceStatus
from backend.state import CATALOGUE, DATABASE
from backend.validation import LicenceLookup, read_body
from regions.local_time import DEFAULT_TIMEZONE, local_today

routes = web.RouteTableDef()
NOT_FOUND = "Data STR/SIP dengan nomor tersebut tidak ditemukan. Mohon periksa kembali nomornya."


def mask_name(name: str) -> str:
    """``Siti Rahayu`` -> ``S***** R*****`` (the same length for every word)."""
    return " ".join(word[0] + "*****" for word in name.split())


def status_on(licence: Licence, today: date) -> LicenceStatus:
    """An ``aktif`` licence whose validity ended is ``tidak_aktif``."""
    if licence.status == "aktif" and licence.valid_until is not None and licence.valid_until < today:
        return "tidak_aktif"
    return cast(LicenceStatus, licence.status)


def find(session: Session, number: str, today: date, catalogue: Catalogue) -> LicenceOut:
    """The licence ``number`` (spaces ignored, any case), or 404."""
    licence = session.get(Licence, re.sub(r"\s+", "", number).upper())
    if licence is None:
        raise not_found(NOT_FOUND)
    status = status_on(licence, today)
    return LicenceOut(number=licence.number, kind=licence.kind, profession=licence.profession, status=status,
                      status_label=catalogue.licence_statuses.get(status, status), valid_until=licence.valid_until,
                      issuer=licence.issuer, holder_name_masked=mask_name(licence.holder_name), demo=licence.is_demo)


@routes.post("/licences/lookup")
@operation("An STR or SIP by number", "licences",
           {200: LicenceOut, 400: "invalid_request (malformed JSON)", 404: "not_found", 422: "invalid_request"},
           body=LicenceLookup)
async def lookup_licence(request: web.Request) -> web.Response:
    body = await read_body(request, LicenceLookup)
    today = local_today(DEFAULT_TIMEZONE, utc_now())  # KKI and DPMPTSP dates are calendar days
    return respond(await request.app[DATABASE].run(find, body.number, today, request.app[CATALOGUE]))
