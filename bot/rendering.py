"""Render the bot's channel-neutral messages for Telegram, WhatsApp and the web page.

Pure functions, no I/O. Each channel's limits come from its API documentation:

* Telegram ``sendMessage``: text 1-4096 characters after entities parsing (``parse_mode`` HTML
  here); inline button ``callback_data`` 1-64 bytes.
* WhatsApp Cloud API ``/messages``: text body at most 4096 characters; interactive body at most
  1024; reply buttons: at most 3, title at most 20 characters (unique within the message), id at
  most 256; list: button label at most 20, at most 10 rows, row id at most 200, row title at
  most 24, row description at most 72.

Lengths are counted in UTF-16 code units (what Telegram counts entity offsets in, never less
than Python's ``len``), so a text full of emoji cannot slip over a limit.

A payload that cannot travel in a button (too long, or shaped like an index) is replaced by
``"#<index>"``, the button's position in the message; the gateway turns it back with
:func:`resolve_indexed_payload` against the message it stored.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.messages import BotMessage, Button

TELEGRAM_TEXT_LIMIT = 4096
TELEGRAM_SPLIT_AT = 4000  # plain-text parts; formatting only shortens the parsed text, the margin is extra safety
TELEGRAM_CALLBACK_BYTES = 64
TELEGRAM_SHORT_TITLE = 20  # titles up to this length go two to a row

WHATSAPP_TEXT_LIMIT = 4096
WHATSAPP_BODY_LIMIT = 1024
WHATSAPP_REPLY_BUTTONS = 3
WHATSAPP_BUTTON_TITLE = 20
WHATSAPP_BUTTON_ID = 256
WHATSAPP_LIST_ROWS = 10
WHATSAPP_ROW_ID = 200
WHATSAPP_ROW_TITLE = 24
WHATSAPP_ROW_DESCRIPTION = 72
WHATSAPP_LIST_BUTTON = "Pilih"
WHATSAPP_MORE_CHOICES = "Pilihan lainnya:"

CHOOSE_PROMPT = "Silakan pilih:"  # the text of a message that has buttons but no text of its own
ELLIPSIS = "…"

_INDEXED = re.compile(r"#([0-9]+)")
_MAX_INDEX_DIGITS = 6
# where a text may be split, best first: paragraph break, line break, sentence end, any space
_BREAKS = (
    re.compile(r"[ \t\r\f\v]*\n[ \t\r\f\v]*\n\s*"),
    re.compile(r"[ \t\r\f\v]*\n\s*"),
    re.compile(r"(?<=[.?!])[ \t\r\f\v]+"),
    re.compile(r"\s+"),
)
# *bold* on one line: no space just inside the stars, not glued to a word or another star
_BOLD = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")


def utf16_units(text: str) -> int:
    """The length of ``text`` in UTF-16 code units (characters outside the BMP count twice)."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


# ---------------------------------------------------------------------------------------------
# splitting


