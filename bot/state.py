"""Typed keys of the gateway's application state."""

from __future__ import annotations

from aiohttp import web

from bot.pipeline import MessagePipeline
from bot.settings import Settings
from storage.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
PIPELINE = web.AppKey("pipeline", MessagePipeline)
