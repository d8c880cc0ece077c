"""Queue booking at an MPP: availability, book (idempotent), look up, cancel.

Rules: "today" is the MPP's local date; no day in the past, on a closed weekday,
after today's closing time or more than 30 days ahead; one active booking per
citizen, MPP, service and day; never more bookings than the day's capacity.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from aiohttp import web
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.sql import Select

from backend.catalogue import Catalogue
from backend.directory import listed_mpp
from backend.errors import ApiError, not_found
from backend.models import Booking, Mpp, MppService
from backend.openapi import Header, operation
from backend.opening import DATE_IN_PAST, naive_utc, refusal, utc_now, window_on
from backend.queue import ensure_slot, find_slot, free_place, take_place
from backend.responses import respond
from backend.schemas import AvailabilityOut, BookingConflictOut, BookingOut
from backend.state import CATALOGUE, DATABASE
from backend.validation import AvailabilityQuery, BookingRequest, CitizenRef, read_body, read_query
from regions.local_time import local_today
from storage.database import bulk

routes = web.RouteTableDef()
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY346789"  # no 0/O, 1/I/L, 2/Z, 5/S, B
CODE_LENGTH = 6
CODE_ATTEMPTS = 5
MAX_KEY_LENGTH = 100
ACTIVE, CANCELLED = "active", "cancelled"

UNKNOWN_SERVICE = "Layanan ini tidak tersedia di MPP yang dipilih."
BOOKING_NOT_FOUND = "Antrean tidak ditemukan. Periksa kembali kode antrean Anda."
FULLY_BOOKED = "Kuota antrean untuk layanan dan tanggal ini sudah penuh. Silakan pilih tanggal lain."
ALREADY_BOOKED = "Anda sudah memiliki antrean aktif untuk layanan dan tanggal ini."
KEY_REUSED = "Idempotency-Key ini sudah dipakai untuk pemesanan lain. Gunakan kunci baru untuk pemesanan baru."
KEY_REQUIRED = "Header Idempotency-Key wajib diisi (1 sampai 100 karakter)."
CANCEL_PAST = "Antrean untuk tanggal yang sudah lewat tidak dapat dibatalkan."


@dataclass(frozen=True)
class BookingAttempt:
    """One POST /bookings: the body, its idempotency key and when it arrived."""

    request: BookingRequest
    key: str
    now: datetime

    @property
    def fingerprint(self) -> str:
        """Identifies the body, so a key reused for another booking is recognised."""
        request = self.request
        canonical = json.dumps([request.mpp_id, request.service, request.date.isoformat(), request.citizen_ref])
        return hashlib.sha256(canonical.encode()).hexdigest()


def booking_out(booking: Booking, catalogue: Catalogue) -> BookingOut:
    """A booking in the API's shape (opening hours as the directory says today)."""
    window = window_on(booking.mpp.hours, booking.date)
    return BookingOut(
        code=booking.code, mpp_id=booking.mpp_id, mpp_name=booking.mpp.name, service=booking.service,
        service_label=catalogue.service_label(booking.service), date=booking.date,
        weekday=catalogue.weekdays[booking.date.weekday()], opens=window[0] if window else None,
        closes=window[1] if window else None, queue_number=booking.queue_number, status=booking.status,
        demo=booking.is_demo,
    )


def _new_code(prefix: str) -> str:
    return f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _bookings() -> Select:
    return select(Booking).options(joinedload(Booking.mpp))


def _offered(mpp: Mpp, service: str, status: int) -> MppService:
    for offered in mpp.services:
        if offered.service == service:
            return offered
    raise ApiError(status, "unknown_service", UNKNOWN_SERVICE)


def _conflict(session: Session, attempt: BookingAttempt, catalogue: Catalogue) -> Booking | None:
    """Explain why the booking could not be stored: a replay (returned), or an error (raised)."""
    same_key = session.scalars(_bookings().where(Booking.idempotency_key == attempt.key)).first()
    if same_key is not None:
        if same_key.request_hash != attempt.fingerprint:
            raise ApiError(422, "idempotency_key_reused", KEY_REUSED)
        return same_key
    request = attempt.request
    active = session.scalars(_bookings().where(
        Booking.citizen_ref == request.citizen_ref, Booking.mpp_id == request.mpp_id,
        Booking.service == request.service, Booking.date == request.date, Booking.status == ACTIVE)).first()
    if active is not None and active.idempotency_key == attempt.key:
        return active  # stored by a concurrent request with this key between the two reads above
    if active is not None:
        raise ApiError(409, "already_booked", ALREADY_BOOKED,
                       extra={"booking": booking_out(active, catalogue).dict()})
    return None


def place_booking(session: Session, attempt: BookingAttempt, catalogue: Catalogue) -> tuple[BookingOut, bool]:
    """Book a queue number; returns the booking and whether it is a replay of an earlier POST."""
    replay = _conflict(session, attempt, catalogue)
    if replay is not None:
        return booking_out(replay, catalogue), True
    request = attempt.request
    mpp = listed_mpp(session, request.mpp_id)
    offered = _offered(mpp, request.service, 422)
    refused = refusal(mpp.hours, mpp.timezone, request.date, attempt.now)
    if refused:
        raise ApiError(422, refused.code, refused.message)
    slot_id = ensure_slot(session, mpp.id, request.service, request.date, offered.daily_capacity)
    for _ in range(CODE_ATTEMPTS):
        try:
            number = take_place(session, slot_id)
            if number is None:
                session.rollback()
                if (replay := _conflict(session, attempt, catalogue)) is not None:
                    return booking_out(replay, catalogue), True
                raise ApiError(409, "fully_booked", FULLY_BOOKED)
            booking = Booking(
                code=_new_code(mpp.code_prefix), idempotency_key=attempt.key, request_hash=attempt.fingerprint,
                citizen_ref=request.citizen_ref, slot_id=slot_id, mpp_id=mpp.id, service=request.service,
                date=request.date, queue_number=number, status=ACTIVE, is_demo=mpp.is_demo,
                created_at=naive_utc(attempt.now), mpp=mpp,
            )
            session.add(booking)
            session.commit()
            return booking_out(booking, catalogue), False
        except IntegrityError:
            session.rollback()
            if (replay := _conflict(session, attempt, catalogue)) is not None:
                return booking_out(replay, catalogue), True
            # Neither the key nor the citizen: the random code collided; draw another.
    raise RuntimeError("no free booking code after several attempts")


