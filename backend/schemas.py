"""Response bodies (the contract's shapes); also the OpenAPI component schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel

NearestMatch = Literal["kabkota", "province", "none"]
LicenceStatus = Literal["aktif", "tidak_aktif", "dicabut"]


class Out(BaseModel):
    """A response body; optional fields are marked ``nullable`` as OpenAPI 3.0 wants."""

    class Config:
        @staticmethod
        def schema_extra(schema: dict[str, Any], model: type[BaseModel]) -> None:
            for field in model.__fields__.values():
                if field.allow_none and field.alias in schema.get("properties", {}):
                    schema["properties"][field.alias]["nullable"] = True


class ErrorDetail(Out):
    code: str
    message: str
    fields: dict[str, str] | None = None


class ErrorOut(Out):
    """Every error response."""

    error: ErrorDetail


class HealthOut(Out):
    status: str
    database: str


class ServiceOut(Out):
    code: str
    label: str
    area: str


class ServicesOut(Out):
    services: list[ServiceOut]


class HoursOut(Out):
    """An opening window on one weekday (Monday = 0); closed days are absent."""

    weekday: int
    day: str
    opens: str
    closes: str


class MppServiceOut(Out):
    code: str
    label: str
    daily_capacity: int


class MppOut(Out):
    id: str
    name: str
    region_code: str
    region_name: str
    province_code: str
    province_name: str
    timezone: str
    address: str | None
    official_channel: str | None
    hours: list[HoursOut]
    hours_source: Literal["demo", "verified"]
    services: list[MppServiceOut]
    # the other agencies' counters (ids of resources/services/catalogue.yml); null: not known
    counters: list[str] | None
    demo: bool


class MppListOut(Out):
    mpps: list[MppOut]


class NearestOut(Out):
    match: NearestMatch
    mpps: list[MppOut]


class AvailabilityOut(Out):
    """``open`` tells whether a booking can be made now; ``reason`` says why not."""

    mpp_id: str
    service: str
    date: date
    open: bool
    reason: str | None
    capacity: int
    booked: int
    remaining: int


class BookingOut(Out):
    code: str
    mpp_id: str
    mpp_name: str
    service: str
    service_label: str
    date: date
    weekday: str
    opens: str | None
    closes: str | None
    queue_number: int
    status: Literal["active", "cancelled"]
    demo: bool


class BookingConflictOut(ErrorOut):
    """409: fully_booked (error only), or already_booked with the citizen's existing booking."""

    booking: BookingOut | None = None


class HistoryOut(Out):
    status: str
    status_label: str
    at: datetime
    note: str | None


class ApplicationOut(Out):
    number: str
    kind: Literal["adminduk", "nakes"]
    type: str
    type_label: str
    nik_masked: str
    office: str
    status: str
    status_label: str
    reason: str | None
    history: list[HistoryOut]
    demo: bool


class ResidentCheckOut(Out):
    """The NIK is registered and the second factor matched (anything else is the 404 of an unknown NIK)."""

    registered: bool
    demo: bool


class LicenceOut(Out):
    number: str
    kind: Literal["str", "sip"]
    profession: str
    status: LicenceStatus
    status_label: str
    valid_until: date | None
    issuer: str
    holder_name_masked: str
    demo: bool


class MobileServiceOut(Out):
    kecamatan_code: str
    kecamatan_name: str
    region_code: str
    region_name: str
    date: date
    start: str
    end: str
    location: str
    services: list[str]
    demo: bool


class MobileServicesOut(Out):
    schedules: list[MobileServiceOut]


class KioskOut(Out):
    id: str
    region_code: str
    region_name: str
    name: str
    location: str
    hours: list[HoursOut]
    documents: list[str]
    demo: bool


class KiosksOut(Out):
    kiosks: list[KioskOut]
