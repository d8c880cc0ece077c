"""Turning response models into aiohttp responses."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web
from pydantic import BaseModel


def respond(model: BaseModel, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """``model`` as a JSON response (dates as ``YYYY-MM-DD``, times as ISO-8601)."""
    return web.Response(text=model.json(), status=status, headers=headers, content_type="application/json")
