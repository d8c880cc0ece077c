"""Database tables of the back office (declarative models).

Times are stored as naive UTC ``DateTime`` (the same on SQLite and PostgreSQL);
calendar days as ``Date``. Every row that ``python -m backend seed`` creates has
``is_demo = true``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import declarative_base, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# SQLAlchemy 1.4 ships no type hints: the declarative base is dynamic to mypy.
Base: Any = declarative_base(metadata=MetaData(naming_convention=NAMING_CONVENTION))


class Mpp(Base):
    """One Mal Pelayanan Publik; rows come from the operator's directory CSV."""

    __tablename__ = "mpp"
    id = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False)
    region_code = Column(String(5), nullable=False, index=True)
    timezone = Column(String(32), nullable=False)
    code_prefix = Column(String(3), nullable=False)
    address = Column(Text, nullable=True)
    official_channel = Column(Text, nullable=True)
    # {"0": ["08:00", "15:00"], ...}: weekday (Monday = 0) -> opening window; closed days absent.
    hours = Column(JSON, nullable=False)
    hours_source = Column(String(16), nullable=False)
    # catalogue ids (resources/services) of the other agencies' counters there; NULL: not known
    counters = Column(JSON, nullable=True)
    is_demo = Column(Boolean, nullable=False)
    # False once the MPP is no longer in the directory CSV; kept because bookings refer to it.
    listed = Column(Boolean, nullable=False)
    services = relationship("MppService", cascade="all, delete-orphan", order_by="MppService.position")


class MppService(Base):
    """A counter service an MPP offers, with the number of queue numbers per day."""

    __tablename__ = "mpp_service"
    mpp_id = Column(String(64), ForeignKey("mpp.id", ondelete="CASCADE"), primary_key=True)
    service = Column(String(32), primary_key=True)
    daily_capacity = Column(Integer, nullable=False)
    position = Column(Integer, nullable=False)


class QueueSlot(Base):
    """The queue of one service at one MPP on one day; created when first needed."""

    __tablename__ = "queue_slot"
    __table_args__ = (
        UniqueConstraint("mpp_id", "service", "date", name="uq_queue_slot_mpp_service_date"),
        CheckConstraint("booked >= 0 AND issued >= booked", name="counts"),
    )
    id = Column(Integer, primary_key=True)
    mpp_id = Column(String(64), ForeignKey("mpp.id"), nullable=False)
    service = Column(String(32), nullable=False)
    date = Column(Date, nullable=False)
    capacity = Column(Integer, nullable=False)
    booked = Column(Integer, nullable=False)  # active bookings (freed by a cancel)
    issued = Column(Integer, nullable=False)  # queue numbers ever handed out (never reused)


class Booking(Base):
    """A citizen's queue number; ``idempotency_key`` makes a retried POST a replay."""

    __tablename__ = "booking"
    __table_args__ = (
        Index("uq_booking_active_citizen", "citizen_ref", "mpp_id", "service", "date", unique=True,
              sqlite_where=text("status = 'active'"), postgresql_where=text("status = 'active'")),
    )
    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    idempotency_key = Column(String(100), nullable=False, unique=True)
    request_hash = Column(String(64), nullable=False)
    citizen_ref = Column(String(200), nullable=False)
    slot_id = Column(Integer, ForeignKey("queue_slot.id"), nullable=False, index=True)
    mpp_id = Column(String(64), ForeignKey("mpp.id"), nullable=False)
    service = Column(String(32), nullable=False)
    date = Column(Date, nullable=False)
    queue_number = Column(Integer, nullable=False)
    status = Column(String(16), nullable=False)
    is_demo = Column(Boolean, nullable=False)
    created_at = Column(DateTime, nullable=False)
    cancelled_at = Column(DateTime, nullable=True)
    mpp = relationship("Mpp")


class Resident(Base):
    """A synthetic resident of the NIK registry (stand-in for Dukcapil SIAK).

    The second factors that confirm a registration (the KK number, the mother's
    maiden name) are stored only as salted scrypt hashes (backend/second_factor.py);
    NULL: that factor cannot confirm this resident.
    """

    __tablename__ = "resident"
    nik = Column(String(16), primary_key=True)
    birth_date = Column(Date, nullable=False)
    sex = Column(String(1), nullable=False)
    kk_number_hash = Column(String(200), nullable=True)
    mother_maiden_name_hash = Column(String(200), nullable=True)
    is_demo = Column(Boolean, nullable=False)


class Application(Base):
    """An adminduk or nakes application; the NIK is only ever stored masked."""

    __tablename__ = "application"
    id = Column(Integer, primary_key=True)
    number = Column(String(20), nullable=False, unique=True)
    kind = Column(String(16), nullable=False)
    type = Column(String(32), nullable=False)
    nik_masked = Column(String(16), nullable=False)
    birth_date = Column(Date, nullable=False)
    office = Column(String(200), nullable=False)
    reason = Column(Text, nullable=True)
    is_demo = Column(Boolean, nullable=False)
    history = relationship("ApplicationEvent", cascade="all, delete-orphan", order_by="ApplicationEvent.at")


class ApplicationEvent(Base):
    """One step of an application's status history; the latest is the current status."""

    __tablename__ = "application_event"
    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("application.id", ondelete="CASCADE"), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    at = Column(DateTime, nullable=False)
    note = Column(Text, nullable=True)


class LookupAttempt(Base):
    """A failed (or still running) lookup of a subject; counted to stop guessing second factors (backend/attempts.py).

    ``subject`` is ``application:<number>``, or a hash for personal data (``nik:<hash>``, ``citizen:<hash>``).
    """

    __tablename__ = "lookup_attempt"
    __table_args__ = (Index("ix_lookup_attempt_subject_at", "subject", "at"),)
    id = Column(Integer, primary_key=True)
    subject = Column(String(64), nullable=False)
    at = Column(DateTime, nullable=False)


class Licence(Base):
    """A health worker's STR or SIP (stand-in for SATUSEHAT SDMK and the DPMPTSP)."""

    __tablename__ = "licence"
    number = Column(String(64), primary_key=True)
    kind = Column(String(8), nullable=False)
    profession = Column(String(100), nullable=False)
    holder_name = Column(String(200), nullable=False)
    status = Column(String(16), nullable=False)
    valid_until = Column(Date, nullable=True)
    issuer = Column(String(200), nullable=False)
    is_demo = Column(Boolean, nullable=False)


class MobileService(Base):
    """One visit of the mobile service (layanan keliling / jemput bola) to a kecamatan."""

    __tablename__ = "mobile_service"
    __table_args__ = (Index("ix_mobile_service_kecamatan_date", "kecamatan_code", "date"),)
    id = Column(Integer, primary_key=True)
    kecamatan_code = Column(String(8), nullable=False)
    date = Column(Date, nullable=False)
    start = Column(String(5), nullable=False)
    end = Column(String(5), nullable=False)
    location = Column(String(200), nullable=False)
    services = Column(JSON, nullable=False)
    is_demo = Column(Boolean, nullable=False)


class Kiosk(Base):
    """An ADM (Anjungan Dukcapil Mandiri) self-service kiosk in a kab/kota."""

    __tablename__ = "kiosk"
    id = Column(String(64), primary_key=True)
    region_code = Column(String(5), nullable=False, index=True)
    name = Column(String(200), nullable=False)
    location = Column(String(200), nullable=False)
    hours = Column(JSON, nullable=False)
    documents = Column(JSON, nullable=False)
    is_demo = Column(Boolean, nullable=False)
