"""Compressed request bodies are refused (415) before any handler reads them.

Nothing the gateway serves needs one: Telegram, Meta's webhooks and browsers send plain bodies.
aiohttp below 3.13.3 inflates a compressed request body without a size limit (CVE-2025-69223, a
"zip bomb"). The gateway runs in its own environment with a current aiohttp (.venv-services); this
guard keeps the refusal where it is started from .venv, whose aiohttp Rasa 3.6 pins below 3.10
(there aiohttp inflates what arrives before the handler runs, so it limits the damage only).
nginx refuses such bodies at the edge as well (deploy/nginx/nginx.conf).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import hdrs, web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PLAIN = {"", "identity"}


@web.middleware
async def refuse_compressed_bodies(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.headers.get(hdrs.CONTENT_ENCODING, "").strip().lower() not in PLAIN:
        return web.Response(status=415, text="Permintaan terkompresi tidak diterima.",
                            headers={hdrs.CONNECTION: "close"})
    return await handler(request)
