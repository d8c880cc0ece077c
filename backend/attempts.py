"""Failed lookups, counted so that nobody can guess a second factor.

A lookup that needs a second factor (application number + birth date, NIK + KK
number or mother's maiden name) records an attempt under every subject it
concerns (the number, the NIK, the citizen asking) before anything is looked
up; the attempt stays when the lookup fails and is forgotten when it succeeds.
A subject with more than ``MAX_FAILURES`` attempts within ``FAILURE_WINDOW`` is
locked (429) until its oldest failure leaves the window. Attempts are committed
at once, so that concurrent guesses see each other.

Subjects that are personal data (a NIK) are stored only as a hash
(:func:`hashed_subject`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.errors import ApiError
from backend.models import LookupAttempt
from storage.database import bulk

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES = 5
TOO_MANY_ATTEMPTS = "too_many_attempts"


def hashed_subject(kind: str, value: str) -> str:
    """``kind:<hash of value>``: a subject that does not keep the value itself (at most 40 characters)."""
    return f"{kind}:{hashlib.sha256(f'{kind}:{value}'.encode()).hexdigest()[:32]}"


def record_attempt(session: Session, subjects: Sequence[str], now: datetime, too_many: str) -> list[int]:
    """Store one attempt per subject and return their ids; raise 429 when one of the subjects is locked.

    ``too_many`` is the 429's message, with ``{minutes}``. A refused attempt is not
    kept: it is not a failure of the citizen's. Attempts that left the window are
    deleted, whatever their subject.
    """
    since = now - FAILURE_WINDOW
    session.execute(bulk(delete(LookupAttempt).where(LookupAttempt.at < since)))
    attempts = [LookupAttempt(subject=subject, at=now) for subject in subjects]
    session.add_all(attempts)
    session.flush()
    ids = [attempt.id for attempt in attempts]
    session.commit()
    rows = session.execute(select(LookupAttempt.subject, func.count(), func.min(LookupAttempt.at))
                           .where(LookupAttempt.subject.in_(subjects), LookupAttempt.at >= since)
                           .group_by(LookupAttempt.subject)).all()
    locked_since = [oldest for _, count, oldest in rows if count > MAX_FAILURES]
    if locked_since:
        forget_attempts(session, ids)
        wait = max(1, math.ceil((max(locked_since) + FAILURE_WINDOW - now).total_seconds()))
        raise ApiError(429, TOO_MANY_ATTEMPTS, too_many.format(minutes=math.ceil(wait / 60)),
                       headers={"Retry-After": str(wait)})
    return ids


def forget_attempts(session: Session, ids: Sequence[int]) -> None:
    """The lookup succeeded (or was refused): its attempts are no failures."""
    session.execute(bulk(delete(LookupAttempt).where(LookupAttempt.id.in_(ids))))
    session.commit()
