"""Application status lookup (adminduk and nakes), guarded against guessing.

A lookup needs the number *and* the applicant's birth date. An unknown number and a
wrong birth date get the very same 404, and a number that failed 5 times within 15
minutes is locked (429) until the oldest failure is 15 minutes old.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.attempts import forget_attempts, record_attempt
from backend.catalogue import Catalogue
from backend.errors import not_found
from backend.models import Application
from backend.openapi import operation
from backend.opening import naive_utc, utc_now
from backend.responses import respond
from backend.schemas import ApplicationOut, HistoryOut
from backend.state import CATALOGUE, DATABASE
from backend.validation import ApplicationLookup, read_body

routes = web.RouteTableDef()
NOT_FOUND = ("Data permohonan tidak ditemukan. Mohon periksa kembali nomor permohonan dan tanggal lahir "
             "pemohon.")
TOO_MANY = ("Terlalu banyak percobaan yang gagal untuk nomor permohonan ini. Silakan coba lagi dalam "
            "{minutes} menit.")


def application_out(application: Application, catalogue: Catalogue) -> ApplicationOut:
    """An application in the API's shape; its status is the latest history step."""
    history = [HistoryOut(status=event.status, status_label=catalogue.application_statuses.get(event.status,
                                                                                                 event.status),
                          at=event.at.replace(tzinfo=timezone.utc), note=event.note)
               for event in application.history]
    current = history[-1]
    return ApplicationOut(
        number=application.number, kind=application.kind, type=application.type,
        type_label=catalogue.application_types.get(application.type, application.type),
        nik_masked=application.nik_masked, office=application.office, status=current.status,
        status_label=current.status_label, reason=application.reason if current.status == "ditolak" else None,
        history=history, demo=application.is_demo,
    )


def lookup(session: Session, request: ApplicationLookup, moment: datetime, catalogue: Catalogue) -> ApplicationOut:
    """The application, if the number and birth date match and the number is not locked."""
    number = request.number.strip().upper()
    attempts = record_attempt(session, [f"application:{number}"], naive_utc(moment), TOO_MANY)
    application = session.scalars(select(Application).where(Application.number == number)
                                  .options(selectinload(Application.history))).first()
    given = request.birth_date.isoformat().encode()
    if application is None or not hmac.compare_digest(application.birth_date.isoformat().encode(), given):
        raise not_found(NOT_FOUND)  # the attempt stays: it counts as a failure
    forget_attempts(session, attempts)
    return application_out(application, catalogue)


@routes.post("/applications/lookup")
@operation("Status of an application (number + applicant's birth date)", "applications", {
    200: ApplicationOut, 400: "invalid_request (malformed JSON)", 404: "not_found (unknown number or wrong birth date)",
    422: "invalid_request", 429: "too_many_attempts (see Retry-After)",
}, body=ApplicationLookup)
async def lookup_application(request: web.Request) -> web.Response:
    body = await read_body(request, ApplicationLookup)
    answer = await request.app[DATABASE].run(lookup, body, utc_now(), request.app[CATALOGUE])
    return respond(answer)