def split_text(text: str, limit: int, *, measure: Callable[[str], int] = len) -> list[str]:
    """Split ``text`` into parts of at most ``limit`` (as ``measure`` counts; it must be additive).

    Cuts at the last paragraph break that keeps the part within the limit, else the last line
    break, else the last sentence end (". ", "? ", "! "), else the last space; a word longer
    than the limit is cut hard. Parts are stripped and never empty; the whitespace at a cut is
    dropped, nothing else. A text within the limit is one part; a blank text is no part.
    """
    if limit < 1:
        raise ValueError(f"limit must be positive, not {limit}")
    parts: list[str] = []
    rest = text.strip()
    while rest and measure(rest) > limit:
        fits = _prefix_within(rest, limit, measure)
        cut = _best_break(rest, fits)
        if cut is None:
            parts.append(rest[:fits])
            rest = rest[fits:].lstrip()
        else:
            start, end = cut
            parts.append(rest[:start].rstrip())
            rest = rest[end:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def _prefix_within(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """How many leading characters of ``text`` fit in ``limit`` (at least one, to make progress)."""
    if measure is len:
        return max(1, min(limit, len(text)))
    used = 0
    for index, char in enumerate(text):
        used += measure(char)
        if used > limit:
            return max(1, index)
    return len(text)


def _best_break(text: str, fits: int) -> tuple[int, int] | None:
    """The (start, end) of the best whitespace run to cut at, keeping ``text[:start]`` within ``fits``."""
    for pattern in _BREAKS:
        best: tuple[int, int] | None = None
        for match in pattern.finditer(text, 1):
            if match.start() > fits:
                break
            best = (match.start(), match.end())
        if best is not None:
            return best
    return None


# ---------------------------------------------------------------------------------------------
# shared helpers


def _plain_text(message: BotMessage) -> str:
    """The message text with the image URL as a last line; a prompt when only buttons remain."""
    text = "\n".join(part for part in (message.text.strip(), (message.image or "").strip()) if part)
    return text or (CHOOSE_PROMPT if message.buttons else "")


def _is_indexed(data: str) -> bool:
    return _INDEXED.fullmatch(data) is not None


def _button_ids(buttons: Sequence[Button], fits: Callable[[str], bool]) -> list[str]:
    """Each button's payload when it ``fits`` and is unique in the message, else ``"#<index>"``."""
    ids: list[str] = []
    seen: set[str] = set()
    for index, button in enumerate(buttons):
        payload = button.payload
        usable = bool(payload) and fits(payload) and not _is_indexed(payload) and payload not in seen
        ids.append(payload if usable else f"#{index}")
        seen.add(payload)
    return ids


def resolve_indexed_payload(data: str, buttons: Sequence[Button]) -> str | None:
    """The payload a pressed button stands for.

    ``"#3"`` is the payload of ``buttons[3]`` (None when there is no such button); any other
    data is a payload already and is returned as it is.
    """
    match = _INDEXED.fullmatch(data)
    if match is None:
        return data
    digits = match.group(1)
    if len(digits) > _MAX_INDEX_DIGITS:
        return None
    index = int(digits)
    return buttons[index].payload if index < len(buttons) else None


def shorten(text: str, limit: int, *, measure: Callable[[str], int] = utf16_units) -> str:
    """``text`` when it fits in ``limit``, else cut at a word boundary and ended with "…"."""
    text = " ".join(text.split())
    if measure(text) <= limit:
        return text
    room = limit - measure(ELLIPSIS)
    if room < 1:
        return ELLIPSIS[: max(limit, 0)]
    cut = _prefix_within(text, room, measure)
    head = text[:cut]
    if text[cut] != " ":  # the cut is inside a word: go back to the last space, unless that wastes most of the room
        space = head.rfind(" ")
        if space >= cut // 2:
            head = head[:space]
    return (head.rstrip(" ,;:-/(") or text[:cut]) + ELLIPSIS


def _title(button: Button, index: int) -> str:
    """The button's title on one line; a numbered stand-in for a blank one (channels refuse empty titles)."""
    return " ".join(button.title.split()) or f"Pilihan {index + 1}"


def _unique_titles(titles: Sequence[str], limit: int) -> list[str]:
    """The titles shortened to ``limit``, made unique by " (2)", " (3)" ... where they repeat."""
    result: list[str] = []
    seen: set[str] = set()
    for title in titles:
        candidate = shorten(title, limit)
        number = 1
        while candidate in seen:
            number += 1
            suffix = f" ({number})"
            candidate = shorten(title, limit - utf16_units(suffix)) + suffix
        seen.add(candidate)
        result.append(candidate)
    return result


# ---------------------------------------------------------------------------------------------
# Telegram


@dataclass(frozen=True)
class TelegramButton:
    """An inline keyboard button: ``callback_data`` is the payload or ``"#<index>"``."""

    title: str
    callback_data: str


@dataclass(frozen=True)
class TelegramText:
    """One ``sendMessage`` with ``parse_mode`` HTML: the text and the inline keyboard rows (may be empty)."""

    text: str
    keyboard: tuple[tuple[TelegramButton, ...], ...] = ()


def telegram_html(text: str) -> str:
    """``text`` escaped for Telegram's HTML mode, with ``*bold*`` on one line turned into ``<b>bold</b>``."""
    out: list[str] = []
    position = 0
    for match in _BOLD.finditer(text):
        out.append(html.escape(text[position : match.start()], quote=False))
        out.append(f"<b>{html.escape(match.group(1), quote=False)}</b>")
        position = match.end()
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


def _fits_callback(payload: str) -> bool:
    return len(payload.encode("utf-8")) <= TELEGRAM_CALLBACK_BYTES


def telegram_keyboard(buttons: Sequence[Button]) -> tuple[tuple[TelegramButton, ...], ...]:
    """Inline keyboard rows: two buttons a row, one when any title is long."""
    if not buttons:
        return ()
    data = _button_ids(buttons, _fits_callback)
    titles = [_title(button, index) for index, button in enumerate(buttons)]
    keys = [TelegramButton(title, callback) for title, callback in zip(titles, data)]
    per_row = 1 if any(len(title) > TELEGRAM_SHORT_TITLE for title in titles) else 2
    return tuple(tuple(keys[start : start + per_row]) for start in range(0, len(keys), per_row))


def render_telegram(message: BotMessage) -> list[TelegramText]:
    """The ``sendMessage`` calls for one bot message; the keyboard goes under the last one."""
    parts = split_text(_plain_text(message), TELEGRAM_SPLIT_AT, measure=utf16_units)
    if not parts:
        return []
    keyboard = telegram_keyboard(message.buttons)
    rendered = [TelegramText(telegram_html(part)) for part in parts]
    rendered[-1] = TelegramText(rendered[-1].text, keyboard)
    return rendered


# ---------------------------------------------------------------------------------------------
# WhatsApp


def _whatsapp(to: str, kind: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": kind, kind: content}


def _whatsapp_text(to: str, body: str) -> dict[str, Any]:
    return _whatsapp(to, "text", {"preview_url": False, "body": body})


def _fits_whatsapp_id(limit: int) -> Callable[[str], bool]:
    # ids come back in the webhook as sent; leading/trailing spaces are refused by the API
    return lambda payload: utf16_units(payload) <= limit and payload == payload.strip()


def _reply_buttons(to: str, body: str, buttons: Sequence[Button]) -> dict[str, Any]:
    ids = _button_ids(buttons, _fits_whatsapp_id(WHATSAPP_BUTTON_ID))
    titles = _unique_titles([_title(button, index) for index, button in enumerate(buttons)], WHATSAPP_BUTTON_TITLE)
    return _whatsapp(to, "interactive", {
        "type": "button",
        "body": {"text": body},
        "action": {"buttons": [{"type": "reply", "reply": {"id": id_, "title": title}}
                               for id_, title in zip(ids, titles)]},
    })


def _list_messages(to: str, body: str, buttons: Sequence[Button]) -> list[dict[str, Any]]:
    ids = _button_ids(buttons, _fits_whatsapp_id(WHATSAPP_ROW_ID))
    messages: list[dict[str, Any]] = []
    for start in range(0, len(buttons), WHATSAPP_LIST_ROWS):
        chunk = buttons[start : start + WHATSAPP_LIST_ROWS]
        full_titles = [_title(button, start + offset) for offset, button in enumerate(chunk)]
        titles = _unique_titles(full_titles, WHATSAPP_ROW_TITLE)
        rows: list[dict[str, str]] = []
        for offset, (full, title) in enumerate(zip(full_titles, titles)):
            row = {"id": ids[start + offset], "title": title}
            if title != full:
                row["description"] = shorten(full, WHATSAPP_ROW_DESCRIPTION)
            rows.append(row)
        messages.append(_whatsapp(to, "interactive", {
            "type": "list",
            "body": {"text": body if start == 0 else WHATSAPP_MORE_CHOICES},
            "action": {"button": WHATSAPP_LIST_BUTTON, "sections": [{"rows": rows}]},
        }))
    return messages


def render_whatsapp(message: BotMessage, to: str) -> list[dict[str, Any]]:
    """The Cloud API ``/messages`` payloads for one bot message, in sending order.

    Without buttons: text messages. With up to 3 buttons whose titles fit in 20 characters:
    one reply-buttons message; otherwise list messages of up to 10 rows. The text goes before
    the buttons: a text too long for an interactive body sends its leading parts as text
    messages and the last part (at most 1024 characters) as the body.
    """
    text = _plain_text(message)
    if not message.buttons:
        return [_whatsapp_text(to, part) for part in split_text(text, WHATSAPP_TEXT_LIMIT, measure=utf16_units)]
    body = split_text(text, WHATSAPP_BODY_LIMIT, measure=utf16_units)[-1]
    leading = text[: len(text) - len(body)].rstrip()
    payloads = [_whatsapp_text(to, part) for part in split_text(leading, WHATSAPP_TEXT_LIMIT, measure=utf16_units)]
    buttons = message.buttons
    as_replies = len(buttons) <= WHATSAPP_REPLY_BUTTONS and all(
        utf16_units(_title(button, index)) <= WHATSAPP_BUTTON_TITLE for index, button in enumerate(buttons))
    if as_replies:
        payloads.append(_reply_buttons(to, body, buttons))
    else:
        payloads.extend(_list_messages(to, body, buttons))
    return payloads


# ---------------------------------------------------------------------------------------------
# web


def render_web(message: BotMessage) -> dict[str, Any]:
    """The JSON the web page shows: text as it is (the page uses textContent), buttons, image."""
    return {
        "text": message.text,
        "buttons": [{"title": button.title, "payload": button.payload} for button in message.buttons],
        "image": message.image,
    }
