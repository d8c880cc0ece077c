"""The NIK registry (stand-in for Dukcapil SIAK): is this NIK registered? Only for who knows a second factor.

A NIK's structure (region, birth date) is public knowledge; whether it is
registered is personal data (UU 27/2022). The registry confirms it only with
one second factor the NIK does not encode: the KK number or the mother's maiden
name (backend/second_factor.py). An unknown NIK, a wrong factor and a missing
factor get the very same 404, after the same work (one scrypt), and every
failure counts against the NIK and against the citizen asking
(backend/attempts.py: 5 failures in 15 minutes lock either for a while, 429).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from sqlalchemy.orm import Session

from backend.attempts import forget_attempts, hashed_subject, record_attempt
from backend.errors import not_found
from backend.models import Resident
from backend.openapi import operation
from backend.opening import naive_utc, utc_now
from backend.responses import respond
from backend.schemas import ResidentCheckOut
from backend.second_factor import Factor, factor_matches
from backend.state import DATABASE
from backend.validation import ResidentCheck, read_body
from storage.database import Database

routes = web.RouteTableDef()
NOT_FOUND = ("Data penduduk tidak ditemukan, atau nomor KK/nama ibu kandung tidak cocok. Mohon periksa kembali "
             "NIK dan data pendukungnya.")
TOO_MANY = "Terlalu banyak percobaan yang gagal. Silakan coba lagi dalam {minutes} menit."


@dataclass(frozen=True)
class _Candidate:
    """What the database said before the factor is compared (off the database's threads)."""

    attempt_ids: list[int]
    stored_hash: str | None
    demo: bool


def given_factor(request: ResidentCheck) -> tuple[Factor, str]:
    """The factor the request carries; a missing one is an empty name (it matches nothing)."""
    if request.kk_number is not None:
        return Factor.KK_NUMBER, request.kk_number
    return Factor.MOTHER_MAIDEN_NAME, request.mother_maiden_name or ""


def _candidate(session: Session, request: ResidentCheck, factor: Factor, moment: datetime) -> _Candidate:
    subjects = [hashed_subject("nik", request.nik), hashed_subject("citizen", request.citizen_ref)]
    attempt_ids = record_attempt(session, subjects, naive_utc(moment), TOO_MANY)
    resident = session.get(Resident, request.nik)
    if resident is None:
        return _Candidate(attempt_ids, None, False)
    stored = resident.kk_number_hash if factor is Factor.KK_NUMBER else resident.mother_maiden_name_hash
    return _Candidate(attempt_ids, stored, resident.is_demo)


async def check(database: Database, request: ResidentCheck, moment: datetime) -> ResidentCheckOut:
    """Registered, when the NIK is known and the factor matches; else the 404 of an unknown NIK."""
    factor, value = given_factor(request)
    candidate = await database.run(_candidate, request, factor, moment)
    # scrypt takes ~30 ms of CPU on purpose: not on the event loop, nor on a database thread
    if not await asyncio.to_thread(factor_matches, factor, value, candidate.stored_hash):
        raise not_found(NOT_FOUND)  # the attempts stay: they count as failures
    await database.run(forget_attempts, candidate.attempt_ids)
    return ResidentCheckOut(registered=True, demo=candidate.demo)


@routes.post("/residents/check")
@operation("Is a NIK registered? Needs one second factor: the KK number or the mother's maiden name", "residents", {
    200: ResidentCheckOut, 400: "invalid_request (malformed JSON)",
    404: "not_found (unknown NIK, wrong or missing second factor: the same answer)",
    422: "invalid_request (not 16 digits, both factors given)", 429: "too_many_attempts (see Retry-After)",
}, body=ResidentCheck)
async def check_resident(request: web.Request) -> web.Response:
    body = await read_body(request, ResidentCheck)
    return respond(await check(request.app[DATABASE], body, utc_now()))
