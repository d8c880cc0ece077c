/*
 * Web chat of the MPP Digital assistant: plain JavaScript, no framework, no build step. The websocket
 * itself (reconnecting with backoff, the status line) is /static/common/reconnecting_socket.js, loaded first.
 *
 * Protocol (a websocket at /web/socket?session=<id> on the page's own host):
 *   client -> server  {"type":"message","id":"<client uuid>","text":"...","payload":"..."?}
 *   server -> client  {"type":"ack","id":"<client id>"}
 *                     {"type":"message","id":"...","from":"bot"|"agent"|"citizen","text":"...","buttons":[...]?}
 *                     {"type":"history","messages":[...]}   (right after connecting; replaces what is shown;
 *                                                            a citizen message may name the page's id as "client_id")
 *                     {"type":"typing"}                      ("Asisten sedang mengetik…" until the next message)
 *                     {"type":"error","text":"..."}          (shown as a notice)
 *
 * Nothing the citizen sends is lost: every message goes to an outbox (kept in localStorage) and
 * stays there, marked "mengirim…", until the server acknowledges it. After each (re)connection the
 * outbox is sent again in order, once the history has been shown; the server ignores an id it
 * already stored. All text is rendered with textContent: bot, agent and citizen text are untrusted.
 */
(function () {
  "use strict";

  var SESSION_KEY = "mpp-chat-session";
  var OUTBOX_KEY = "mpp-chat-outbox";
  var MAX_LENGTH = 2000;
  var BACKOFF_MIN_MS = 500;
  var BACKOFF_MAX_MS = 10000;
  var STABLE_CONNECTION_MS = 5000; // a connection that lasted this long resets the backoff
  var HISTORY_WAIT_MS = 2000; // send the outbox anyway if no history arrives within this time
  var TYPING_TIMEOUT_MS = 30000;
  var SESSION_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;
  var URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
  var TRAILING_PUNCTUATION = /[.,;:!?)\]}]+$/;

  var SENDER_LABEL = { bot: "Asisten", agent: "Petugas MPP", citizen: "Anda" };
  var PENDING_TEXT = "mengirim…";

  // Embedded in an MPP website (<iframe src=".../chat?embed=1">): no page header. Done before the
  // document is parsed (this script is not deferred) so that the header never flashes.
  var embedded = false;
  try {
    embedded = new URLSearchParams(window.location.search).get("embed") === "1";
  } catch (ignored) {
    embedded = false;
  }
  if (embedded) {
    document.documentElement.classList.add("embed");
  }

  // -- storage that survives a blocked localStorage (e.g. third-party iframes) --------------------

  var storage = (function () {
    var memory = {};
    var local = null;
    try {
      local = window.localStorage;
      local.setItem("mpp-chat-probe", "1");
      local.removeItem("mpp-chat-probe");
    } catch (ignored) {
      local = null;
    }
    return {
      get: function (key) {
        if (local) {
          try {
            return local.getItem(key);
          } catch (ignored) { /* fall back to memory */ }
        }
        return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
      },
      set: function (key, value) {
        memory[key] = value;
        if (local) {
          try {
            local.setItem(key, value);
          } catch (ignored) { /* quota or privacy mode: memory only */ }
        }
      },
      remove: function (key) {
        delete memory[key];
        if (local) {
          try {
            local.removeItem(key);
          } catch (ignored) { /* nothing to do */ }
        }
      }
    };
  })();

  function newId() {
    var cryptoApi = window.crypto || null;
    if (cryptoApi && typeof cryptoApi.randomUUID === "function") {
      try {
        return cryptoApi.randomUUID();
      } catch (ignored) { /* not a secure context: build one below */ }
    }
    var bytes = new Uint8Array(16);
    if (cryptoApi && typeof cryptoApi.getRandomValues === "function") {
      cryptoApi.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i += 1) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    var hex = "";
    for (var j = 0; j < bytes.length; j += 1) {
      hex += (bytes[j] < 16 ? "0" : "") + bytes[j].toString(16);
    }
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function sessionId() {
    var id = storage.get(SESSION_KEY);
    if (!id || !SESSION_PATTERN.test(id)) {
      id = newId();
      storage.set(SESSION_KEY, id);
    }
    return id;
  }

  // -- state ----------------------------------------------------------------------------------------

  var session = "";
  var outbox = []; // [{id, text, payload?}] not yet acknowledged, in the order they were sent
  var shown = new Map(); // message id -> its <li>, so that a repeated id is ignored
  var link = null; // the websocket (reconnecting_socket.js)
  var flushed = false; // the outbox was sent on this connection (after the history)
  var historyTimer = null;
  var typingTimer = null;

  var list;
  var typingLine;
  var form;
  var input;

  // -- outbox -----------------------------------------------------------------------------------------

  function isOutboxItem(item) {
    return item !== null && typeof item === "object" && typeof item.id === "string" && item.id !== "" &&
      typeof item.text === "string" && (item.payload === undefined || typeof item.payload === "string");
  }

  function loadOutbox() {
    try {
      var saved = JSON.parse(storage.get(OUTBOX_KEY) || "null");
      if (saved && saved.session === session && Array.isArray(saved.items)) {
        return saved.items.filter(isOutboxItem);
      }
    } catch (ignored) { /* unreadable: start empty */ }
    return [];
  }

  function saveOutbox() {
    if (outbox.length) {
      storage.set(OUTBOX_KEY, JSON.stringify({ session: session, items: outbox }));
    } else {
      storage.remove(OUTBOX_KEY);
    }
  }

  function isPending(id) {
    return outbox.some(function (item) { return item.id === id; });
  }

  function removeFromOutbox(id) {
    var before = outbox.length;
    outbox = outbox.filter(function (item) { return item.id !== id; });
    if (outbox.length !== before) {
      saveOutbox();
    }
  }

  // -- rendering ----------------------------------------------------------------------------------------

  function isNearBottom() {
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToBottom() {
    list.scrollTop = list.scrollHeight;
  }

  function append(element, force) {
    var stick = force || isNearBottom();
    list.appendChild(element);
    if (stick) {
      scrollToBottom();
    }
  }

  function safeLink(text) {
    var url;
    try {
      url = new URL(text);
    } catch (ignored) {
      return null;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      return null;
    }
    var link = document.createElement("a");
    link.href = url.href;
    link.textContent = text;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  // Text as text nodes; in bot and agent text, http(s) URLs become links built with createElement.
  function renderText(element, text, withLinks) {
    element.textContent = "";
    if (!withLinks) {
      element.textContent = text;
      return;
    }
    var last = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var candidate = match[0].replace(TRAILING_PUNCTUATION, "");
      var start = match.index;
      var end = start + candidate.length;
      var link = safeLink(candidate);
      if (link) {
        if (start > last) {
          element.appendChild(document.createTextNode(text.slice(last, start)));
        }
        element.appendChild(link);
        last = end;
      }
      URL_PATTERN.lastIndex = Math.max(end, start + 1);
    }
    if (last < text.length) {
      element.appendChild(document.createTextNode(text.slice(last)));
    }
  }

  function messageElement(from, id, text) {
    var item = document.createElement("li");
    item.className = "msg msg-" + from;
    item.setAttribute("data-from", from);
    if (id) {
      item.setAttribute("data-id", id);
    }
    var sender = document.createElement("span");
    sender.className = from === "agent" ? "msg-sender" : "msg-sender visually-hidden";
    sender.textContent = SENDER_LABEL[from] + (from === "agent" ? "" : ":");
    item.appendChild(sender);
    var bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.setAttribute("data-testid", "message-" + from);
    renderText(bubble, text, from !== "citizen");
    item.appendChild(bubble);
    return item;
  }

  function setPending(item, pending) {
    var meta = item.querySelector(".msg-meta");
    if (pending) {
      item.setAttribute("data-state", "pending");
      if (!meta) {
        meta = document.createElement("span");
        meta.className = "msg-meta";
        meta.setAttribute("data-testid", "message-pending");
        meta.textContent = PENDING_TEXT;
        item.appendChild(meta);
      }
    } else {
      item.setAttribute("data-state", "sent");
      if (meta) {
        meta.remove();
      }
    }
  }

  function validButtons(buttons) {
    if (!Array.isArray(buttons)) {
      return [];
    }
    return buttons.filter(function (button) {
      return button !== null && typeof button === "object" && typeof button.title === "string" &&
        button.title.trim() !== "" && typeof button.payload === "string";
    });
  }

  function addButtons(item, buttons, chosen) {
    if (!buttons.length) {
      return;
    }
    var group = document.createElement("div");
    group.className = "quick-replies";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Pilihan jawaban");
    buttons.forEach(function (button, index) {
      var element = document.createElement("button");
      element.type = "button";
      element.className = "quick-reply";
      element.setAttribute("data-testid", "quick-reply");
      element.textContent = button.title;
      if (chosen !== -1) {
        element.disabled = true;
        if (index === chosen) {
          element.classList.add("is-chosen");
        }
      }
      element.addEventListener("click", function () {
        press(group, element, button);
      });
      group.appendChild(element);
    });
    item.appendChild(group);
  }

  function press(group, element, button) {
    if (element.disabled) {
      return;
    }
    Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) {
      other.disabled = true;
    });
    element.classList.add("is-chosen");
    submit(button.title.slice(0, MAX_LENGTH), button.payload);
  }

  // A server message, normalised; null when it cannot be shown.
  function normalise(message) {
    if (message === null || typeof message !== "object") {
      return null;
    }
    var from = message.from === "agent" || message.from === "citizen" ? message.from : "bot";
    var text = typeof message.text === "string" ? message.text : "";
    var buttons = from === "citizen" ? [] : validButtons(message.buttons);
    if (text === "" && !buttons.length) {
      return null;
    }
    var id = typeof message.id === "string" || typeof message.id === "number" ? String(message.id) : "";
    var normalised = { id: id, from: from, text: text, buttons: buttons };
    if (from === "citizen" && typeof message.client_id === "string" && message.client_id !== "") {
      normalised.clientId = message.client_id; // the id this page gave it, if the server tells
    }
    if (typeof message.payload === "string") {
      normalised.payload = message.payload;
    }
    return normalised;
  }

  // Which button of ``message`` the citizen pressed, judged by the citizen message that follows it.
  function chosenButton(message, next) {
    if (!message.buttons.length || !next || next.from !== "citizen") {
      return -1;
    }
    for (var i = 0; i < message.buttons.length; i += 1) {
      var button = message.buttons[i];
      if ((next.payload !== undefined && button.payload === next.payload) ||
          (next.payload === undefined && button.title === next.text)) {
        return i;
      }
    }
    return -1;
  }

  function show(message, chosen, force) {
    var item = messageElement(message.from, message.id, message.text);
    addButtons(item, message.buttons, chosen);
    if (message.pending) {
      setPending(item, true);
    }
    if (message.id) {
      shown.set(message.id, item);
    }
    append(item, force);
    return item;
  }

  function showNotice(text) {
    var notice = document.createElement("li");
    notice.className = "notice";
    notice.setAttribute("data-testid", "chat-notice");
    notice.textContent = typeof text === "string" && text.trim() !== "" ? text : "Terjadi kesalahan. Silakan coba lagi.";
    append(notice, true);
  }

  function showTyping() {
    typingLine.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, TYPING_TIMEOUT_MS);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    typingTimer = null;
    if (typingLine) {
      typingLine.hidden = true;
    }
  }

  // What is shown: the conversation the server has, then what is still waiting to be sent.
  function renderConversation(messages) {
    list.textContent = "";
    shown.clear();
    var conversation = [];
    messages.forEach(function (raw) {
      var message = normalise(raw);
      if (!message || (message.id && conversation.some(function (seen) { return seen.id === message.id; }))) {
        return;
      }
      if (message.from === "citizen") {
        // Stored by the server: as good as an ack (when the server names the page's own id).
        removeFromOutbox(message.clientId || message.id);
      }
      conversation.push(message);
    });
    outbox.forEach(function (item) {
      conversation.push({ id: item.id, from: "citizen", text: item.text, buttons: [], payload: item.payload,
        pending: true });
    });
    conversation.forEach(function (message, index) {
      show(message, chosenButton(message, conversation[index + 1]), true);
    });
    scrollToBottom();
  }

  // -- protocol ---------------------------------------------------------------------------------------------

  function transmit(item) {
    if (!link.isOpen() || !flushed) {
      return false; // sent with the outbox after the next (re)connection
    }
    var frame = { type: "message", id: item.id, text: item.text };
    if (item.payload !== undefined) {
      frame.payload = item.payload;
    }
    return link.send(JSON.stringify(frame));
  }

  // Send every unacknowledged message again, in order (after the history has been shown).
  function flush() {
    clearTimeout(historyTimer);
    historyTimer = null;
    if (!link.isOpen() || flushed) {
      return;
    }
    flushed = true;
    outbox.slice().forEach(transmit);
  }

  function acknowledge(id) {
    if (typeof id !== "string" && typeof id !== "number") {
      return;
    }
    id = String(id);
    removeFromOutbox(id);
    var item = shown.get(id);
    if (item && item.getAttribute("data-from") === "citizen") {
      setPending(item, false);
    }
  }

  function receive(raw) {
    var message = normalise(raw);
    if (!message) {
      return;
    }
    if (message.id && shown.has(message.id)) {
      if (message.from === "citizen") {
        acknowledge(message.id); // our own message, echoed back: it is stored
      }
      return; // a repeated id
    }
    show(message, -1, message.from === "citizen");
  }

  function handle(data) {
    var frame;
    try {
      frame = JSON.parse(data);
    } catch (ignored) {
      return;
    }
    if (frame === null || typeof frame !== "object") {
      return;
    }
    switch (frame.type) {
      case "ack":
        acknowledge(frame.id);
        break;
      case "message":
        hideTyping();
        receive(frame);
        break;
      case "history":
        hideTyping();
        renderConversation(Array.isArray(frame.messages) ? frame.messages : []);
        flush();
        break;
      case "typing":
        showTyping();
        break;
      case "error":
        hideTyping();
        showNotice(frame.text);
        break;
      default:
        break; // unknown frames are ignored
    }
  }

  // The page's hooks on the shared websocket: the outbox goes once the history is shown (or after a while).
  function onOpen() {
    flushed = false;
    historyTimer = setTimeout(flush, HISTORY_WAIT_MS);
  }

  function onClose() {
    flushed = false;
    clearTimeout(historyTimer);
    historyTimer = null;
    hideTyping();
  }

  // -- the citizen --------------------------------------------------------------------------------------------

  function submit(text, payload) {
    var item = { id: newId(), text: text };
    if (payload !== undefined) {
      item.payload = payload;
    }
    outbox.push(item);
    saveOutbox();
    show({ id: item.id, from: "citizen", text: text, buttons: [], pending: true }, -1, true);
    transmit(item);
  }

  function autoGrow() {
    if (input.value === "") {
      input.style.height = ""; // back to one line (a long placeholder must not make it grow)
      return;
    }
    input.style.height = "auto";
    input.style.height = Math.min(input.scrollHeight + 2, 140) + "px";
  }

  function sendTyped() {
    var text = input.value.slice(0, MAX_LENGTH).trim();
    if (text === "") {
      input.focus();
      return;
    }
    input.value = "";
    autoGrow();
    submit(text);
    input.focus();
  }

  function start() {
    list = document.getElementById("messages");
    var statusLine = document.getElementById("chat-status");
    typingLine = document.getElementById("chat-typing");
    form = document.getElementById("composer");
    input = document.getElementById("chat-input");
    if (!list || !statusLine || !typingLine || !form || !input) {
      return;
    }
    input.maxLength = MAX_LENGTH;

    session = sessionId();
    outbox = loadOutbox();
    renderConversation([]); // what was typed before a reload and never acknowledged

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      sendTyped();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        sendTyped();
      }
    });
    input.addEventListener("input", autoGrow);

    // Reconnects with backoff, and at once when the network is back or the tab is shown again.
    link = window.MppReconnectingSocket({
      url: function () {
        return window.MppReconnectingSocket.pageUrl("/web/socket?session=" + encodeURIComponent(session));
      },
      status: statusLine,
      backoffMinMs: BACKOFF_MIN_MS,
      backoffMaxMs: BACKOFF_MAX_MS,
      stableMs: STABLE_CONNECTION_MS,
      onOpen: onOpen,
      onMessage: handle,
      onClose: onClose
    });
    link.setStatus("connecting");
    link.connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