def _own_booking(session: Session, code: str, citizen_ref: str) -> Booking:
    """The booking ``code`` if it belongs to ``citizen_ref``; the same 404 otherwise."""
    booking = session.scalars(_bookings().where(Booking.code == code.strip().upper())).first()
    if booking is None or not hmac.compare_digest(booking.citizen_ref.encode(), citizen_ref.encode()):
        raise not_found(BOOKING_NOT_FOUND)
    return booking


def read_booking(session: Session, code: str, citizen_ref: str, catalogue: Catalogue) -> BookingOut:
    """GET /bookings/{code}."""
    return booking_out(_own_booking(session, code, citizen_ref), catalogue)


def cancel_booking(session: Session, code: str, citizen_ref: str, now: datetime,
                   catalogue: Catalogue) -> BookingOut:
    """Cancel once; a second cancel answers the cancelled booking again."""
    booking = _own_booking(session, code, citizen_ref)
    if booking.status == ACTIVE and booking.date < local_today(booking.mpp.timezone, now):
        raise ApiError(422, DATE_IN_PAST.code, CANCEL_PAST)
    cancelled = session.execute(bulk(
        update(Booking).where(Booking.id == booking.id, Booking.status == ACTIVE)
        .values(status=CANCELLED, cancelled_at=naive_utc(now))
    ))
    if cancelled.rowcount == 1:  # only the request that really cancelled gives the place back
        free_place(session, booking.slot_id)
    session.commit()
    session.refresh(booking)
    return booking_out(booking, catalogue)


def availability(session: Session, mpp_id: str, service: str, day: date, now: datetime) -> AvailabilityOut:
    """How many places are left on ``day`` and whether booking is possible now."""
    mpp = listed_mpp(session, mpp_id)
    offered = _offered(mpp, service, 404)
    slot = find_slot(session, mpp_id, service, day)
    capacity = slot.capacity if slot else offered.daily_capacity
    booked = slot.booked if slot else 0
    refused = refusal(mpp.hours, mpp.timezone, day, now)
    reason = refused.code if refused else ("fully_booked" if booked >= capacity else None)
    return AvailabilityOut(mpp_id=mpp_id, service=service, date=day, open=reason is None, reason=reason,
                           capacity=capacity, booked=booked, remaining=0 if reason else capacity - booked)


def _idempotency_key(request: web.Request) -> str:
    key = request.headers.get("Idempotency-Key", "")
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ApiError(400, "idempotency_key_required", KEY_REQUIRED)
    return key


@routes.get("/mpps/{mpp_id}/availability")
@operation("Places left for a service on a day", "bookings",
           {200: AvailabilityOut, 404: "unknown_mpp or unknown_service", 422: "invalid_request"},
           query=AvailabilityQuery)
async def get_availability(request: web.Request) -> web.Response:
    query = read_query(request, AvailabilityQuery)
    answer = await request.app[DATABASE].run(availability, request.match_info["mpp_id"], query.service, query.date,
                                             utc_now())
    return respond(answer)


@routes.post("/bookings")
@operation("Book a queue number (idempotent)", "bookings", {
    201: BookingOut, 200: BookingOut, 400: "invalid_request or idempotency_key_required",
    404: "unknown_mpp", 409: BookingConflictOut,
    422: "invalid_request, unknown_service, date_in_past, closed_day, too_far_ahead, idempotency_key_reused",
}, body=BookingRequest, headers=(Header("Idempotency-Key", "1-100 characters; a retry with the same key and "
                                                           "body answers the same booking"),))
async def create_booking(request: web.Request) -> web.Response:
    key = _idempotency_key(request)
    attempt = BookingAttempt(await read_body(request, BookingRequest), key, utc_now())
    booking, replayed = await request.app[DATABASE].run(place_booking, attempt, request.app[CATALOGUE])
    if replayed:
        return respond(booking, 200, headers={"Idempotent-Replayed": "true"})
    return respond(booking, 201)


@routes.get("/bookings/{code}")
@operation("One booking (only for the citizen who made it)", "bookings", {200: BookingOut, 404: "not_found"},
           query=CitizenRef)
async def get_booking(request: web.Request) -> web.Response:
    citizen_ref = read_query(request, CitizenRef).citizen_ref
    booking = await request.app[DATABASE].run(read_booking, request.match_info["code"], citizen_ref,
                                              request.app[CATALOGUE])
    return respond(booking)


@routes.post("/bookings/{code}/cancel")
@operation("Cancel a booking (cancelling twice is harmless)", "bookings",
           {200: BookingOut, 404: "not_found", 422: "invalid_request, or date_in_past for a day gone by"},
           body=CitizenRef)
async def cancel(request: web.Request) -> web.Response:
    citizen_ref = (await read_body(request, CitizenRef)).citizen_ref
    booking = await request.app[DATABASE].run(cancel_booking, request.match_info["code"], citizen_ref, utc_now(),
                                              request.app[CATALOGUE])
    return respond(booking)

