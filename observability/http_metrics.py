"""HTTP request metrics for an aiohttp app, and the ``/metrics`` endpoint Prometheus scrapes.

Each app has its own :class:`~prometheus_client.CollectorRegistry` (tests run several apps in one
process). Routes are labelled by their pattern (``/applications/{number}``), never by the path a
caller sent, so the number of series stays bounded whatever is requested.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED = "unmatched"


def route_of(request: web.Request) -> str:
    """The route pattern that handled ``request`` (``unmatched`` for a 404 outside every route)."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else UNMATCHED


class HttpMetrics:
    """Requests by route, method and status, and their latency."""

    def __init__(self, registry: CollectorRegistry, prefix: str) -> None:
        self.requests = Counter(f"{prefix}_http_requests_total", "HTTP requests answered",
                                ["route", "method", "status"], registry=registry)
        self.latency = Histogram(f"{prefix}_http_request_duration_seconds", "Time to answer an HTTP request",
                                 ["route", "method"], buckets=LATENCY_BUCKETS, registry=registry)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        started = time.perf_counter()
        status = 500
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as answer:
            status = answer.status
            raise
        finally:
            route = route_of(request)
            self.requests.labels(route, request.method, str(status)).inc()
            self.latency.labels(route, request.method).observe(time.perf_counter() - started)


def metrics_endpoint(registry: CollectorRegistry, token: str = "",
                     before_scrape: Callable[[], Awaitable[None]] | None = None) -> Handler:
    """``GET /metrics`` in Prometheus' text format; with ``token`` set, only for
    ``Authorization: Bearer <token>`` (the gateway faces the internet)."""
    expected = f"Bearer {token}".encode()

    async def metrics(request: web.Request) -> web.Response:
        if token and not hmac.compare_digest(request.headers.get("Authorization", "").encode(), expected):
            raise web.HTTPUnauthorized(text="metrics need the bearer token")
        if before_scrape is not None:
            await before_scrape()
        return web.Response(body=generate_latest(registry), headers={"Content-Type": CONTENT_TYPE_LATEST})
    return metrics
