"""Front-end files shared by the citizens' web chat (``/chat``) and the agents' console (``/console``).

``static/`` holds them: ``reconnecting_socket.js`` (the websocket that reconnects with backoff) and
``base.css`` (palette, resets, typography, focus, connection status). The gateway serves them at
``/static/common/``, like the pages' own static files (no version in the URL, no Cache-Control of
their own: only the HTML pages say ``no-cache``).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/static/common"


def add_common_static(app: web.Application) -> None:
    """Serve the shared front-end files at ``/static/common/``."""
    app.router.add_static(PREFIX, STATIC, append_version=False)
