"""The aiohttp application factory of the back office."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

from aiohttp import web
from prometheus_client import CollectorRegistry
from sqlalchemy import text
from sqlalchemy.orm import Session

from backend import applications, bookings, directory, licences, outreach, residents
from backend.catalogue import Catalogue
from backend.errors import error_middleware
from backend.openapi import build_document, operation
from backend.responses import respond
from backend.schemas import HealthOut
from backend.settings import Settings
from backend.state import CATALOGUE, DATABASE, SETTINGS, WILAYAH
from observability.http_metrics import HttpMetrics, metrics_endpoint
from regions.codes import load_region_codes
from storage.database import Database

log = logging.getLogger(__name__)
HEALTH_TIMEOUT_S = 3
MAX_BODY_BYTES = 64 * 1024
routes = web.RouteTableDef()


def _ping(session: Session) -> None:
    session.execute(text("SELECT 1"))


@routes.get("/health")
@operation("Liveness and database reachability", "meta", {200: HealthOut, 503: HealthOut})
async def health(request: web.Request) -> web.Response:
    try:
        await asyncio.wait_for(request.app[DATABASE].run(_ping), HEALTH_TIMEOUT_S)
    except Exception:
        log.warning("health: the database does not answer", exc_info=True)
        return respond(HealthOut(status="unavailable", database="unreachable"), 503)
    return respond(HealthOut(status="ok", database="ok"))


@routes.get("/openapi.json")
@operation("This OpenAPI document", "meta", {200: "The OpenAPI 3.0 document"})
async def openapi_document(request: web.Request) -> web.Response:
    return web.json_response(build_document(request.app))


async def _database(app: web.Application) -> AsyncIterator[None]:
    database = Database(app[SETTINGS].database_url, name="backoffice")
    app[DATABASE] = database
    yield
    await asyncio.get_running_loop().run_in_executor(None, database.close)


def create_app(settings: Settings) -> web.Application:
    """The back office: routes, error middleware, database opened on startup and closed on cleanup."""
    registry = CollectorRegistry()
    http_metrics = HttpMetrics(registry, "mpp_backoffice")
    # metrics outermost: they count the status the error middleware rendered
    app = web.Application(middlewares=[http_metrics.middleware, error_middleware], client_max_size=MAX_BODY_BYTES)
    app[SETTINGS] = settings
    app[CATALOGUE] = Catalogue.load()
    app[WILAYAH] = load_region_codes()
    app.cleanup_ctx.append(_database)
    for module_routes in (routes, directory.routes, bookings.routes, applications.routes, residents.routes,
                          licences.routes, outreach.routes):
        app.add_routes(module_routes)
    app.router.add_get("/metrics", metrics_endpoint(registry, settings.metrics_token))
    return app
