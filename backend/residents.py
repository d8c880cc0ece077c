"""The NIK registry (stand-in for Dukcapil SIAK): is this NIK registered? Nothing else is revealed."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Resident
from backend.openapi import operation
from backend.responses import respond
from backend.schemas import ResidentCheckOut
from backend.state import DATABASE
from backend.validation import ResidentCheck, read_body

routes = web.RouteTableDef()


def check(session: Session, nik: str) -> ResidentCheckOut:
    """Whether the NIK is registered; ``demo`` says whether the answer comes from demo data."""
    resident = session.get(Resident, nik)
    if resident is not None:
        return ResidentCheckOut(registered=True, demo=resident.is_demo)
    registry_is_demo = session.scalar(select(Resident.nik).where(Resident.is_demo.is_(True)).limit(1)) is not None
    return ResidentCheckOut(registered=False, demo=registry_is_demo)



@routes.post("/residents/check")
@operation("Is a NIK registered? (no personal data returned)", "residents",
           {200: ResidentCheckOut, 400: "invalid_request (malformed JSON)", 422: "invalid_request (not 16 digits)"},
           body=ResidentCheck)
async def check_resident(request: web.Request) -> web.Response:
    body = await read_body(request, ResidentCheck)
    return respond(await request.app[DATABASE].run(check, body.nik))
