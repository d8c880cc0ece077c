"""A local WhatsApp Cloud API (Graph API messages endpoint), plus builders of its webhook payloads.

``async with FakeGraphApi(access_token="...") as fake`` serves
``POST /{version}/{phone_number_id}/messages`` on 127.0.0.1; the gateway's Graph base URL is
``fake.base_url`` (``http://127.0.0.1:PORT``) and its API URL ``fake.api_url`` (``.../v20.0``).

It checks what the Cloud API checks, per
https://developers.facebook.com/docs/whatsapp/cloud-api/reference/messages and the interactive
message guides, and answers with Graph's error JSON
(``{"error": {"message", "type", "code", "error_data", "fbtrace_id"}}``):

- a Bearer access token (401, code 190);
- ``messaging_product`` "whatsapp", ``to``, a known ``type`` (400, code 100);
- text: body 1-4096 characters; reply buttons: body ≤1024, 1-3 buttons of type "reply" with
  id ≤256 and title ≤20, ids and titles unique; lists: body ≤4096, button label ≤20, 1-10
  sections with ≤10 rows in total, row id ≤200 (unique), title ≤24, description ≤72, section
  title ≤24 and required when there is more than one section (400, code 131009).

Mark-as-read requests (``{"status": "read", "message_id": ...}``) are accepted and recorded in
``read_receipts``, not in ``sent``.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import itertools
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from test_support.fakes.local_server import LocalServer

JSON = dict[str, Any]

DEFAULT_ACCESS_TOKEN = "test-access-token"
DEFAULT_VERSION = "v20.0"
DEFAULT_PHONE_NUMBER_ID = "109876543210987"
DEFAULT_DISPLAY_PHONE_NUMBER = "6281234500000"
DEFAULT_WABA_ID = "102290129340398"

MAX_TEXT_BODY = 4096
MAX_BUTTON_BODY = 1024
MAX_LIST_BODY = 4096
MAX_HEADER_TEXT = 60
MAX_FOOTER_TEXT = 60
MAX_BUTTONS = 3
MAX_BUTTON_ID = 256
MAX_BUTTON_TITLE = 20
MAX_LIST_BUTTON = 20
MAX_SECTIONS = 10
MAX_ROWS = 10
MAX_SECTION_TITLE = 24
MAX_ROW_ID = 200
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72

_MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
_MESSAGE_TYPES = frozenset({"text", "interactive", "location", "template", "reaction", "contacts", *_MEDIA_TYPES})
_ERROR_TITLES = {
    1: "An unknown error occurred",
    100: "Invalid parameter",
    130429: "Rate limit hit",
    131000: "Something went wrong",
    131009: "Parameter value is not valid",
    131026: "Message undeliverable",
    131047: "Re-engagement message",
    131056: "(Business Account, Consumer Account) pair rate limit hit",
}
_STATUS_CODES = {429: 130429, 500: 131000, 503: 131000, 400: 100}


def _fbtrace_id() -> str:
    return base64.b64encode(uuid.uuid4().bytes[:8]).decode().rstrip("=")


class GraphError(Exception):
    """An error answer in Graph API form."""

    def __init__(self, status: int, code: int, message: str | None = None, *, details: str | None = None,
                 error_type: str = "OAuthException", subcode: int | None = None) -> None:
        self.status = status
        self.code = code
        self.message = message or f"(#{code}) {_ERROR_TITLES.get(code, 'An unknown error occurred')}"
        self.details = details
        self.error_type = error_type
        self.subcode = subcode
        super().__init__(self.message if details is None else f"{self.message}: {details}")

    def body(self) -> JSON:
        error: JSON = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        error["fbtrace_id"] = _fbtrace_id()
        return {"error": error}


def _invalid_parameter(details: str) -> GraphError:
    """A request shape problem: a required field missing or of the wrong kind (code 100)."""
    return GraphError(400, 100, f"(#100) {details}", details=details)


def _invalid_value(details: str) -> GraphError:
    """A field present but out of range: too long, too many, duplicated (code 131009)."""
    return GraphError(400, 131009, details=details)


@dataclass
class GraphRequest:
    """One request to the fake; ``at`` is ``time.monotonic()`` on arrival."""

    method: str
    path: str
    payload: Any
    at: float
    status: int | None = None
    response: JSON | None = None


@dataclass
class _Fault:
    status: int
    code: int
    message: str | None


def wa_id_of(phone: str) -> str:
    """The WhatsApp id of a phone number as the Cloud API returns it: its digits."""
    return re.sub(r"\D", "", phone)


def new_wamid(wa_id: str = "6281234567890") -> str:
    """A unique message id shaped like Cloud API ones (``wamid.HBg...``, base64 of a small record)."""
    number = wa_id_of(wa_id).encode()[:60]
    record = b"\x1c\x18" + bytes([len(number)]) + number + b"\x15\x02\x00\x12\x18\x14" + \
        uuid.uuid4().hex[:20].upper().encode() + b"\x00"
    return "wamid." + base64.b64encode(record).decode()


def _text(obj: Any, field: str, *, path: str, limit: int, required: bool = True) -> str | None:
    """``obj[field]`` as a string of 1..limit characters (or absent when not required)."""
    value = obj.get(field) if isinstance(obj, dict) else None
    if value is None:
        if required:
            raise _invalid_parameter(f"The parameter {path} is required.")
        return None
    if not isinstance(value, str):
        raise _invalid_parameter(f"Param {path} must be a string.")
    if not 1 <= len(value) <= limit:
        raise _invalid_value(f"Param {path} must be between 1 and {limit} characters long; got {len(value)}.")
    return value


def _object(obj: Any, field: str, *, path: str) -> JSON:
    value = obj.get(field) if isinstance(obj, dict) else None
    if not isinstance(value, dict):
        raise _invalid_parameter(f"The parameter {path} is required.")
    return value


def _header_and_footer(interactive: JSON, *, text_header_only: bool) -> None:
    header = interactive.get("header")
    if header is not None:
        if not isinstance(header, dict) or header.get("type") not in ("text", "image", "video", "document"):
            raise _invalid_parameter("Param interactive['header']['type'] must be one of "
                                     "{TEXT, IMAGE, VIDEO, DOCUMENT}.")
        if text_header_only and header["type"] != "text":
            raise _invalid_value("Header type must be text for a list message.")
        if header["type"] == "text":
            _text(header, "text", path="interactive['header']['text']", limit=MAX_HEADER_TEXT)
    if "footer" in interactive:
        footer = _object(interactive, "footer", path="interactive['footer']")
        _text(footer, "text", path="interactive['footer']['text']", limit=MAX_FOOTER_TEXT)


def _validate_buttons(interactive: JSON) -> None:
    body = _object(interactive, "body", path="interactive['body']")
    _text(body, "text", path="interactive['body']['text']", limit=MAX_BUTTON_BODY)
    _header_and_footer(interactive, text_header_only=False)
    action = _object(interactive, "action", path="interactive['action']")
    buttons = action.get("buttons")
    if not isinstance(buttons, list):
        raise _invalid_parameter("The parameter interactive['action']['buttons'] is required.")
    if not 1 <= len(buttons) <= MAX_BUTTONS:
        raise _invalid_value(f"Param interactive['action']['buttons'] must have between 1 and {MAX_BUTTONS} "
                             f"elements; got {len(buttons)}.")
    ids: set[str] = set()
    titles: set[str] = set()
    for index, button in enumerate(buttons):
        path = f"interactive['action']['buttons'][{index}]"
        if not isinstance(button, dict) or button.get("type") != "reply":
            raise _invalid_parameter(f"Param {path}['type'] must be one of {{REPLY}}.")
        reply = _object(button, "reply", path=f"{path}['reply']")
        button_id = _text(reply, "id", path=f"{path}['reply']['id']", limit=MAX_BUTTON_ID)
        title = _text(reply, "title", path=f"{path}['reply']['title']", limit=MAX_BUTTON_TITLE)
        if button_id in ids:
            raise _invalid_value(f"Button ids must be unique; {button_id!r} is repeated.")
        if title in titles:
            raise _invalid_value(f"Button titles must be unique; {title!r} is repeated.")
        ids.add(str(button_id))
        titles.add(str(title))


def _validate_list(interactive: JSON) -> None:
    body = _object(interactive, "body", path="interactive['body']")
    _text(body, "text", path="interactive['body']['text']", limit=MAX_LIST_BODY)
    _header_and_footer(interactive, text_header_only=True)
    action = _object(interactive, "action", path="interactive['action']")
    _text(action, "button", path="interactive['action']['button']", limit=MAX_LIST_BUTTON)
    sections = action.get("sections")
    if not isinstance(sections, list):
        raise _invalid_parameter("The parameter interactive['action']['sections'] is required.")
    if not 1 <= len(sections) <= MAX_SECTIONS:
        raise _invalid_value(f"Param interactive['action']['sections'] must have between 1 and {MAX_SECTIONS} "
                             f"elements; got {len(sections)}.")
    row_ids: set[str] = set()
    total_rows = 0
    for s_index, section in enumerate(sections):
        path = f"interactive['action']['sections'][{s_index}]"
        if not isinstance(section, dict):
            raise _invalid_parameter(f"Param {path} must be an object.")
        _text(section, "title", path=f"{path}['title']", limit=MAX_SECTION_TITLE, required=len(sections) > 1)
        rows = section.get("rows")
        if not isinstance(rows, list) or not rows:
            raise _invalid_value(f"Param {path}['rows'] must have at least 1 element.")
        total_rows += len(rows)
        for r_index, row in enumerate(rows):
            row_path = f"{path}['rows'][{r_index}]"
            row_id = _text(row, "id", path=f"{row_path}['id']", limit=MAX_ROW_ID)
            _text(row, "title", path=f"{row_path}['title']", limit=MAX_ROW_TITLE)
            _text(row, "description", path=f"{row_path}['description']", limit=MAX_ROW_DESCRIPTION, required=False)
            if row_id in row_ids:
                raise _invalid_value(f"Row ids must be unique; {row_id!r} is repeated.")
            row_ids.add(str(row_id))
    if total_rows > MAX_ROWS:
        raise _invalid_value(f"Total row count exceed max allowed count: {MAX_ROWS}; got {total_rows}.")


def validate_message(payload: Any) -> None:
    """Raise ``GraphError`` unless ``payload`` is a message the Cloud API would accept."""
    if not isinstance(payload, dict):
        raise _invalid_parameter("The request body must be a JSON object.")
    product = payload.get("messaging_product")
    if product is None:
        raise _invalid_parameter("The parameter messaging_product is required.")
    if product != "whatsapp":
        raise _invalid_parameter(f'Param messaging_product must be one of {{WHATSAPP}} - got "{product}".')
    if payload.get("recipient_type", "individual") not in ("individual", "group"):
        raise _invalid_parameter("Param recipient_type must be one of {INDIVIDUAL, GROUP}.")
    to = payload.get("to")
    if not isinstance(to, str) or not wa_id_of(to):
        raise _invalid_parameter("The parameter to is required.")
    kind = payload.get("type", "text")
    if kind not in _MESSAGE_TYPES:
        raise _invalid_parameter(f"Param type must be one of {{{', '.join(sorted(_MESSAGE_TYPES)).upper()}}}.")
    if kind == "text":
        _text(_object(payload, "text", path="text"), "body", path="text['body']", limit=MAX_TEXT_BODY)
    elif kind == "interactive":
        interactive = _object(payload, "interactive", path="interactive")
        interactive_kind = interactive.get("type")
        if interactive_kind == "button":
            _validate_buttons(interactive)
        elif interactive_kind == "list":
            _validate_list(interactive)
        elif interactive_kind not in ("cta_url", "location_request_message", "flow", "product", "product_list"):
            raise _invalid_parameter("Param interactive['type'] must be one of {BUTTON, LIST, CTA_URL, "
                                     "LOCATION_REQUEST_MESSAGE, FLOW, PRODUCT, PRODUCT_LIST}.")
    elif kind in _MEDIA_TYPES:
        media = _object(payload, kind, path=kind)
        if not media.get("id") and not media.get("link"):
            raise _invalid_parameter(f"Param {kind} must have either id or link.")
    elif kind == "location":
        location = _object(payload, "location", path="location")
        if not all(isinstance(location.get(name), (int, float)) for name in ("latitude", "longitude")):
            raise _invalid_parameter("Params location['latitude'] and location['longitude'] are required numbers.")
    elif kind == "template":
        template = _object(payload, "template", path="template")
        _text(template, "name", path="template['name']", limit=512)
        _text(_object(template, "language", path="template['language']"), "code", path="template['language']['code']",
              limit=16)


class FakeGraphApi(LocalServer):
    """The Cloud API messages endpoint on 127.0.0.1; see the module docstring.

    State that tests read: ``sent`` (accepted message payloads), ``requests`` (every request),
    ``read_receipts``. Knobs: ``fail_next``, ``delay_s`` (added before every messages call).
    """

    def __init__(self, access_token: str = DEFAULT_ACCESS_TOKEN, *, phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
                 version: str = DEFAULT_VERSION) -> None:
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.version = version
        self.sent: list[JSON] = []
        self.requests: list[GraphRequest] = []
        self.read_receipts: list[str] = []
        self.delay_s = 0.0
        self._faults: list[_Fault] = []
        self._sent_changed = asyncio.Event()

    @property
    def base_url(self) -> str:
        return self.origin

    @property
    def api_url(self) -> str:
        """``base_url`` plus the Graph version, e.g. ``http://127.0.0.1:PORT/v20.0``."""
        return f"{self.base_url}/{self.version}"

    @property
    def messages_url(self) -> str:
        return f"{self.api_url}/{self.phone_number_id}/messages"

    def fail_next(self, status: int = 500, times: int = 1, *, code: int | None = None,
                  message: str | None = None) -> None:
        """Answer the next ``times`` authorised messages calls with a Graph error: by default 429 →
        code 130429 "Rate limit hit", 500 → code 131000 "Something went wrong" (pass ``code=1``
        for "An unknown error occurred")."""
        fault_code = code if code is not None else _STATUS_CODES.get(status, 1)
        self._faults.extend(_Fault(status, fault_code, message) for _ in range(times))

    def sent_to(self, to: str) -> list[JSON]:
        """Accepted payloads addressed to ``to`` (compared as WhatsApp ids, so "+62..." == "62...")."""
        wa_id = wa_id_of(to)
        return [payload for payload in self.sent if wa_id_of(str(payload.get("to", ""))) == wa_id]

    async def wait_for_messages(self, to: str, count: int, timeout: float = 10.0) -> list[JSON]:
        """Wait until ``count`` messages were accepted for ``to``; return all accepted for it so far."""
        deadline = time.monotonic() + timeout
        while len(sent := self.sent_to(to)) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                rejected = [(request.status, request.payload) for request in self.requests if request.status != 200]
                raise AssertionError(f"expected {count} message(s) to {to} within {timeout} s, got {len(sent)}: "
                                     f"{sent!r}; rejected requests: {rejected!r}")
            event = self._sent_changed
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)
        return sent

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            payload: Any = json.loads(raw) if raw else None
        except ValueError:
            payload = raw.decode(errors="replace")
        record = GraphRequest(request.method, request.path, payload, time.monotonic())
        self.requests.append(record)
        try:
            response = await self._answer(request, payload)
            record.status = 200
        except GraphError as error:
            record.status, response = error.status, error.body()
        record.response = response
        return web.json_response(response, status=record.status)

    async def _answer(self, request: web.Request, payload: Any) -> JSON:
        authorization = request.headers.get("Authorization", "")
        token = authorization[7:] if authorization.lower().startswith("bearer ") else request.query.get("access_token")
        if token != self.access_token:
            message = ("An access token is required to request this resource." if not token
                       else "Invalid OAuth access token - Cannot parse access token")
            raise GraphError(401, 190, message)
        match = re.fullmatch(r"/(v\d+\.\d+)/([^/]+)/messages", request.path)
        if not match or request.method != "POST":
            raise GraphError(400, 2500, f"Unknown path components: {request.path}")
        if match.group(2) != self.phone_number_id:
            raise GraphError(400, 100, f"Unsupported post request. Object with ID '{match.group(2)}' does not exist, "
                             "cannot be loaded due to missing permissions, or does not support this operation.",
                             error_type="GraphMethodException", subcode=33)
        if self._faults:
            fault = self._faults.pop(0)
            raise GraphError(fault.status, fault.code, fault.message, details=_ERROR_TITLES.get(fault.code))
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if isinstance(payload, dict) and payload.get("status") == "read":
            return self._mark_read(payload)
        validate_message(payload)
        to = str(payload["to"])
        message_id = new_wamid(to)
        self.sent.append(payload)
        self._sent_changed.set()
        self._sent_changed = asyncio.Event()
        return {"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": wa_id_of(to)}],
                "messages": [{"id": message_id}]}

    def _mark_read(self, payload: JSON) -> JSON:
        if payload.get("messaging_product") != "whatsapp":
            raise _invalid_parameter("The parameter messaging_product is required.")
        message_id = payload.get("message_id")
        if not isinstance(message_id, str) or not message_id.startswith("wamid."):
            raise _invalid_value("Param message_id must be a valid WhatsApp message id.")
        self.read_receipts.append(message_id)
        return {"success": True}


