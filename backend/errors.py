"""The JSON error shape and the middleware that guarantees it.

Every error is ``{"error": {"code": "<snake_case>", "message": "<Indonesian sentence>", ...}}``;
unexpected exceptions are logged and answered ``500 internal`` without a trace.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

INTERNAL_MESSAGE = "Mohon maaf, sedang terjadi gangguan pada sistem. Silakan coba beberapa saat lagi."
_HTTP_ERRORS: dict[int, tuple[str, str]] = {
    404: ("not_found", "Alamat yang diminta tidak tersedia di layanan ini."),
    405: ("method_not_allowed", "Metode HTTP ini tidak didukung untuk alamat tersebut."),
    413: ("payload_too_large", "Isi permintaan terlalu besar."),
}


def _dumps(body: Any) -> str:
    return json.dumps(body, default=str)  # dates in ``extra`` become YYYY-MM-DD


class ApiError(Exception):
    """An answer with an error status; raised anywhere, rendered by the middleware."""

    def __init__(self, status: int, code: str, message: str, *, fields: Mapping[str, str] | None = None,
                 headers: Mapping[str, str] | None = None, extra: Mapping[str, Any] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.message = message
        self.fields = dict(fields) if fields else None
        self.headers = dict(headers) if headers else {}
        self.extra = dict(extra) if extra else {}

    def body(self) -> dict[str, Any]:
        """The JSON body of this error."""
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error, **self.extra}

    def response(self) -> web.Response:
        """This error as an aiohttp response."""
        return web.json_response(self.body(), status=self.status, headers=self.headers, dumps=_dumps)


def not_found(message: str) -> ApiError:
    """A 404 ``not_found``."""
    return ApiError(404, "not_found", message)


def _from_http_exception(exc: web.HTTPException) -> web.Response:
    code, message = _HTTP_ERRORS.get(exc.status, ("invalid_request", "Permintaan tidak dapat diproses."))
    headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
    return ApiError(exc.status, code, message, headers=headers).response()


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into the JSON error shape."""
    try:
        return await handler(request)
    except ApiError as exc:
        return exc.response()
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _from_http_exception(exc)
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("unexpected error in %s %s", request.method, request.path)
        return ApiError(500, "internal", INTERNAL_MESSAGE).response()
