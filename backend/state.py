"""Typed keys of the application state (``app[DATABASE]``, ...)."""

from __future__ import annotations

from aiohttp import web

from backend.catalogue import Catalogue
from backend.settings import Settings
from regions.codes import RegionCodes
from storage.database import Database

SETTINGS = web.AppKey("settings", Settings)
DATABASE = web.AppKey("database", Database)
CATALOGUE = web.AppKey("catalogue", Catalogue)
WILAYAH = web.AppKey("wilayah", RegionCodes)
