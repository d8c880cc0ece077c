"""Request bodies and query strings: pydantic models, parsed into clear Indonesian 422s.

The same models give the OpenAPI document its request schemas (``Model.schema()``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, Extra, Field, StrictStr, ValidationError, validator

from backend.errors import ApiError
from backend.wilayah import REGION_CODE
from regions.codes import RegionCodes

M = TypeVar("M", bound=BaseModel)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NIK = re.compile(r"^\d{16}$")
INVALID_FIELDS_MESSAGE = "Ada isian yang belum sesuai. Silakan periksa kembali."


class IsoDate(date):
    """A calendar date written exactly ``YYYY-MM-DD`` (no timestamps, no other formats)."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], date]]:
        yield cls.validate

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", format="date", example="2025-07-14")

    @classmethod
    def validate(cls, value: Any) -> date:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise ValueError("Tanggal harus berformat YYYY-MM-DD.")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("Tanggal tersebut tidak ada di kalender.") from None


class Strict(BaseModel):
    """Unknown fields are refused, so a typo is an error and not silently ignored."""

    class Config:
        extra = Extra.forbid


def _region_code(value: str | None) -> str | None:
    if value is not None and not REGION_CODE.match(value):
        raise ValueError("Kode wilayah harus berformat 33, 33.28 atau 33.28.05 (kode Kemendagri).")
    return value


class BookingRequest(Strict):
    """POST /bookings."""

    mpp_id: StrictStr = Field(..., min_length=1, max_length=64, example="mpp-kab-tegal")
    service: StrictStr = Field(..., min_length=1, max_length=32, example="ktp_el")
    date: IsoDate
    citizen_ref: StrictStr = Field(..., min_length=1, max_length=200, description="Opaque id of the citizen")


class CitizenRef(Strict):
    """POST /bookings/{code}/cancel and the query of GET /bookings/{code}."""

    citizen_ref: StrictStr = Field(..., min_length=1, max_length=200)


class ApplicationLookup(Strict):
    """POST /applications/lookup: the number plus the applicant's birth date."""

    number: StrictStr = Field(..., min_length=1, max_length=40, example="PMH-250612-0001")
    birth_date: IsoDate


class ResidentCheck(Strict):
    """POST /residents/check: the NIK plus one second factor, and who asks (for the attempt limit).

    Without a factor, or with a wrong one, the answer is the 404 of an unknown NIK.
    """

    nik: StrictStr = Field(..., example="3328051205900001")
    kk_number: StrictStr | None = Field(None, description="The Kartu Keluarga number (16 digits)",
                                        example="3328051502100007")
    mother_maiden_name: StrictStr | None = Field(None, min_length=1, max_length=100,
                                                 description="Compared ignoring case and spaces", example="Sumarni")
    citizen_ref: StrictStr = Field(..., min_length=1, max_length=200, description="Opaque id of the citizen asking")

    @validator("nik")
    def _sixteen_digits(cls, value: str) -> str:
        if not _NIK.match(value):
            raise ValueError("NIK harus terdiri dari 16 digit angka.")
        return value

    @validator("kk_number")
    def _kk_sixteen_digits(cls, value: str | None) -> str | None:
        if value is not None and not _NIK.match(value):
            raise ValueError("Nomor KK harus terdiri dari 16 digit angka.")
        return value

    @validator("mother_maiden_name")
    def _one_factor(cls, value: str | None, values: dict[str, Any]) -> str | None:
        if value is not None and values.get("kk_number") is not None:
            raise ValueError("Isi nomor KK atau nama ibu kandung, salah satu saja.")
        return value


class LicenceLookup(Strict):
    """POST /licences/lookup: an STR or SIP number."""

    number: StrictStr = Field(..., min_length=1, max_length=64, example="503/0123/SIP-P/DPMPTSP/2025")


class RegionFilter(Strict):
    """``?region_code=`` at any level (province, kab/kota or kecamatan); absent = everything."""

    region_code: StrictStr | None = Field(None, example="33.28")

    _check = validator("region_code", allow_reuse=True)(_region_code)


class RegionRequired(Strict):
    """``?region_code=`` that must be given."""

    region_code: StrictStr = Field(..., example="33.28.05")

    _check = validator("region_code", allow_reuse=True)(_region_code)


class MobileServiceFilter(RegionFilter):
    """GET /mobile-services: a region and the first day (default: today, WIB)."""

    from_: IsoDate | None = Field(None, alias="from")


class AvailabilityQuery(Strict):
    """GET /mpps/{mpp_id}/availability."""

    service: StrictStr = Field(..., min_length=1, max_length=32, example="ktp_el")
    date: IsoDate


def _field_message(error: dict[str, Any]) -> str:
    kind: str = error["type"]
    limit = error.get("ctx", {}).get("limit_value")
    messages = {
        "value_error.missing": "Wajib diisi.",
        "value_error.extra": "Isian ini tidak dikenal.",
        "value_error.any_str.min_length": f"Minimal {limit} karakter.",
        "value_error.any_str.max_length": f"Maksimal {limit} karakter.",
        "value_error": str(error["msg"]),  # our validators already speak Indonesian
    }
    if kind in messages:
        return messages[kind]
    return "Jenis nilainya tidak sesuai." if kind.startswith("type_error") else "Nilainya tidak valid."


def parse(model: type[M], data: Any) -> M:
    """Validate ``data`` against ``model``; a failure is a 422 naming each field."""
    try:
        return model.parse_obj(data)
    except ValidationError as exc:
        fields: dict[str, str] = {}
        for error in exc.errors():
            name = ".".join(str(part) for part in error["loc"]) or "body"
            fields.setdefault(name, _field_message(dict(error)))
        raise ApiError(422, "invalid_request", INVALID_FIELDS_MESSAGE, fields=fields) from None


async def read_body(request: web.Request, model: type[M]) -> M:
    """The request's JSON object, validated; malformed JSON is a 400."""
    try:
        data = await request.json()
    except ValueError:
        raise ApiError(400, "invalid_request", "Isi permintaan bukan JSON yang valid.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "invalid_request", "Isi permintaan harus berupa objek JSON.")
    return parse(model, data)


def read_query(request: web.Request, model: type[M]) -> M:
    """The query string, validated."""
    return parse(model, dict(request.query))


def known_region(wilayah: RegionCodes, code: str | None) -> str | None:
    """A well-formed region code must also exist (Kemendagri)."""
    if code is not None and code not in wilayah:
        raise ApiError(422, "invalid_request", INVALID_FIELDS_MESSAGE,
                       fields={"region_code": "Kode wilayah tidak dikenal."})
    return code
