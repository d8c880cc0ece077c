"""Logging of the HTTP services (back office, gateway): NIKs and phone numbers never reach a log line in clear."""

from __future__ import annotations

import logging

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from privacy.logging import PersonalDataFilter


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr through the masking filter."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    logging.basicConfig(level=level, handlers=[handler], force=True)


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings: they can carry a citizen's reference (a phone number, say)."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %d %.1f ms", request.method, request.path, response.status, time * 1000)
