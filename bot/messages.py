"""Channel-neutral messages: what every channel turns its updates into, and what the bot says back."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Channel(str, Enum):
    """Where a citizen writes from."""

    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    WEB = "web"


class InboundKind(str, Enum):
    """What a channel update was; only TEXT and BUTTON reach Rasa as they are."""

    TEXT = "text"
    BUTTON = "button"  # a pressed button; ``payload`` holds what the button sends
    COMMAND = "command"  # /start, /bantuan, /tautkan ...: ``text`` holds the command word without the slash
    UNSUPPORTED = "unsupported"  # sticker, photo, voice, document, location, ...: ``media`` names it
    EDITED = "edited"  # an edited message: answered politely, not re-run


@dataclass(frozen=True)
class Button:
    """A button under a bot message: the citizen sees ``title``; pressing it sends ``payload``."""

    title: str
    payload: str


@dataclass(frozen=True)
class InboundMessage:
    """One thing a citizen did on a channel, before it is stored.

    ``external_id`` is the channel's own id of the update (Telegram update_id, WhatsApp wamid,
    the web client's message id): storing is unique on (channel, external_id), so a redelivery
    is recognised and ignored.
    """

    channel: Channel
    external_id: str
    address: str  # the chat on that channel: Telegram chat id, WhatsApp phone (wa_id), web session id
    kind: InboundKind
    text: str = ""
    payload: str | None = None
    media: str | None = None
    display_name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # channel details needed to answer (callback query id)


@dataclass(frozen=True)
class BotMessage:
    """One message to show the citizen, before a channel renders it."""

    text: str
    buttons: tuple[Button, ...] = ()
    image: str | None = None
