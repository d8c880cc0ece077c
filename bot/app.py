"""The gateway's aiohttp application: channels in, the pipeline, Rasa behind, the transcript store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from bot.channels.telegram import TelegramChannel
from bot.channels.web import WebChannel
from bot.channels.whatsapp import WhatsAppChannel
from bot.compressed_bodies import refuse_compressed_bodies
from bot.console.api import ConsoleApi
from bot.console.auth import ConsoleAuth
from bot.console.nlu_inbox import NluInboxApi
from bot.core import build_core
from bot.delivery import Delivery
from bot.messages import Channel
from bot.metrics import GatewayMetrics
from bot.pipeline import MessagePipeline
from bot.rasa_client import RasaClient
from bot.rate_limits import TokenBuckets, ip_limit_middleware
from bot.settings import Settings
from bot.state import DATABASE, PIPELINE, SETTINGS
from bot.store.agents import Agents
from bot.store.database import gateway_database
from bot.store.login_failures import LoginFailures
from bot.web_common import add_common_static
from observability.http_metrics import metrics_endpoint

log = logging.getLogger("bot")
MAX_WEBHOOK_BYTES = 1024 * 1024


async def _health(request: web.Request) -> web.Response:
    pipeline = request.app[PIPELINE]
    return web.json_response({"status": "ok", "channels": sorted(c.value for c in pipeline.delivery.senders),
                              "conversations_in_progress": pipeline.workers.busy})


async def _to_chat(_request: web.Request) -> web.Response:
    raise web.HTTPFound("/chat")


# an answer still unsent this long after it was stored has lost its worker (a send takes seconds)
STRANDED_ANSWER_S = 30.0


async def _take_over_stranded(pipeline: MessagePipeline, delivery: Delivery) -> None:
    """The unanswered messages, and the answers stored but not sent, of a worker that died (its
    leases ran out)."""
    if taken := await pipeline.sweep():
        log.info("took over %d unanswered message(s) of another worker", taken)
    if resent := await delivery.resend_stranded(STRANDED_ANSWER_S):
        log.info("sent %d answer(s) another worker had stored but not sent", resent)


async def _every(seconds: float, work: Callable[[], Awaitable[None]], what: str) -> None:
    """``work`` every ``seconds``, for the life of the worker; a failure waits for the next round."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await work()
        except Exception:  # the database may be restarting: try again next time
            log.exception("%s failed", what)


def create_app(settings: Settings) -> web.Application:
    """The gateway for ``settings``: the web chat always, Telegram and WhatsApp when configured.

    The core (bot/core.py) first, then the channels, each registering its sender with ``delivery``;
    the workers start last, once every channel can deliver.
    """
    metrics = GatewayMetrics()
    ip_limit = ip_limit_middleware(TokenBuckets(settings.ip_per_minute, settings.ip_burst), settings.trust_forwarded,
                                   metrics.rate_limited.labels("ip").inc)
    app = web.Application(client_max_size=MAX_WEBHOOK_BYTES,
                          middlewares=[metrics.http.middleware, refuse_compressed_bodies, ip_limit])
    app[SETTINGS] = settings
    database = gateway_database(settings.database_url)
    app[DATABASE] = database
    rasa = RasaClient(settings.rasa_url, timeout_s=settings.rasa_timeout_s, token=settings.rasa_token or None)
    core = build_core(settings, database, rasa, rasa_servers=len(rasa.servers), metrics=metrics)
    store, delivery, pipeline, handoff, hub = core.store, core.delivery, core.pipeline, core.handoff, core.hub
    handoff_store, presence, leases = core.handoff_store, core.presence, core.leases
    app[PIPELINE] = pipeline
    agents = Agents(database)
    auth = ConsoleAuth(agents, LoginFailures(database), settings.secure_cookies)
    ConsoleApi(auth, agents, handoff_store, handoff, hub, settings.queue_alert_s).add_routes(app)
    NluInboxApi(auth, settings.database_url).add_routes(app)

    async def resources(_app: web.Application) -> AsyncIterator[None]:
        await rasa.start()
        try:
            yield
        finally:
            await rasa.close()
            database.close()

    async def workers(_app: web.Application) -> AsyncIterator[None]:
        recovered = await pipeline.recover()
        if recovered:
            log.info("answering %d message(s) accepted before the last stop", recovered)
        if not core.shared:  # the only worker: what its previous run left is history or still owed
            await presence.forget_all_workers()
            if resent := await delivery.resend_stranded(0.0):
                log.info("sent %d answer(s) stored but not sent before the last stop", resent)
        await core.consoles.start()
        await hub.recover()
        # separate loops: a Rasa that hangs must not delay the presence heartbeat
        upkeep = [asyncio.create_task(_every(presence.heartbeat_s, hub.tick, "console upkeep")),
                  asyncio.create_task(_every(presence.heartbeat_s, handoff.settle_all_with_rasa,
                                             "posting owed tracker events to Rasa"))]
        if leases is not None:
            upkeep.append(asyncio.create_task(_every(leases.ttl_s, lambda: _take_over_stranded(pipeline, delivery),
                                                     "sweep for stranded conversations")))
        try:
            yield
        finally:
            for task in upkeep:
                task.cancel()
            await hub.close()
            await pipeline.workers.stop()

    app.cleanup_ctx.append(resources)
    web_channel = WebChannel(store, pipeline.accept)
    web_channel.add_routes(app)
    add_common_static(app)  # what the chat and the console pages share: /static/common/
    delivery.register(Channel.WEB, web_channel)
    if settings.telegram.enabled:
        telegram = TelegramChannel(settings.telegram, store, pipeline.accept)
        app.router.add_post("/telegram/webhook", telegram.webhook)
        app.cleanup_ctx.append(telegram.lifecycle)
        delivery.register(Channel.TELEGRAM, telegram)
    if settings.whatsapp.enabled:
        whatsapp = WhatsAppChannel(settings.whatsapp, store, pipeline.accept)
        app.router.add_get("/whatsapp/webhook", whatsapp.verify)
        app.router.add_post("/whatsapp/webhook", whatsapp.webhook)
        app.cleanup_ctx.append(whatsapp.lifecycle)
        delivery.register(Channel.WHATSAPP, whatsapp)
    app.cleanup_ctx.append(workers)  # last: workers start once every channel can deliver
    app.router.add_get("/healthz", _health)

    async def queue_length() -> None:
        metrics.queue_length.set(await handoff_store.queue_length())
    app.router.add_get("/metrics", metrics_endpoint(metrics.registry, settings.metrics_token, queue_length))
    app.router.add_get("/", _to_chat)
    return app
