"""Local fakes of the Telegram Bot API and the WhatsApp Cloud API (Graph API) for gateway tests and benchmarks.

They speak the documented wire protocols on 127.0.0.1, so the gateway runs its real HTTP clients
(python-telegram-bot, aiohttp) against them; no traffic leaves the machine.
"""
