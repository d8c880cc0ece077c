"""A local Telegram Bot API server, plus builders of the updates Telegram sends to bots.

``async with FakeTelegramApi(token="123:ABC") as fake`` serves ``/bot<token>/<method>`` on
127.0.0.1 in the running event loop. Point python-telegram-bot at it with
``Bot(token, base_url=fake.base_url)`` (PTB appends the token to ``base_url``).

What it checks, as Telegram does (https://core.telegram.org/bots/api):

- the token (401 ``Unauthorized``), unknown methods (404 ``Not Found``);
- ``sendMessage``: chat_id, text of 1-4096 characters after entity parsing, ``parse_mode=HTML``
  with only the documented tags, properly nested; inline keyboards with 1-64 byte callback_data;
- ``getUpdates``: offset/limit/timeout long polling, 409 while a webhook is set or when a newer
  ``getUpdates`` call takes over;
- ``answerCallbackQuery``: a query can be answered once;
- ``editMessageReplyMarkup``: the message must exist and the markup must change.

One rule is stricter than Telegram's server: the docs say every ``<``, ``>`` and ``&`` that is
not part of a tag or an entity must be escaped, but the server itself lets a bare ``>`` or ``&``
through. The fake rejects them (``strict_html=True``) so that a gateway that forgets to escape
user text fails here and not on the first ``<`` a citizen types.

Parameters arrive as JSON, query string, urlencoded or multipart form (python-telegram-bot sends
urlencoded forms with every non-string value JSON-encoded); they are normalised so that
``ApiCall.params`` looks the same whatever the encoding: ``chat_id`` and other integer fields
as ``int``, ``reply_markup`` and other objects as parsed JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from test_support.fakes.local_server import LocalServer

JSON = dict[str, Any]

MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

DEFAULT_BOT_USER: JSON = {
    "id": 123,
    "is_bot": True,
    "first_name": "MPP Digital",
    "username": "mpp_digital_bot",
}

# Entity type of each supported HTML tag (https://core.telegram.org/bots/api#html-style).
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",  # only as <span class="tg-spoiler">
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_ENTITY_REF = re.compile(r"&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|lt|gt|amp|quot);")
_ATTRIBUTE = re.compile(r"""\s*([a-zA-Z][a-zA-Z0-9_-]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")

# Parameters whose form-encoded value is JSON, and those that are integers or booleans.
_JSON_PARAMS = frozenset({
    "reply_markup", "entities", "caption_entities", "allowed_updates", "link_preview_options",
    "reply_parameters", "media", "results", "commands", "scope",
})
_INT_PARAMS = frozenset({
    "chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time",
    "message_thread_id", "reply_to_message_id", "user_id", "from_chat_id",
})
_BOOL_PARAMS = frozenset({
    "drop_pending_updates", "show_alert", "disable_notification", "protect_content",
    "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
})
_CHAT_ACTIONS = frozenset({
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
})
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_STATUS_DESCRIPTION = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_WEBHOOK_CONFLICT = ("Conflict: can't use getUpdates method while webhook is active; "
                     "use deleteWebhook to delete the webhook first")
_POLL_CONFLICT = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"


@dataclass
class ApiCall:
    """One request to the fake. ``at`` is ``time.monotonic()`` on arrival; ``status`` and
    ``result`` (or ``error``, Telegram's description) are filled in once it is answered;
    ``content_type`` is how the client encoded the parameters."""

    method: str
    params: dict[str, Any]
    at: float
    content_type: str = ""
    status: int | None = None
    result: Any = None
    error: str | None = None


class ApiError(Exception):
    """An error answer in Bot API form: ``{"ok": false, "error_code", "description"}``."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> JSON:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class _Fault:
    status: int
    retry_after: int | None
    description: str | None

    def error(self) -> ApiError:
        if self.status == 429:
            retry_after = self.retry_after or 1  # PTB raises RetryAfter only for a non-zero value
            return ApiError(429, self.description or f"Too Many Requests: retry after {retry_after}",
                            {"retry_after": retry_after})
        description = self.description or _STATUS_DESCRIPTION.get(self.status, "Internal Server Error")
        return ApiError(self.status, description)


class _Signal:
    """Wakes every coroutine waiting for "something changed" (new update, new message, shutdown)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        event = self._event
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=max(timeout, 0.0))


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _OpenTag:
    name: str
    offset: int  # in UTF-16 code units of the plain text
    attributes: dict[str, str]