# --- webhook payloads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Business:
    """The business number a webhook is for (``metadata`` and ``entry[].id``)."""

    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID
    display_phone_number: str = DEFAULT_DISPLAY_PHONE_NUMBER
    waba_id: str = DEFAULT_WABA_ID


_media_ids = itertools.count(1_100_000_000_000_001)


def _envelope(value: JSON, business: Business | None) -> JSON:
    business = business or Business()
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": business.display_phone_number,
                          "phone_number_id": business.phone_number_id},
             **value}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": business.waba_id, "changes": [{"value": value, "field": "messages"}]}]}


def _inbound(wa_id: str, kind: str, content: JSON, *, msg_id: str | None, name: str, timestamp: int | None,
             business: Business | None, context: JSON | None = None) -> JSON:
    message: JSON = {"from": wa_id, "id": msg_id or new_wamid(wa_id),
                     "timestamp": str(timestamp if timestamp is not None else int(time.time())), "type": kind,
                     kind: content}
    if context is not None:
        message = {"context": context, **message}
    return _envelope({"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]}, business)


def text_message(wa_id: str, text: str, msg_id: str | None = None, *, name: str = "Budi Santoso",
                 timestamp: int | None = None, business: Business | None = None) -> JSON:
    return _inbound(wa_id, "text", {"body": text}, msg_id=msg_id, name=name, timestamp=timestamp, business=business)


def _reply_context(business: Business | None, context_id: str | None) -> JSON:
    return {"from": (business or Business()).display_phone_number, "id": context_id or new_wamid()}


def button_reply(wa_id: str, reply_id: str, title: str, *, context_id: str | None = None, msg_id: str | None = None,
                 name: str = "Budi Santoso", timestamp: int | None = None, business: Business | None = None) -> JSON:
    """A tap on a reply button of the business message ``context_id``."""
    content = {"type": "button_reply", "button_reply": {"id": reply_id, "title": title}}
    return _inbound(wa_id, "interactive", content, msg_id=msg_id, name=name, timestamp=timestamp, business=business,
                    context=_reply_context(business, context_id))


def list_reply(wa_id: str, row_id: str, title: str, description: str | None = None, *, context_id: str | None = None,
               msg_id: str | None = None, name: str = "Budi Santoso", timestamp: int | None = None,
               business: Business | None = None) -> JSON:
    """A choice of row ``row_id`` in the list message ``context_id``."""
    reply: JSON = {"id": row_id, "title": title}
    if description is not None:
        reply["description"] = description
    content = {"type": "list_reply", "list_reply": reply}
    return _inbound(wa_id, "interactive", content, msg_id=msg_id, name=name, timestamp=timestamp, business=business,
                    context=_reply_context(business, context_id))


def media_message(wa_id: str, kind: str, *, caption: str | None = None, msg_id: str | None = None,
                  name: str = "Budi Santoso", timestamp: int | None = None, business: Business | None = None) -> JSON:
    """An inbound image, sticker, audio (a voice note), video or document, as a media id."""
    details: dict[str, JSON] = {
        "image": {"mime_type": "image/jpeg"},
        "sticker": {"mime_type": "image/webp", "animated": False},
        "audio": {"mime_type": "audio/ogg; codecs=opus", "voice": True},
        "video": {"mime_type": "video/mp4"},
        "document": {"mime_type": "application/pdf", "filename": "ktp.pdf"},
    }
    if kind not in details:
        raise ValueError(f"kind must be one of {sorted(details)}, not {kind!r}")
    content: JSON = {**details[kind], "sha256": base64.b64encode(hashlib.sha256(uuid.uuid4().bytes).digest()).decode(),
                     "id": str(next(_media_ids))}
    if caption is not None and kind in ("image", "video", "document"):
        content["caption"] = caption
    return _inbound(wa_id, kind, content, msg_id=msg_id, name=name, timestamp=timestamp, business=business)


def location_message(wa_id: str, lat: float, lon: float, *, place_name: str | None = None, address: str | None = None,
                     msg_id: str | None = None, name: str = "Budi Santoso", timestamp: int | None = None,
                     business: Business | None = None) -> JSON:
    content: JSON = {"latitude": lat, "longitude": lon}
    if place_name is not None:
        content["name"] = place_name
    if address is not None:
        content["address"] = address
    return _inbound(wa_id, "location", content, msg_id=msg_id, name=name, timestamp=timestamp, business=business)


def status_update(wamid: str, recipient: str, status: str, *, timestamp: int | None = None,
                  error_code: int = 131026, business: Business | None = None) -> JSON:
    """A delivery status of the business's message ``wamid``: sent, delivered, read or failed."""
    if status not in ("sent", "delivered", "read", "failed"):
        raise ValueError(f"status must be sent, delivered, read or failed, not {status!r}")
    entry: JSON = {"id": wamid, "status": status,
                   "timestamp": str(timestamp if timestamp is not None else int(time.time())),
                   "recipient_id": wa_id_of(recipient)}
    if status in ("sent", "delivered"):
        entry["conversation"] = {"id": uuid.uuid4().hex, "origin": {"type": "service"}}
        entry["pricing"] = {"billable": False, "pricing_model": "CBP", "category": "service"}
    if status == "failed":
        title = _ERROR_TITLES.get(error_code, "Message failed to send")
        entry["errors"] = [{"code": error_code, "title": title, "message": title,
                            "error_data": {"details": f"{title}."}}]
    return _envelope({"statuses": [entry]}, business)


def sign(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends: ``sha256=<hex HMAC-SHA256 of the raw body>``."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


async def deliver_webhook(url: str, payload: JSON, app_secret: str, forge: bool = False, *,
                          session: aiohttp.ClientSession | None = None, timeout: float = 10.0) -> tuple[int, float]:
    """POST ``payload`` to a webhook as Meta does, signed with ``app_secret`` (or, with
    ``forge=True``, with a wrong secret); return (HTTP status, elapsed seconds)."""
    body = json.dumps(payload, separators=(",", ":")).encode()  # compact and ASCII-escaped, like Meta
    secret = app_secret + "-forged" if forge else app_secret
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign(body, secret)}
    async with _session(session) as client:
        started = time.perf_counter()
        async with client.post(url, data=body, headers=headers,
                               timeout=aiohttp.ClientTimeout(total=timeout)) as response:
            await response.read()
            return response.status, time.perf_counter() - started


async def verify_subscription(url: str, verify_token: str, challenge: str, *, mode: str = "subscribe",
                              session: aiohttp.ClientSession | None = None) -> tuple[int, str]:
    """The GET Meta makes when a webhook is configured; a correct endpoint echoes ``challenge``."""
    params = {"hub.mode": mode, "hub.verify_token": verify_token, "hub.challenge": challenge}
    async with _session(session) as client, client.get(url, params=params) as response:
        return response.status, await response.text()


@contextlib.asynccontextmanager
async def _session(session: aiohttp.ClientSession | None) -> AsyncIterator[aiohttp.ClientSession]:
    """The caller's session, or a new one closed afterwards."""
    if session is not None:
        yield session
        return
    async with aiohttp.ClientSession() as own:
        yield own