class _HtmlParser:
    """Bot API HTML to plain text + entities. Error texts follow Telegram's ("Unsupported start tag
    ...", "Can't find end tag ..."); offsets in them are UTF-8 byte offsets, as Telegram reports."""

    def __init__(self, source: str, strict: bool) -> None:
        self.source = source
        self.strict = strict
        self.out: list[str] = []
        self.length = 0  # UTF-16 length of the plain text so far
        self.stack: list[_OpenTag] = []
        self.entities: list[JSON] = []

    def parse(self) -> tuple[str, list[JSON]]:
        source, i = self.source, 0
        while i < len(source):
            char = source[i]
            if char == "<":
                i = self._end_tag(i) if source.startswith("</", i) else self._start_tag(i)
            elif char == "&" and (match := _ENTITY_REF.match(source, i)):
                self._emit(html.unescape(match.group(0)))
                i = match.end()
            else:
                if char in "&>" and self.strict:
                    escaped = "&amp;" if char == "&" else "&gt;"
                    raise self._fail(f'Unescaped "{char}" at byte offset {self._byte_offset(i)}; use {escaped}')
                self._emit(char)
                i += 1
        if self.stack:
            raise self._fail(f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"')
        self.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
        return "".join(self.out), self.entities

    def _fail(self, detail: str) -> ApiError:
        return _bad_request(f"can't parse entities: {detail}")

    def _byte_offset(self, index: int) -> int:
        return len(self.source[:index].encode())

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.length += utf16_length(text)

    def _start_tag(self, start: int) -> int:
        source, i = self.source, start + 1
        while i < len(source) and not source[i].isspace() and source[i] not in ">/":
            i += 1
        if i >= len(source):
            raise self._fail(f"Unclosed start tag at byte offset {self._byte_offset(start)}")
        name = source[start + 1 : i].lower()
        if name not in _TAG_ENTITY:
            raise self._fail(f'Unsupported start tag "{name}" at byte offset {self._byte_offset(start)}')
        attributes: dict[str, str] = {}
        while True:
            while i < len(source) and source[i].isspace():
                i += 1
            if source.startswith(">", i) or source.startswith("/>", i):
                i += 1 if source[i] == ">" else 2
                break
            match = _ATTRIBUTE.match(source, i)
            if not match:
                raise self._fail(f"Unclosed start tag at byte offset {self._byte_offset(start)}")
            value = match.group(2) or ""
            if value[:1] in ("'", '"'):
                value = value[1:-1]
            attributes[match.group(1).lower()] = html.unescape(value)
            i = match.end()
        if name == "span" and attributes.get("class") != "tg-spoiler":
            raise self._fail(f'Tag "span" must have class "tg-spoiler" at byte offset {self._byte_offset(start)}')
        parent = self.stack[-1].name if self.stack else None
        if parent in ("code", "pre") and not (parent == "pre" and name == "code"):
            raise self._fail(f'Tag "{name}" can\'t be nested in "{parent}" at byte offset {self._byte_offset(start)}')
        self.stack.append(_OpenTag(name, self.length, attributes))
        return i

    def _end_tag(self, start: int) -> int:
        end = self.source.find(">", start)
        if end < 0:
            raise self._fail(f"Unclosed end tag at byte offset {self._byte_offset(start)}")
        name = self.source[start + 2 : end].strip().lower()
        if not self.stack:
            raise self._fail(f"Unexpected end tag at byte offset {self._byte_offset(start)}")
        expected = self.stack[-1].name
        if name != expected:
            raise self._fail(f'Unmatched end tag at byte offset {self._byte_offset(start)}, '
                             f'expected "</{expected}>", found "</{name}>"')
        self._close(self.stack.pop())
        return end + 1

    def _close(self, tag: _OpenTag) -> None:
        language = tag.attributes.get("class", "")
        if tag.name == "code" and self.stack and self.stack[-1].name == "pre" and language.startswith("language-"):
            # Telegram folds <pre><code class="language-x"> into one "pre" entity with a language
            self.stack[-1].attributes["language"] = language.removeprefix("language-")
            return
        if self.length == tag.offset:
            return
        entity: JSON = {"type": _TAG_ENTITY[tag.name], "offset": tag.offset, "length": self.length - tag.offset}
        if tag.name == "a":
            if not tag.attributes.get("href"):
                return
            entity["url"] = tag.attributes["href"]
        if tag.name == "pre" and "language" in tag.attributes:
            entity["language"] = tag.attributes["language"]
        if tag.name == "blockquote" and "expandable" in tag.attributes:
            entity["type"] = "expandable_blockquote"
        self.entities.append(entity)


def parse_html(source: str, *, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Bot API HTML into plain text and message entities, or raise ``ApiError`` (400)."""
    return _HtmlParser(source, strict).parse()


def validate_reply_markup(markup: Any) -> JSON | None:
    """Check a reply_markup as Telegram does; return it if it is an inline keyboard, else None."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" not in markup:
        return None  # reply keyboard, keyboard removal or force reply: passed through unchecked
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise _bad_request("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays")
    for row in rows:
        for button in row:
            if not isinstance(button, dict) or not str(button.get("text", "")).strip():
                raise _bad_request("BUTTON_TEXT_INVALID")
            if "callback_data" in button:
                data = str(button["callback_data"]).encode()
                if not 1 <= len(data) <= MAX_CALLBACK_DATA_BYTES:
                    raise _bad_request("BUTTON_DATA_INVALID")
            elif len(button) == 1:
                raise _bad_request("text buttons are unallowed in the inline keyboard")
    return markup


def _coerce(name: str, value: Any) -> Any:
    """Normalise one parameter as Telegram reads it, whatever the request's encoding."""
    if isinstance(value, str):
        if name in _JSON_PARAMS:
            try:
                return json.loads(value)
            except ValueError:
                return value  # left for the method's validation to reject
        if name in _INT_PARAMS and re.fullmatch(r"-?\d+", value):
            return int(value)
        if name in _BOOL_PARAMS and value.lower() in ("true", "false"):
            return value.lower() == "true"
    return value


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as error:
            raise _bad_request("can't parse JSON object") from error
        if isinstance(body, dict):
            params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                params[name] = {"filename": value.filename, "content_type": value.content_type,
                                "size": len(value.file.read())}
            else:
                params[name] = value
    return {name: _coerce(name, value) for name, value in params.items()}


def _chat(chat_id: int | str) -> JSON:
    if isinstance(chat_id, str):
        return {"id": -1001000000001, "type": "channel", "title": "Channel", "username": chat_id.lstrip("@")}
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": "Budi"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": "Test group"}


class FakeTelegramApi(LocalServer):
    """The Bot API on 127.0.0.1 for one bot token; see the module docstring.

    State that tests read: ``calls`` (every request, in arrival order), ``sent_messages()``,
    ``webhook_url``/``webhook_secret``, ``pending_updates``. Knobs: ``fail_next``, ``delay_s``
    (added before every sendMessage), ``blocked_chats`` (403 as if the user blocked the bot).
    """

    def __init__(self, token: str = "123:ABC", *, strict_html: bool = True) -> None:
        self.token = token
        self.strict_html = strict_html
        self.calls: list[ApiCall] = []
        self.delay_s = 0.0
        self.blocked_chats: set[int | str] = set()
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_allowed_updates: list[str] | None = None
        bot_id = token.split(":", 1)[0]
        self.bot_user: JSON = {**DEFAULT_BOT_USER, "id": int(bot_id) if bot_id.isdigit() else DEFAULT_BOT_USER["id"],
                               "can_join_groups": True, "can_read_all_group_messages": False,
                               "supports_inline_queries": False}
        self._updates: list[JSON] = []  # not yet confirmed, in update_id order
        self._confirmed_below = 0  # every update_id below this was confirmed by an offset
        self._messages: dict[tuple[int | str, int], JSON] = {}
        self._message_ids = itertools.count(1)
        self._answered_queries: set[str] = set()
        self._faults: dict[str, list[_Fault]] = {}
        self._poll_generation = 0
        self._closing = False
        self._updates_changed = _Signal()
        # per chat, so that a benchmark with many chats waiting does not rescan every call per message
        self._sent_by_chat: dict[int | str, list[ApiCall]] = {}
        self._chat_changed: dict[int | str, _Signal] = {}
        self._handlers = {
            "getme": self._get_me,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "answercallbackquery": self._answer_callback_query,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "sendchataction": self._send_chat_action,
        }

    # --- lifecycle ---------------------------------------------------------------------------

    async def stop(self) -> None:
        self._closing = True
        self._updates_changed.notify()  # lets pending long polls return at once
        await super().stop()

    @property
    def base_url(self) -> str:
        """For ``Bot(token, base_url=...)``: PTB appends the token, giving ``.../bot<token>``."""
        return f"{self.origin}/bot"

    @property
    def api_url(self) -> str:
        """The URL a method name is appended to (``{api_url}/sendMessage``)."""
        return f"{self.base_url}{self.token}"

    # --- test controls -----------------------------------------------------------------------

    def fail_next(self, method: str, status: int = 500, times: int = 1, retry_after: int | None = None,
                  description: str | None = None) -> None:
        """Answer the next ``times`` calls of ``method`` (``"*"``: any method) with a Telegram error.

        429 carries ``parameters.retry_after`` (default 1 s), which PTB turns into ``RetryAfter``.
        """
        self._faults.setdefault(method.lower(), []).extend(
            _Fault(status, retry_after, description) for _ in range(times))

    def enqueue_update(self, update: JSON) -> JSON:
        """Queue an update for getUpdates (an update_id is assigned if missing); returns it."""
        update = dict(update)
        last = self._updates[-1]["update_id"] if self._updates else self._confirmed_below - 1
        update.setdefault("update_id", max(last + 1, 1))
        if update["update_id"] < self._confirmed_below or update["update_id"] <= last:
            raise ValueError(f"update_id {update['update_id']} is not above the last queued or confirmed one "
                             f"({max(last, self._confirmed_below - 1)}): getUpdates would never return it")
        self._updates.append(update)
        self._updates_changed.notify()
        return update

    @property
    def pending_updates(self) -> list[JSON]:
        """Queued updates not yet confirmed by a getUpdates offset."""
        return list(self._updates)

    def sent_messages(self, chat_id: int | str | None = None) -> list[ApiCall]:
        """The sendMessage calls that succeeded (to ``chat_id`` if given); ``result`` is the Message."""
        if chat_id is not None:
            return list(self._sent_by_chat.get(_coerce("chat_id", chat_id), ()))
        return [call for call in self.calls if call.method.lower() == "sendmessage" and call.status == 200]

    def calls_to(self, method: str) -> list[ApiCall]:
        return [call for call in self.calls if call.method.lower() == method.lower()]

    async def wait_for_messages(self, chat_id: int | str, count: int, timeout: float = 10.0) -> list[ApiCall]:
        """Wait until ``count`` messages were sent to ``chat_id``; return all sent to it so far."""
        deadline = time.monotonic() + timeout
        while len(sent := self.sent_messages(chat_id)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                texts = [call.params.get("text") for call in sent]
                others = [(call.params.get("chat_id"), call.status, call.error or call.params.get("text"))
                          for call in self.calls_to("sendMessage") if call not in sent]
                raise AssertionError(f"expected {count} message(s) to chat {chat_id} within {timeout} s, "
                                     f"got {len(sent)}: {texts!r}; other sendMessage calls: {others!r}")
            await self._chat_changed.setdefault(_coerce("chat_id", chat_id), _Signal()).wait(remaining)
        return sent

    # --- HTTP --------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        match = re.fullmatch(r"/bot([^/]+)/([A-Za-z]+)", request.path)
        if not match:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        token, method = match.groups()
        call = ApiCall(method, {}, time.monotonic(), request.content_type)
        self.calls.append(call)
        try:
            call.params = await _read_params(request)
            if token != self.token:
                raise ApiError(401, "Unauthorized")
            handler = self._handlers.get(method.lower())
            if handler is None:
                raise ApiError(404, "Not Found")
            faults = self._faults.get(method.lower()) or self._faults.get("*")
            if faults:
                raise faults.pop(0).error()
            call.result = await handler(call.params)
            body: JSON = {"ok": True, "result": call.result}
            call.status = 200
        except ApiError as error:
            call.status, call.error, body = error.status, error.description, error.body()
        if call.method.lower() == "sendmessage":
            chat = call.params.get("chat_id")
            if call.status == 200 and chat is not None:
                self._sent_by_chat.setdefault(chat, []).append(call)
            if chat is not None and chat in self._chat_changed:
                self._chat_changed[chat].notify()
        return web.json_response(body, status=call.status, dumps=lambda obj: json.dumps(obj, ensure_ascii=False))

    # --- methods -----------------------------------------------------------------------------

    async def _get_me(self, params: JSON) -> JSON:
        return dict(self.bot_user)

    async def _set_webhook(self, params: JSON) -> bool:
        url = str(params.get("url", ""))
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(str(secret)):
            raise _bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._drop_pending()
        self.webhook_url = url
        self.webhook_secret = str(secret) if secret is not None and url else None
        allowed = params.get("allowed_updates")
        self.webhook_allowed_updates = allowed if isinstance(allowed, list) else None
        self._updates_changed.notify()  # a pending getUpdates now conflicts with the webhook
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self._drop_pending()
        self.webhook_url = ""
        self.webhook_secret = None
        return True

    async def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {"url": self.webhook_url, "has_custom_certificate": False,
                      "pending_update_count": len(self._updates)}
        if self.webhook_url:
            info["max_connections"] = 40
            if self.webhook_allowed_updates is not None:
                info["allowed_updates"] = self.webhook_allowed_updates
        return info

    def _drop_pending(self) -> None:
        if self._updates:
            self._confirmed_below = self._updates[-1]["update_id"] + 1
        self._updates.clear()

    async def _get_updates(self, params: JSON) -> list[JSON]:
        """Long polling: a positive offset confirms every older update, a negative one keeps only
        the last -offset updates; waits up to ``timeout`` s while nothing is queued."""
        if self.webhook_url:
            raise ApiError(409, _WEBHOOK_CONFLICT)
        offset = params.get("offset") or 0
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if isinstance(offset, int) and offset > 0:
            self._updates = [update for update in self._updates if update["update_id"] >= offset]
            self._confirmed_below = max(self._confirmed_below, offset)
        elif isinstance(offset, int) and offset < 0:
            self._updates = self._updates[offset:]
            if self._updates:
                self._confirmed_below = max(self._confirmed_below, self._updates[0]["update_id"])
        self._poll_generation += 1
        generation = self._poll_generation
        self._updates_changed.notify()  # an older poll still waiting now gets its 409
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            await self._updates_changed.wait(remaining)
            if generation != self._poll_generation:
                raise ApiError(409, _POLL_CONFLICT)
            if self.webhook_url:
                raise ApiError(409, _WEBHOOK_CONFLICT)
        return self._updates[:limit]

    def _check_chat(self, params: JSON) -> int | str:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if chat_id in self.blocked_chats:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not isinstance(chat_id, int) and not (isinstance(chat_id, str) and chat_id.startswith("@")):
            raise _bad_request("chat not found")
        return chat_id

    async def _send_message(self, params: JSON) -> JSON:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        chat_id = self._check_chat(params)
        raw = params.get("text")
        if raw is None:
            raise _bad_request("message text is empty")
        parse_mode = str(params.get("parse_mode") or "")
        if parse_mode.lower() == "html":
            text, entities = parse_html(str(raw), strict=self.strict_html)
        elif parse_mode.lower() in ("", "markdown", "markdownv2"):  # Markdown is passed through unparsed
            text, entities = str(raw), list(params.get("entities") or [])
        else:
            raise _bad_request("unsupported parse_mode")
        if not text.strip():
            raise _bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        markup = validate_reply_markup(params.get("reply_markup"))
        message: JSON = {"message_id": next(self._message_ids), "from": dict(self.bot_user),
                         "chat": _chat(chat_id), "date": int(time.time()), "text": text}
        if entities:
            message["entities"] = entities
        if markup is not None:
            message["reply_markup"] = markup
        self._messages[(chat_id, message["message_id"])] = message
        return message

    async def _answer_callback_query(self, params: JSON) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if not query_id or query_id in self._answered_queries:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._answered_queries.add(query_id)
        return True

    async def _edit_message_reply_markup(self, params: JSON) -> JSON | bool:
        markup = validate_reply_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        chat_id = self._check_chat(params)
        message = self._messages.get((chat_id, params.get("message_id") or 0))
        if message is None:
            raise _bad_request("message to edit not found")
        if message.get("reply_markup") == markup:
            raise _bad_request("message is not modified: specified new message content and reply markup are "
                               "exactly the same as a current content and reply markup of the message")
        message.pop("reply_markup", None)
        if markup is not None:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return dict(message)

    async def _send_chat_action(self, params: JSON) -> bool:
        self._check_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True


# --- update builders ------------------------------------------------------------------------------

_update_ids = itertools.count(700_000_001)
_incoming_message_ids = itertools.count(500_001)  # far from the ids the fake gives the bot's messages
_callback_ids = itertools.count(4_382_000_000_000_000_001)


@dataclass(frozen=True)
class TgUser:
    """The person who writes to the bot (``from`` of an update)."""

    id: int
    first_name: str = "Budi"
    last_name: str | None = "Santoso"
    username: str | None = "budi_santoso"
    language_code: str | None = "id"

    def to_dict(self) -> JSON:
        user: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for name in ("last_name", "username", "language_code"):
            if getattr(self, name) is not None:
                user[name] = getattr(self, name)
        return user


def _sender(chat_id: int, user: TgUser | None) -> TgUser:
    return user or TgUser(id=chat_id if chat_id > 0 else 5_000_001)


def _incoming_chat(chat_id: int, user: TgUser) -> JSON:
    if chat_id > 0:
        chat = {"id": chat_id, "type": "private", "first_name": user.first_name}
        if user.last_name:
            chat["last_name"] = user.last_name
        if user.username:
            chat["username"] = user.username
        return chat
    return _chat(chat_id)


def _file_ids(prefix: str) -> JSON:
    unique = uuid.uuid4().hex
    return {"file_id": f"{prefix}{unique}{unique[:16]}", "file_unique_id": f"AQAD{unique[:12]}"}


def _message_update(chat_id: int, content: JSON, *, user: TgUser | None, message_id: int | None,
                    update_id: int | None, date: int | None, kind: str = "message") -> JSON:
    sender = _sender(chat_id, user)
    message: JSON = {
        "message_id": message_id if message_id is not None else next(_incoming_message_ids),
        "from": sender.to_dict(),
        "chat": _incoming_chat(chat_id, sender),
        "date": date if date is not None else int(time.time()),
        **content,
    }
    return {"update_id": update_id if update_id is not None else next(_update_ids), kind: message}


def text_update(chat_id: int, text: str, *, user: TgUser | None = None, message_id: int | None = None,
                update_id: int | None = None, date: int | None = None) -> JSON:
    return _message_update(chat_id, {"text": text}, user=user, message_id=message_id, update_id=update_id, date=date)


def command_update(chat_id: int, command: str, *, user: TgUser | None = None, message_id: int | None = None,
                   update_id: int | None = None, date: int | None = None) -> JSON:
    """``command`` is the whole text, e.g. ``"/start"`` or ``"/start promo"``."""
    if not command.startswith("/"):
        raise ValueError(f"a command starts with '/': {command!r}")
    entity = {"type": "bot_command", "offset": 0, "length": utf16_length(command.split()[0])}
    return _message_update(chat_id, {"text": command, "entities": [entity]}, user=user, message_id=message_id,
                           update_id=update_id, date=date)


def callback_update(chat_id: int, data: str, message_id: int, *, message_text: str = "Pilih layanan:",
                    reply_markup: JSON | None = None, bot_user: JSON | None = None, user: TgUser | None = None,
                    update_id: int | None = None, query_id: str | None = None) -> JSON:
    """A button press on the bot's message ``message_id`` in ``chat_id``."""
    sender = _sender(chat_id, user)
    message: JSON = {"message_id": message_id, "from": bot_user or dict(DEFAULT_BOT_USER),
                     "chat": _incoming_chat(chat_id, sender), "date": int(time.time()) - 5, "text": message_text}
    if reply_markup is not None:
        message["reply_markup"] = reply_markup
    query = {"id": query_id or str(next(_callback_ids)), "from": sender.to_dict(), "message": message,
             "chat_instance": str(-(abs(chat_id) * 7919 % 10**18)), "data": data}
    return {"update_id": update_id if update_id is not None else next(_update_ids), "callback_query": query}


def sticker_update(chat_id: int, emoji: str = "👍", *, user: TgUser | None = None, message_id: int | None = None,
                   update_id: int | None = None, date: int | None = None) -> JSON:
    sticker = {**_file_ids("CAACAgIAAxkBAAI"), "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "emoji": emoji, "set_name": "HotCherry",
               "file_size": 23_456}
    return _message_update(chat_id, {"sticker": sticker}, user=user, message_id=message_id, update_id=update_id,
                           date=date)


def photo_update(chat_id: int, caption: str | None = None, *, user: TgUser | None = None,
                 message_id: int | None = None, update_id: int | None = None, date: int | None = None) -> JSON:
    """A photo in three sizes, as Telegram sends them (smallest first)."""
    base = _file_ids("AgACAgUAAxkBAAI")
    sizes = [{"file_id": f"{base['file_id']}{suffix}", "file_unique_id": f"{base['file_unique_id']}{suffix}",
              "width": width, "height": height, "file_size": size}
             for suffix, width, height, size in (("s", 90, 67, 1_234), ("m", 320, 240, 15_678),
                                                 ("x", 1280, 960, 123_456))]
    content: JSON = {"photo": sizes}
    if caption is not None:
        content["caption"] = caption
    return _message_update(chat_id, content, user=user, message_id=message_id, update_id=update_id, date=date)


def voice_update(chat_id: int, duration: int = 3, *, user: TgUser | None = None, message_id: int | None = None,
                 update_id: int | None = None, date: int | None = None) -> JSON:
    voice = {**_file_ids("AwACAgUAAxkBAAI"), "duration": duration, "mime_type": "audio/ogg", "file_size": 9_876}
    return _message_update(chat_id, {"voice": voice}, user=user, message_id=message_id, update_id=update_id,
                           date=date)


def document_update(chat_id: int, file_name: str = "ktp.pdf", mime_type: str = "application/pdf",
                    caption: str | None = None, *, user: TgUser | None = None, message_id: int | None = None,
                    update_id: int | None = None, date: int | None = None) -> JSON:
    document = {**_file_ids("BQACAgUAAxkBAAI"), "file_name": file_name, "mime_type": mime_type, "file_size": 54_321}
    content: JSON = {"document": document}
    if caption is not None:
        content["caption"] = caption
    return _message_update(chat_id, content, user=user, message_id=message_id, update_id=update_id, date=date)


def location_update(chat_id: int, latitude: float = -6.175392, longitude: float = 106.827153, *,
                    user: TgUser | None = None, message_id: int | None = None, update_id: int | None = None,
                    date: int | None = None) -> JSON:
    return _message_update(chat_id, {"location": {"latitude": latitude, "longitude": longitude}}, user=user,
                           message_id=message_id, update_id=update_id, date=date)


def edited_text_update(chat_id: int, text: str, message_id: int, *, user: TgUser | None = None,
                       update_id: int | None = None, date: int | None = None) -> JSON:
    """The user edited their earlier message ``message_id`` (update field ``edited_message``)."""
    now = int(time.time())
    return _message_update(chat_id, {"text": text, "edit_date": now}, user=user, message_id=message_id,
                           update_id=update_id, date=date if date is not None else now - 30, kind="edited_message")


async def deliver_webhook(url: str, update: JSON, secret_token: str | None = None, *,
                          session: aiohttp.ClientSession | None = None, timeout: float = 10.0) -> tuple[int, float]:
    """POST ``update`` to a bot's webhook as Telegram does; return (HTTP status, elapsed seconds)."""
    headers = {"Content-Type": "application/json"}
    if secret_token is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
    body = json.dumps(update, ensure_ascii=False).encode()
    own_session = session is None
    client = session or aiohttp.ClientSession()
    try:
        started = time.perf_counter()
        async with client.post(url, data=body, headers=headers,
                               timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            await response.read()
            return response.status, time.perf_counter() - started
    finally:
        if own_session:
            await client.close()
