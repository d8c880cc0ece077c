/*
 * Agent console of the MPP Digital assistant: plain JavaScript, no framework, no build step.
 * The websocket (reconnecting with backoff, the status line) is /static/common/reconnecting_socket.js, loaded first.
 * The contract with the gateway is docs/console-api.md.
 *
 *   GET  /console/api/me                     who is logged in, and the CSRF token for every non-GET call
 *   GET  /console/api/conversations          the list on the left (queue, own conversations; a supervisor
 *                                            also sees other agents' and the bot's)
 *   GET  /console/api/conversations/{id}     the transcript and the private notes of the selected one
 *   POST .../claim|reply|notes|transfer|resolve|takeover, GET /agents, /canned (+ POST, PUT, DELETE)
 *   WS   /console/socket                     {"type": "hello"|"queue"|"message"|"assigned"}: the page refetches
 *
 * Every text that comes from the server (citizens' messages above all) is put in with textContent.
 * A 401 from the API sends the page to the login form.
 */
(function () {
  "use strict";

  var API = "/console/api";
  var LOGIN_URL = "/console/login";
  var LOGOUT_URL = "/console/logout";
  var BACKOFF_MIN_MS = 500;
  var BACKOFF_MAX_MS = 15000;
  var STABLE_CONNECTION_MS = 5000; // a connection that lasted this long resets the backoff
  var REFRESH_DEBOUNCE_MS = 120; // several frames in a row cause one refetch
  var SAFETY_REFRESH_MS = 15000; // refetch the list even without frames (overdue flags, missed events)
  var SUPERVISOR_REFRESH_MS = 5000; // bot conversations and agents going offline come without frames
  var MAX_REPLY_LENGTH = 4000;

  var REASON_LABEL = {
    request_human: "Minta petugas",
    complaint: "Pengaduan",
    fallback: "Bot tidak paham",
    backoffice_down: "Layanan gangguan",
    supervisor: "Diambil alih"
  };
  var CHANNEL_LABEL = { telegram: "Telegram", whatsapp: "WhatsApp", web: "Web" };
  var STATUS_LABEL = { bot: "Dengan bot", queued: "Dalam antrean", assigned: "Ditangani petugas", resolved: "Selesai" };
  var ROLE_LABEL = { agent: "Petugas", supervisor: "Supervisor" };
  var SENDER_LABEL = { citizen: "Warga", bot: "Bot", agent: "Petugas", system: "Sistem" };
  var DELIVERY_LABEL = {
    pending: "Mengirim…",
    resending: "Mengirim…",
    sent: "Terkirim",
    delivered: "Tersampaikan",
    read: "Dibaca",
    failed: "Gagal terkirim"
  };
  var ERROR_TEXT = {
    network: "Tidak dapat menghubungi server. Periksa koneksi lalu coba lagi.",
    csrf: "Token keamanan tidak berlaku. Muat ulang halaman lalu coba lagi.",
    forbidden: "Anda tidak berwenang melakukan tindakan ini.",
    not_found: "Percakapan tidak ditemukan.",
    generic: "Terjadi kesalahan. Silakan coba lagi."
  };
  // The sections of the list on the left, in order.
  var SECTIONS = [
    { key: "queued", title: "Antrean", empty: "Antrean kosong." },
    { key: "mine", title: "Percakapan saya", empty: "Belum ada percakapan yang Anda tangani." },
    { key: "others", title: "Ditangani petugas lain", empty: "" },
    { key: "bot", title: "Dengan bot (30 menit terakhir)", empty: "" }
  ];

  // -- state ---------------------------------------------------------------------------------------------

  var me = null; // {id, username, name, role, csrf}
  var csrf = "";
  var conversations = []; // the last list from the server
  var listFetchedAt = 0; // performance.now() when it arrived (waiting times tick from there)
  var overdueAfterS = null; // the alert threshold, when the server tells it (optional field)
  var knownQueued = null; // ids seen in the queue so far (null before the first list): to announce new ones
  var unread = new Set(); // conversations with a new citizen message since the agent last looked
  var selectedId = null;
  var detail = null; // {conversation, messages, notes} of the selected conversation
  var messageElements = new Map(); // message id -> <li> in the transcript
  var itemElements = new Map(); // conversation id -> <li> in the list
  var agents = [];
  var canned = [];
  var drafts = new Map(); // conversation id -> unsent reply text
  var cannedInserted = ""; // the canned text last put into an empty reply box (replaced by the next choice)
  var editingCannedId = null;
  var busy = new Set(); // actions in flight, e.g. "claim:12"
  var leaving = false; // logging out or sent to the login form: nothing else navigates

  var link = null; // the websocket (reconnecting_socket.js)
  var refreshTimer = null;
  var pendingRefresh = { list: false, detail: false, agents: false };
  var listSeq = 0;
  var detailSeq = 0;
  var agentsSeq = 0;

  var el = {}; // elements by id

  // -- small helpers ---------------------------------------------------------------------------------------

  function byId(id) {
    return document.getElementById(id);
  }

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined && text !== null) {
      element.textContent = String(text);
    }
    return element;
  }

  function idOf(value) {
    return value === null || value === undefined ? "" : String(value);
  }

  function isObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  function str(value) {
    return typeof value === "string" ? value : "";
  }

  function sameId(a, b) {
    return a !== null && a !== undefined && b !== null && b !== undefined && String(a) === String(b);
  }

  function isSupervisor() {
    return me !== null && me.role === "supervisor";
  }

  function isMine(conversation) {
    return conversation !== null && conversation.status === "assigned" && isObject(conversation.assigned_to) &&
      me !== null && sameId(conversation.assigned_to.id, me.id);
  }

  function parseTime(iso) {
    var time = typeof iso === "string" ? Date.parse(iso) : NaN;
    return isNaN(time) ? null : time;
  }

  function pad(number) {
    return (number < 10 ? "0" : "") + number;
  }

  function clock(iso) {
    var time = parseTime(iso);
    if (time === null) {
      return "";
    }
    var date = new Date(time);
    var text = pad(date.getHours()) + "." + pad(date.getMinutes());
    var today = new Date();
    if (date.toDateString() !== today.toDateString()) {
      text = pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + " " + text;
    }
    return text;
  }

  // 75 -> "1:15", 3725 -> "1:02:05"
  function duration(seconds) {
    var total = Math.max(0, Math.floor(seconds));
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var rest = total % 60;
    return hours > 0 ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
  }

  function confidenceText(confidence) {
    if (typeof confidence !== "number" || !isFinite(confidence)) {
      return "";
    }
    var percent = confidence <= 1 ? confidence * 100 : confidence;
    return Math.round(percent) + "%";
  }

  function truncate(text, length) {
    return text.length > length ? text.slice(0, length - 1) + "…" : text;
  }

  // -- banners and announcements --------------------------------------------------------------------------

  function showError(text) {
    el.error.textContent = text || ERROR_TEXT.generic;
    el.errorBox.hidden = false;
  }

  function clearError() {
    el.error.textContent = "";
    el.errorBox.hidden = true;
  }

  var noticeTimer = null;

  function showNotice(text) {
    el.notice.textContent = text;
    el.noticeBox.hidden = false;
    clearTimeout(noticeTimer);
    noticeTimer = setTimeout(clearNotice, 10000);
  }

  function clearNotice() {
    clearTimeout(noticeTimer);
    el.notice.textContent = "";
    el.noticeBox.hidden = true;
  }

  function announce(text) {
    el.announcer.textContent = "";
    setTimeout(function () {
      el.announcer.textContent = text;
    }, 50);
  }

  // -- the API ----------------------------------------------------------------------------------------------

  function ApiError(status, code, message, data) {
    this.status = status;
    this.code = code;
    this.message = message;
    this.data = data;
  }

  function toLogin(expired) {
    if (!leaving) {
      leaving = true;
      window.location.assign(LOGIN_URL + (expired ? "?expired=1" : ""));
    }
    return new Promise(function () { /* the page is going away */ });
  }

  function errorMessage(status, data) {
    if (isObject(data) && typeof data.message === "string" && data.message.trim() !== "") {
      return data.message;
    }
    var code = isObject(data) ? str(data.error) : "";
    if (code === "csrf") {
      return ERROR_TEXT.csrf;
    }
    if (code === "forbidden" || status === 403) {
      return ERROR_TEXT.forbidden;
    }
    if (status === 404) {
      return ERROR_TEXT.not_found;
    }
    return ERROR_TEXT.generic + " (HTTP " + status + ")";
  }

  function request(method, url, body) {
    var headers = { Accept: "application/json" };
    var options = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (method !== "GET" && method !== "HEAD") {
      headers["X-CSRF-Token"] = csrf;
    }
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        if (text) {
          try {
            data = JSON.parse(text);
          } catch (ignored) {
            data = null;
          }
        }
        return { status: response.status, ok: response.ok, data: data };
      });
    }, function () {
      throw new ApiError(0, "network", ERROR_TEXT.network, null);
    });
  }

  // A JSON API call; resolves with the body, rejects with an ApiError. 401 leaves for the login page;
  // a refused CSRF token is fetched again once (the server may have renewed it) and the call retried.
  function api(method, path, body, retried) {
    return request(method, API + path, body).then(function (result) {
      if (result.status === 401) {
        return toLogin(isObject(result.data) && result.data.error === "session_expired");
      }
      if (result.ok) {
        return result.data;
      }
      var code = isObject(result.data) ? str(result.data.error) : "";
      if (result.status === 403 && code === "csrf" && !retried && method !== "GET") {
        return loadMe().then(function () {
          return api(method, path, body, true);
        });
      }
      throw new ApiError(result.status, code, errorMessage(result.status, result.data), result.data);
    });
  }

  function reportError(error) {
    if (error instanceof ApiError) {
      showError(error.message);
    } else {
      showError(ERROR_TEXT.generic);
      if (window.console && error) {
        window.console.error(error);
      }
    }
  }

  function loadMe() {
    return api("GET", "/me").then(function (data) {
      if (!isObject(data)) {
        throw new ApiError(500, "bad_response", ERROR_TEXT.generic, data);
      }
      me = data;
      csrf = str(data.csrf) || csrf;
      renderMe();
      return data;
    });
  }

  // -- the list on the left ------------------------------------------------------------------------------------

  function sectionOf(conversation) {
    if (conversation.status === "queued") {
      return "queued";
    }
    if (isMine(conversation)) {
      return "mine";
    }
    if (conversation.status === "assigned") {
      return "others";
    }
    if (conversation.status === "bot") {
      return "bot";
    }
    return "others";
  }

  function waitingSeconds(conversation) {
    var elapsed = (performance.now() - listFetchedAt) / 1000;
    if (typeof conversation.waiting_s === "number" && isFinite(conversation.waiting_s)) {
      return conversation.waiting_s + elapsed;
    }
    var queuedAt = parseTime(conversation.queued_at);
    return queuedAt === null ? null : (Date.now() - queuedAt) / 1000;
  }

  function isOverdue(conversation) {
    if (conversation.status !== "queued") {
      return false;
    }
    if (conversation.overdue === true) {
      return true;
    }
    var waiting = waitingSeconds(conversation);
    return overdueAfterS !== null && waiting !== null && waiting >= overdueAfterS;
  }

  function compareConversations(a, b) {
    if (a.status === "queued" && b.status === "queued") {
      return (waitingSeconds(b) || 0) - (waitingSeconds(a) || 0); // longest waiting first
    }
    var at = parseTime(a.last_message_at) || 0;
    var bt = parseTime(b.last_message_at) || 0;
    return bt - at; // most recent first
  }

  function badge(className, text) {
    return make("span", "badge " + className, text);
  }

  function channelBadge(channel) {
    var known = Object.prototype.hasOwnProperty.call(CHANNEL_LABEL, channel);
    var element = badge("badge-channel channel-" + (known ? channel : "other"), known ? CHANNEL_LABEL[channel] : channel);
    element.setAttribute("data-testid", "channel-badge");
    return element;
  }

  function reasonBadge(reason) {
    if (typeof reason !== "string" || reason === "") {
      return null;
    }
    var label = Object.prototype.hasOwnProperty.call(REASON_LABEL, reason) ? REASON_LABEL[reason] : reason;
    var element = badge("badge-reason reason-" + reason.replace(/[^a-z_]/gi, ""), label);
    element.setAttribute("data-testid", "reason-label");
    return element;
  }

  function itemSignature(conversation) {
    return JSON.stringify([conversation.status, conversation.channel, conversation.citizen, conversation.reason,
      conversation.assigned_to, conversation.last_message, conversation.last_message_at, isSupervisor()]);
  }

  function buildItem(item, conversation) {
    var id = idOf(conversation.id);
    var citizen = str(conversation.citizen) || "Warga";
    item.textContent = "";

    var open = make("button", "queue-open");
    open.type = "button";
    open.setAttribute("data-testid", "queue-open");
    var line1 = make("span", "queue-line");
    line1.appendChild(make("span", "queue-citizen", citizen));
    line1.appendChild(channelBadge(str(conversation.channel)));
    open.appendChild(line1);

    var line2 = make("span", "queue-line queue-facts");
    var reason = reasonBadge(conversation.reason);
    if (reason) {
      line2.appendChild(reason);
    }
    if (conversation.status === "queued") {
      var wait = make("span", "queue-wait");
      wait.setAttribute("data-testid", "queue-wait");
      line2.appendChild(wait);
      var late = make("span", "overdue-label", "Menunggu lama");
      late.setAttribute("data-testid", "overdue-label");
      line2.appendChild(late);
    } else if (conversation.status === "assigned" && isObject(conversation.assigned_to) && !isMine(conversation)) {
      line2.appendChild(make("span", "queue-assignee", "Ditangani " + str(conversation.assigned_to.name)));
    } else if (conversation.status === "bot") {
      line2.appendChild(make("span", "queue-assignee", "Dengan bot"));
    }
    var fresh = make("span", "unread-label", "Pesan baru");
    fresh.setAttribute("data-testid", "unread-label");
    line2.appendChild(fresh);
    open.appendChild(line2);

    var last = str(conversation.last_message);
    if (last) {
      var preview = make("span", "queue-last", truncate(last.replace(/\s+/g, " "), 140));
      var when = clock(conversation.last_message_at);
      if (when) {
        preview.insertBefore(make("span", "queue-time", when + " · "), preview.firstChild);
      }
      open.appendChild(preview);
    }
    open.addEventListener("click", function () {
      select(id, true);
    });
    item.appendChild(open);

    if (conversation.status === "queued") {
      var claim = make("button", "button button-primary queue-action", "Ambil");
      claim.type = "button";
      claim.setAttribute("data-testid", "claim");
      claim.setAttribute("aria-label", "Ambil percakapan dengan " + citizen);
      claim.addEventListener("click", function () {
        claimConversation(id, claim);
      });
      item.appendChild(claim);
    } else if (isSupervisor() && !isMine(conversation) &&
               (conversation.status === "bot" || conversation.status === "assigned")) {
      var takeover = make("button", "button queue-action", "Ambil alih");
      takeover.type = "button";
      takeover.setAttribute("data-testid", "takeover");
      takeover.setAttribute("aria-label", "Ambil alih percakapan dengan " + citizen);
      takeover.addEventListener("click", function () {
        takeOver(id, takeover);
      });
      item.appendChild(takeover);
    }
  }

  function updateItemState(item, conversation) {
    var id = idOf(conversation.id);
    var overdue = isOverdue(conversation);
    item.classList.toggle("overdue", overdue);
    item.classList.toggle("is-selected", sameId(id, selectedId));
    item.classList.toggle("has-unread", unread.has(id));
    item.setAttribute("data-status", str(conversation.status));
    item.setAttribute("data-overdue", overdue ? "true" : "false");
    var open = item.querySelector(".queue-open");
    if (open) {
      if (sameId(id, selectedId)) {
        open.setAttribute("aria-current", "true");
      } else {
        open.removeAttribute("aria-current");
      }
    }
    var wait = item.querySelector(".queue-wait");
    if (wait) {
      var seconds = waitingSeconds(conversation);
      wait.textContent = seconds === null ? "Menunggu" : "Menunggu " + duration(seconds);
    }
  }

  function renderList() {
    var groups = {};
    SECTIONS.forEach(function (section) {
      groups[section.key] = [];
    });
    conversations.forEach(function (conversation) {
      groups[sectionOf(conversation)].push(conversation);
    });

    var seen = new Set();
    SECTIONS.forEach(function (section) {
      var list = groups[section.key];
      list.sort(compareConversations);
      var box = el.sections[section.key];
      var visible = list.length > 0 || section.key === "queued" ||
        (section.key === "mine" && (me === null || !isSupervisor()));
      box.section.hidden = !visible;
      box.count.textContent = " (" + list.length + ")";
      box.empty.hidden = list.length > 0 || !section.empty;
      list.forEach(function (conversation, index) {
        var id = idOf(conversation.id);
        seen.add(id);
        var item = itemElements.get(id);
        if (!item) {
          item = make("li", "queue-item");
          item.setAttribute("data-testid", "queue-item");
          item.setAttribute("data-conversation-id", id);
          itemElements.set(id, item);
        }
        var signature = itemSignature(conversation);
        if (item.getAttribute("data-signature") !== signature) {
          buildItem(item, conversation);
          item.setAttribute("data-signature", signature);
        }
        updateItemState(item, conversation);
        if (box.list.children[index] !== item) {
          box.list.insertBefore(item, box.list.children[index] || null);
        }
      });
    });
    itemElements.forEach(function (item, id) {
      if (!seen.has(id)) {
        item.remove();
        itemElements.delete(id);
      }
    });
    el.queue.setAttribute("aria-busy", "false");
    updateTitle();
  }

  function tick() {
    conversations.forEach(function (conversation) {
      var item = itemElements.get(idOf(conversation.id));
      if (item) {
        updateItemState(item, conversation);
      }
    });
    updateTitle();
  }

  function updateTitle() {
    var queued = conversations.filter(function (c) { return c.status === "queued"; });
    var late = queued.filter(isOverdue).length;
    var prefix = queued.length ? "(" + queued.length + (late ? ", " + late + " lama" : "") + ") " : "";
    document.title = prefix + "Konsol Petugas — MPP Digital";
  }

  function applyList(data) {
    var list = isObject(data) && Array.isArray(data.conversations) ? data.conversations : [];
    conversations = list.filter(function (c) { return isObject(c) && c.id !== undefined && c.id !== null; });
    listFetchedAt = performance.now();
    if (isObject(data) && typeof data.overdue_after_s === "number") {
      overdueAfterS = data.overdue_after_s;
    }
    var queuedNow = conversations.filter(function (c) { return c.status === "queued"; });
    if (knownQueued !== null) {
      var fresh = queuedNow.filter(function (c) { return !knownQueued.has(idOf(c.id)); });
      if (fresh.length === 1) {
        announce("Percakapan baru di antrean: " + (str(fresh[0].citizen) || "warga") + ".");
      } else if (fresh.length > 1) {
        announce(fresh.length + " percakapan baru di antrean.");
      }
    }
    knownQueued = new Set(queuedNow.map(function (c) { return idOf(c.id); }));
    var ids = new Set(conversations.map(function (c) { return idOf(c.id); }));
    unread.forEach(function (id) {
      if (!ids.has(id)) {
        unread.delete(id);
      }
    });
    renderList();
  }

  function loadList() {
    var seq = ++listSeq;
    return api("GET", "/conversations").then(function (data) {
      if (seq === listSeq) {
        applyList(data);
      }
    });
  }

  function conversationInList(id) {
    for (var i = 0; i < conversations.length; i += 1) {
      if (sameId(conversations[i].id, id)) {
        return conversations[i];
      }
    }
    return null;
  }

  // -- the selected conversation ---------------------------------------------------------------------------------

  function select(id, focusReply) {
    id = idOf(id);
    if (sameId(id, selectedId)) {
      if (focusReply && !el.replyInput.disabled) {
        el.replyInput.focus();
      }
      return loadDetail();
    }
    saveDraft();
    selectedId = id;
    detail = null;
    unread.delete(id);
    messageElements.clear();
    el.transcript.textContent = "";
    el.notes.textContent = "";
    el.replyInput.value = drafts.get(id) || "";
    cannedInserted = "";
    try {
      window.history.replaceState(null, "", "#percakapan-" + encodeURIComponent(id));
    } catch (ignored) { /* not important */ }
    renderList();
    return loadDetail().then(function () {
      if (focusReply && sameId(id, selectedId) && !el.replyInput.disabled) {
        el.replyInput.focus();
      }
    });
  }

  function deselect(notice) {
    saveDraft();
    selectedId = null;
    detail = null;
    messageElements.clear();
    el.transcript.textContent = "";
    el.notes.textContent = "";
    el.replyInput.value = "";
    try {
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    } catch (ignored) { /* not important */ }
    renderDetail();
    renderList();
    if (notice) {
      showNotice(notice);
    }
  }

  function saveDraft() {
    if (selectedId === null) {
      return;
    }
    var text = el.replyInput.value;
    if (text.trim() !== "" && text !== cannedInserted) {
      drafts.set(selectedId, text);
    } else {
      drafts.delete(selectedId);
    }
  }

  function loadDetail() {
    if (selectedId === null) {
      renderDetail();
      return Promise.resolve();
    }
    var id = selectedId;
    var seq = ++detailSeq;
    return api("GET", "/conversations/" + encodeURIComponent(id)).then(function (data) {
      if (seq !== detailSeq || !sameId(id, selectedId)) {
        return;
      }
      if (!isObject(data) || !isObject(data.conversation)) {
        throw new ApiError(500, "bad_response", ERROR_TEXT.generic, data);
      }
      applyDetail(data);
    }, function (error) {
      if (seq !== detailSeq || !sameId(id, selectedId)) {
        return;
      }
      if (error instanceof ApiError && (error.status === 403 || error.status === 404)) {
        deselect(error.status === 403 ? "Percakapan itu sekarang ditangani petugas lain." : ERROR_TEXT.not_found);
        return;
      }
      throw error;
    });
  }

  function applyDetail(data) {
    var first = detail === null;
    detail = {
      conversation: data.conversation,
      messages: Array.isArray(data.messages) ? data.messages.filter(isObject) : [],
      notes: Array.isArray(data.notes) ? data.notes.filter(isObject) : []
    };
    renderDetail();
    renderTranscript(detail.messages, first);
    renderNotes(detail.notes);
  }

  function renderDetail() {
    var has = detail !== null;
    el.empty.hidden = has;
    el.view.hidden = !has;
    el.notesPanel.hidden = !has;
    if (!has) {
      return;
    }
    var conversation = detail.conversation;
    var mine = isMine(conversation);
    var open = conversation.status !== "resolved";

    el.title.textContent = str(conversation.citizen) || "Warga";
    el.meta.textContent = "";
    el.meta.appendChild(channelBadge(str(conversation.channel)));
    var status = badge("badge-status status-" + str(conversation.status),
      STATUS_LABEL[conversation.status] || str(conversation.status));
    status.setAttribute("data-testid", "conversation-status");
    el.meta.appendChild(status);
    var reason = reasonBadge(conversation.reason);
    if (reason) {
      el.meta.appendChild(reason);
    }
    if (conversation.status === "assigned" && isObject(conversation.assigned_to)) {
      el.meta.appendChild(make("span", "meta-text", mine ? "Ditangani oleh Anda" :
        "Ditangani " + str(conversation.assigned_to.name)));
    }

    var canReply = mine && open;
    el.replyInput.disabled = !canReply;
    el.replySend.disabled = !canReply || busy.has("reply");
    el.cannedSelect.disabled = !canReply || canned.length === 0;
    var canManage = open && (mine || (isSupervisor() && (conversation.status === "assigned" ||
      conversation.status === "queued")));
    el.transfer.hidden = !canManage;
    el.resolve.hidden = !canManage;
    el.transferSend.disabled = busy.has("transfer");
    el.resolve.disabled = busy.has("resolve");
    var canNote = open && (mine || isSupervisor());
    el.noteInput.disabled = !canNote;
    el.noteSend.disabled = !canNote || busy.has("note");

    var hint = "";
    if (!open) {
      hint = "Percakapan ini sudah selesai.";
    } else if (conversation.status === "queued") {
      hint = "Percakapan ini masih dalam antrean. Tekan \"Ambil\" di daftar untuk menanganinya.";
    } else if (conversation.status === "bot") {
      hint = isSupervisor() ? "Percakapan ini sedang ditangani bot. Tekan \"Ambil alih\" di daftar untuk membalas." :
        "Percakapan ini sedang ditangani bot.";
    } else if (!mine) {
      hint = isSupervisor() ? "Percakapan ini ditangani petugas lain. Tekan \"Ambil alih\" di daftar untuk membalas." :
        "Percakapan ini ditangani petugas lain.";
    }
    el.hint.textContent = hint;
    el.hint.hidden = hint === "";
    renderTransferOptions();
  }

  function senderName(message) {
    var sender = message.sender;
    if (sender === "agent" && isObject(message.agent) && str(message.agent.name)) {
      return (me !== null && sameId(message.agent.id, me.id) ? "Anda" : str(message.agent.name)) + " (petugas)";
    }
    if (sender === "citizen" && detail !== null && str(detail.conversation.citizen)) {
      return str(detail.conversation.citizen);
    }
    return SENDER_LABEL[sender] || "Sistem";
  }

  function fillMessage(item, message) {
    var sender = Object.prototype.hasOwnProperty.call(SENDER_LABEL, message.sender) ? message.sender : "system";
    item.className = "msg msg-" + sender;
    item.setAttribute("data-sender", sender);
    item.setAttribute("data-message-id", idOf(message.id));
    if (typeof message.status === "string") {
      item.setAttribute("data-status", message.status);
    }
    item.textContent = "";

    var head = make("p", "msg-head");
    head.appendChild(make("span", "msg-sender", senderName(message)));
    var when = clock(message.created_at);
    if (when) {
      var time = make("time", "msg-time", when);
      time.setAttribute("datetime", str(message.created_at));
      head.appendChild(time);
    }
    item.appendChild(head);

    var bubble = make("div", "bubble", str(message.text));
    bubble.setAttribute("data-testid", "message-text");
    item.appendChild(bubble);

    if (sender === "citizen" && typeof message.intent === "string" && message.intent !== "") {
      var confidence = confidenceText(message.confidence);
      var intent = make("p", "msg-intent", "Intent: " + message.intent + (confidence ? " · " + confidence : ""));
      intent.setAttribute("data-testid", "message-intent");
      intent.title = "Hasil pengenalan maksud (NLU) dan tingkat keyakinannya";
      item.appendChild(intent);
    }
    if (sender === "agent" && typeof message.status === "string") {
      var status = make("p", "msg-status status-" + message.status.replace(/[^a-z]/g, ""),
        DELIVERY_LABEL[message.status] || message.status);
      status.setAttribute("data-testid", "message-status");
      status.setAttribute("data-status", message.status);
      item.appendChild(status);
    }
  }

  function isNearBottom() {
    var list = el.transcript;
    return list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  }

  function scrollToBottom() {
    el.transcript.scrollTop = el.transcript.scrollHeight;
  }

  // Adds a message or updates one already shown (e.g. its delivery status); returns true if added.
  function upsertMessage(message, stick) {
    var id = idOf(message.id);
    var item = id ? messageElements.get(id) : null;
    if (item) {
      fillMessage(item, message);
      return false;
    }
    item = make("li", "msg");
    item.setAttribute("data-testid", "transcript-message");
    fillMessage(item, message);
    if (id) {
      messageElements.set(id, item);
    }
    el.transcript.appendChild(item);
    if (stick) {
      scrollToBottom();
    }
    return true;
  }

  function renderTranscript(messages, first) {
    var stick = first || isNearBottom();
    if (first) {
      el.transcript.setAttribute("aria-busy", "true");
      el.transcript.textContent = "";
      messageElements.clear();
    }
    messages.forEach(function (message) {
      upsertMessage(message, false);
    });
    if (!messages.length && first) {
      var none = make("li", "msg-empty", "Belum ada pesan.");
      el.transcript.appendChild(none);
    } else {
      var placeholder = el.transcript.querySelector(".msg-empty");
      if (placeholder) {
        placeholder.remove();
      }
    }
    if (first) {
      el.transcript.setAttribute("aria-busy", "false");
    }
    if (stick) {
      scrollToBottom();
    }
  }

  function renderNotes(notes) {
    el.notes.textContent = "";
    if (!notes.length) {
      el.notes.appendChild(make("li", "notes-empty", "Belum ada catatan."));
      return;
    }
    notes.forEach(function (note) {
      var item = make("li", "note");
      item.setAttribute("data-testid", "note");
      var head = make("p", "note-head");
      head.appendChild(make("span", "note-author", isObject(note.agent) ? str(note.agent.name) : ""));
      var when = clock(note.created_at);
      if (when) {
        var time = make("time", "note-time", when);
        time.setAttribute("datetime", str(note.created_at));
        head.appendChild(time);
      }
      item.appendChild(head);
      item.appendChild(make("p", "note-text", str(note.text)));
      el.notes.appendChild(item);
    });
  }

  // -- actions ---------------------------------------------------------------------------------------------------

  function run(key, button, action) {
    if (busy.has(key)) {
      return Promise.resolve();
    }
    busy.add(key);
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
    clearError();
    return Promise.resolve().then(action).catch(reportError).then(function () {
      busy.delete(key);
      if (button) {
        button.disabled = false;
        button.removeAttribute("aria-busy");
      }
      if (detail !== null) {
        renderDetail();
      }
    });
  }

  function claimConversation(id, button) {
    return run("claim:" + id, button, function () {
      return api("POST", "/conversations/" + encodeURIComponent(id) + "/claim").then(function () {
        announce("Percakapan berhasil diambil.");
        scheduleRefresh({ list: true, agents: true });
        return select(id, true);
      }, function (error) {
        // 409 is the contract's answer; a claim that arrives once the other one is stored may get 403
        // (an agent may not see a colleague's conversation): for the agent both mean the same.
        if (error instanceof ApiError && (error.status === 409 || (error.status === 403 && error.code !== "csrf"))) {
          var by = isObject(error.data) && isObject(error.data.assigned_to) ? str(error.data.assigned_to.name) : "";
          showError("Percakapan ini sudah diambil" + (by ? " oleh " + by : " petugas lain") + ".");
          if (sameId(id, selectedId) && !isSupervisor()) {
            deselect();
          }
          scheduleRefresh({ list: true });
          return;
        }
        scheduleRefresh({ list: true });
        throw error;
      });
    });
  }

  function takeOver(id, button) {
    return run("takeover:" + id, button, function () {
      return api("POST", "/conversations/" + encodeURIComponent(id) + "/takeover").then(function () {
        showNotice("Percakapan diambil alih. Anda sekarang menanganinya.");
        scheduleRefresh({ list: true, agents: true });
        return select(id, true);
      });
    });
  }

  function sendReply() {
    if (detail === null || el.replyInput.disabled) {
      return;
    }
    var id = idOf(detail.conversation.id);
    var text = el.replyInput.value.slice(0, MAX_REPLY_LENGTH).trim();
    if (text === "") {
      el.replyInput.focus();
      return;
    }
    run("reply", el.replySend, function () {
      return api("POST", "/conversations/" + encodeURIComponent(id) + "/reply", { text: text }).then(function (message) {
        if (sameId(id, selectedId)) {
          if (el.replyInput.value.slice(0, MAX_REPLY_LENGTH).trim() === text) {
            el.replyInput.value = "";
          }
          cannedInserted = "";
          if (isObject(message)) {
            upsertMessage(message, true);
          }
          el.replyInput.focus();
        }
        drafts.delete(id);
        scheduleRefresh({ list: true });
      });
    });
  }

  function sendNote() {
    if (detail === null || el.noteInput.disabled) {
      return;
    }
    var id = idOf(detail.conversation.id);
    var text = el.noteInput.value.trim();
    if (text === "") {
      el.noteInput.focus();
      return;
    }
    run("note", el.noteSend, function () {
      return api("POST", "/conversations/" + encodeURIComponent(id) + "/notes", { text: text }).then(function (note) {
        if (!sameId(id, selectedId)) {
          return;
        }
        el.noteInput.value = "";
        if (detail !== null && isObject(note)) {
          detail.notes.push(note);
          renderNotes(detail.notes);
        }
        announce("Catatan internal disimpan.");
        scheduleRefresh({ detail: true });
      });
    });
  }

  function transferSelected() {
    if (detail === null) {
      return;
    }
    var id = idOf(detail.conversation.id);
    var value = el.transferSelect.value;
    var target = null;
    agents.forEach(function (agent) {
      if (idOf(agent.id) === value) {
        target = agent;
      }
    });
    if (!value || target === null) {
      showError("Pilih petugas tujuan terlebih dahulu.");
      el.transferSelect.focus();
      return;
    }
    run("transfer", el.transferSend, function () {
      return api("POST", "/conversations/" + encodeURIComponent(id) + "/transfer", { agent_id: target.id })
        .then(function (conversation) {
          var text = "Percakapan dialihkan kepada " + str(target.name) + ".";
          drafts.delete(id);
          if (sameId(id, selectedId) && !isSupervisor() && !(isObject(conversation) && isMine(conversation))) {
            deselect(text);
          } else {
            showNotice(text);
            scheduleRefresh({ detail: true });
          }
          scheduleRefresh({ list: true, agents: true });
        });
    });
  }

  function resolveSelected() {
    if (detail === null) {
      return;
    }
    var id = idOf(detail.conversation.id);
    var who = str(detail.conversation.citizen) || "warga";
    var ok = window.confirm("Selesaikan percakapan dengan " + who + "?\n" +
      "Bot akan kembali melayani dan meminta penilaian (1–5) dari warga.");
    if (!ok) {
      return;
    }
    run("resolve", el.resolve, function () {
      return api("POST", "/conversations/" + encodeURIComponent(id) + "/resolve").then(function () {
        drafts.delete(id);
        if (sameId(id, selectedId)) {
          deselect("Percakapan dengan " + who + " diselesaikan.");
        }
        scheduleRefresh({ list: true, agents: true });
      });
    });
  }

  function logout() {
    if (leaving) {
      return;
    }
    leaving = true; // from now on a 401 (the session is gone) must not send to "session expired"
    el.logout.disabled = true;
    link.close(); // its close event is ignored: no reconnecting
    var done = function () {
      window.location.assign(LOGIN_URL + "?logout=1");
    };
    request("POST", LOGOUT_URL).then(done, done);
  }

  // -- agents: transfer targets and the supervisor's panel -------------------------------------------------------------

  function loadAgents() {
    var seq = ++agentsSeq;
    return api("GET", "/agents").then(function (data) {
      if (seq !== agentsSeq) {
        return;
      }
      agents = isObject(data) && Array.isArray(data.agents) ? data.agents.filter(isObject) : [];
      renderTransferOptions();
      renderAgents();
    });
  }

  function agentStatus(agent) {
    return (agent.online ? "daring" : "luring") + ", " + (typeof agent.active === "number" ? agent.active : 0) +
      " aktif";
  }

  function renderTransferOptions() {
    var select = el.transferSelect;
    var current = select.value;
    var assigned = detail !== null && isObject(detail.conversation.assigned_to) ?
      idOf(detail.conversation.assigned_to.id) : "";
    select.textContent = "";
    var placeholder = make("option", "", "Pilih petugas…");
    placeholder.value = "";
    select.appendChild(placeholder);
    agents.slice().sort(function (a, b) {
      return (b.online ? 1 : 0) - (a.online ? 1 : 0) || str(a.name).localeCompare(str(b.name), "id");
    }).forEach(function (agent) {
      var id = idOf(agent.id);
      if ((me !== null && sameId(id, me.id)) || id === assigned) {
        return;
      }
      var option = make("option", "", str(agent.name) + " (" + agentStatus(agent) + ")");
      option.value = id;
      option.setAttribute("data-name", str(agent.name));
      select.appendChild(option);
    });
    select.value = current;
    if (select.value !== current) {
      select.value = "";
    }
  }

  function renderAgents() {
    el.agentsPanel.hidden = !isSupervisor();
    el.nluLink.hidden = !isSupervisor();
    if (!isSupervisor()) {
      return;
    }
    el.agents.textContent = "";
    var sorted = agents.slice().sort(function (a, b) {
      return (b.online ? 1 : 0) - (a.online ? 1 : 0) || str(a.name).localeCompare(str(b.name), "id");
    });
    if (!sorted.length) {
      el.agents.appendChild(make("li", "agents-empty", "Belum ada petugas."));
    }
    sorted.forEach(function (agent) {
      var item = make("li", "agent" + (agent.online ? " is-online" : ""));
      item.setAttribute("data-testid", "agent");
      item.setAttribute("data-agent-id", idOf(agent.id));
      item.setAttribute("data-online", agent.online ? "true" : "false");
      var active = typeof agent.active === "number" ? agent.active : 0;
      item.setAttribute("data-active", String(active));
      var name = make("span", "agent-name", str(agent.name));
      item.appendChild(name);
      if (agent.role === "supervisor") {
        item.appendChild(badge("badge-role", ROLE_LABEL.supervisor));
      }
      var online = make("span", "agent-online", agent.online ? "Daring" : "Luring");
      online.setAttribute("data-testid", "agent-online");
      item.appendChild(online);
      var load = make("span", "agent-load", active + " aktif");
      load.setAttribute("data-testid", "agent-load");
      load.title = "Percakapan yang sedang ditangani";
      item.appendChild(load);
      el.agents.appendChild(item);
    });
  }

  // -- canned replies ---------------------------------------------------------------------------------------------

  function loadCanned() {
    return api("GET", "/canned").then(function (data) {
      canned = isObject(data) && Array.isArray(data.canned) ? data.canned.filter(isObject) : [];
      renderCanned();
    });
  }

  function renderCanned() {
    var select = el.cannedSelect;
    select.textContent = "";
    var placeholder = make("option", "", canned.length ? "Pilih balasan cepat…" : "Belum ada balasan cepat");
    placeholder.value = "";
    select.appendChild(placeholder);
    canned.forEach(function (reply) {
      var option = make("option", "", str(reply.title));
      option.value = idOf(reply.id);
      option.title = str(reply.text);
      select.appendChild(option);
    });
    select.value = "";
    if (detail !== null) {
      renderDetail();
    } else {
      select.disabled = true;
    }

    el.cannedList.textContent = "";
    if (!canned.length) {
      el.cannedList.appendChild(make("li", "canned-empty", "Belum ada balasan cepat."));
    }
    canned.forEach(function (reply) {
      var item = make("li", "canned-item");
      item.setAttribute("data-testid", "canned-item");
      item.setAttribute("data-canned-id", idOf(reply.id));
      var text = make("div", "canned-item-text");
      text.appendChild(make("p", "canned-item-title", str(reply.title)));
      text.appendChild(make("p", "canned-item-body", truncate(str(reply.text), 160)));
      item.appendChild(text);
      var buttons = make("div", "canned-item-buttons");
      var edit = make("button", "button button-small", "Ubah");
      edit.type = "button";
      edit.setAttribute("data-testid", "canned-edit");
      edit.setAttribute("aria-label", "Ubah balasan cepat " + str(reply.title));
      edit.addEventListener("click", function () {
        editCanned(reply);
      });
      var remove = make("button", "button button-small button-danger", "Hapus");
      remove.type = "button";
      remove.setAttribute("data-testid", "canned-delete");
      remove.setAttribute("aria-label", "Hapus balasan cepat " + str(reply.title));
      remove.addEventListener("click", function () {
        deleteCanned(reply, remove);
      });
      buttons.appendChild(edit);
      buttons.appendChild(remove);
      item.appendChild(buttons);
      el.cannedList.appendChild(item);
    });
  }

  function useCanned() {
    var value = el.cannedSelect.value;
    var reply = null;
    canned.forEach(function (candidate) {
      if (idOf(candidate.id) === value) {
        reply = candidate;
      }
    });
    el.cannedSelect.value = "";
    if (reply === null || el.replyInput.disabled) {
      return;
    }
    var text = str(reply.text);
    var input = el.replyInput;
    if (input.value.trim() === "" || input.value === cannedInserted) {
      input.value = text; // an empty box, or only the previous choice: replace it
      cannedInserted = text;
    } else {
      var start = typeof input.selectionStart === "number" ? input.selectionStart : input.value.length;
      var end = typeof input.selectionEnd === "number" ? input.selectionEnd : input.value.length;
      var before = input.value.slice(0, start);
      var glue = before === "" || /\s$/.test(before) ? "" : " ";
      input.value = before + glue + text + input.value.slice(end);
      cannedInserted = "";
    }
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }

  function editCanned(reply) {
    editingCannedId = reply === null ? null : idOf(reply.id);
    el.cannedTitle.value = reply === null ? "" : str(reply.title);
    el.cannedText.value = reply === null ? "" : str(reply.text);
    el.cannedFormTitle.textContent = reply === null ? "Tambah balasan cepat" : "Ubah balasan cepat";
    el.cannedCancel.hidden = reply === null;
    if (reply !== null) {
      el.cannedEditor.open = true;
      el.cannedTitle.focus();
    }
  }

  function saveCanned() {
    var title = el.cannedTitle.value.trim();
    var text = el.cannedText.value.trim();
    if (title === "" || text === "") {
      showError("Isi judul dan isi balasan cepat.");
      (title === "" ? el.cannedTitle : el.cannedText).focus();
      return;
    }
    var editing = editingCannedId;
    run("canned", el.cannedSave, function () {
      var call = editing === null ? api("POST", "/canned", { title: title, text: text }) :
        api("PUT", "/canned/" + encodeURIComponent(editing), { title: title, text: text });
      return call.then(function () {
        editCanned(null);
        announce("Balasan cepat disimpan.");
        return loadCanned();
      });
    });
  }

  function deleteCanned(reply, button) {
    if (!window.confirm("Hapus balasan cepat \"" + str(reply.title) + "\"?")) {
      return;
    }
    run("canned-delete:" + idOf(reply.id), button, function () {
      return api("DELETE", "/canned/" + encodeURIComponent(idOf(reply.id))).then(function () {
        if (editingCannedId === idOf(reply.id)) {
          editCanned(null);
        }
        announce("Balasan cepat dihapus.");
        return loadCanned();
      });
    });
  }

  // -- refetching ------------------------------------------------------------------------------------------------

  function scheduleRefresh(what) {
    pendingRefresh.list = pendingRefresh.list || !!what.list;
    pendingRefresh.detail = pendingRefresh.detail || !!what.detail;
    pendingRefresh.agents = pendingRefresh.agents || !!what.agents;
    if (refreshTimer !== null) {
      return;
    }
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      var todo = pendingRefresh;
      pendingRefresh = { list: false, detail: false, agents: false };
      var calls = [];
      if (todo.list) {
        calls.push(loadList());
      }
      if (todo.detail && selectedId !== null) {
        calls.push(loadDetail());
      }
      if (todo.agents) {
        calls.push(loadAgents());
      }
      Promise.all(calls).catch(function (error) {
        if (error instanceof ApiError && error.status === 0) {
          return; // offline: the connection status says so already, and the next refresh retries
        }
        reportError(error);
      });
    }, REFRESH_DEBOUNCE_MS);
  }

  function refreshAll() {
    scheduleRefresh({ list: true, detail: true, agents: true });
  }

  // -- the websocket ---------------------------------------------------------------------------------------------

  function onFrame(data) {
    var frame;
    try {
      frame = JSON.parse(data);
    } catch (ignored) {
      return;
    }
    if (!isObject(frame)) {
      return;
    }
    switch (frame.type) {
      case "hello":
        refreshAll();
        break;
      case "queue":
        scheduleRefresh({ list: true, detail: true, agents: true });
        break;
      case "message":
        onMessageFrame(frame);
        break;
      case "assigned":
        onAssigned(frame);
        break;
      default:
        break; // unknown frames are ignored
    }
  }

  // {"type": "message", "conversation_id", "message"?}: with the message, it is shown (or its status updated)
  // at once; without it, the conversation is fetched again.
  function onMessageFrame(frame) {
    var id = idOf(frame.conversation_id);
    var message = isObject(frame.message) ? frame.message : null;
    if (id !== "" && sameId(id, selectedId) && detail !== null) {
      if (message !== null) {
        var added = upsertMessage(message, isNearBottom());
        var placeholder = el.transcript.querySelector(".msg-empty");
        if (added && placeholder) {
          placeholder.remove();
        }
      }
      scheduleRefresh({ detail: true });
    } else if (id !== "" && (message === null || message.sender === "citizen")) {
      var known = conversationInList(id);
      if (known !== null && isMine(known)) {
        unread.add(id);
        announce("Pesan baru dari " + (str(known.citizen) || "warga") + ".");
      }
    }
    scheduleRefresh({ list: true });
  }

  function onAssigned(frame) {
    var id = idOf(frame.conversation_id);
    scheduleRefresh({ list: true, detail: true, agents: true });
    if (id === "") {
      return;
    }
    if (selectedId === null) {
      select(id, false).catch(reportError);
      showNotice("Sebuah percakapan dialihkan kepada Anda dan sudah dibuka.");
    } else if (!sameId(id, selectedId)) {
      unread.add(id);
      showNotice("Sebuah percakapan dialihkan kepada Anda. Lihat \"Percakapan saya\".");
    }
  }

  // Reconnects with jittered backoff; every attempt first checks the session: /me answers 401 once it has run
  // out, and the page goes to the login form. Back online or shown again: an attempt after the shortest wait.
  function openLink() {
    return window.MppReconnectingSocket({
      url: function () {
        return window.MppReconnectingSocket.pageUrl("/console/socket");
      },
      status: el.status,
      backoffMinMs: BACKOFF_MIN_MS,
      backoffMaxMs: BACKOFF_MAX_MS,
      jitter: 0.2, // many consoles must not reconnect in step
      stableMs: STABLE_CONNECTION_MS,
      onOpen: refreshAll, // whatever happened while disconnected (the "hello" frame refreshes too)
      onMessage: onFrame,
      beforeReconnect: loadMe,
      canReconnect: function () {
        return !leaving;
      },
      retryNowWaits: true,
      onVisible: refreshAll
    });
  }

  // -- start -----------------------------------------------------------------------------------------------------

  function renderMe() {
    if (me === null) {
      return;
    }
    el.meName.textContent = str(me.name) || str(me.username);
    el.meRole.textContent = ROLE_LABEL[me.role] || str(me.role);
    el.me.hidden = false;
    document.body.classList.toggle("is-supervisor", isSupervisor());
    el.agentsPanel.hidden = !isSupervisor();
    el.sections.bot.title.textContent = SECTIONS[3].title;
  }

  function buildSections() {
    el.sections = {};
    SECTIONS.forEach(function (section) {
      var box = make("section", "queue-section queue-section-" + section.key);
      box.setAttribute("data-section", section.key);
      var headingId = "queue-section-" + section.key;
      var heading = make("h3", "queue-section-title");
      heading.id = headingId;
      var title = make("span", "", section.title);
      var count = make("span", "queue-section-count", "");
      heading.appendChild(title);
      heading.appendChild(count);
      box.appendChild(heading);
      var list = make("ul", "queue-list");
      list.setAttribute("aria-labelledby", headingId);
      box.appendChild(list);
      var empty = make("p", "queue-empty", section.empty);
      box.appendChild(empty);
      box.hidden = section.key !== "queued";
      el.queue.appendChild(box);
      el.sections[section.key] = { section: box, title: title, count: count, list: list, empty: empty };
    });
  }

  function bind() {
    el.errorClose.addEventListener("click", clearError);
    el.noticeClose.addEventListener("click", clearNotice);
    el.logout.addEventListener("click", logout);
    el.replyForm.addEventListener("submit", function (event) {
      event.preventDefault();
      sendReply();
    });
    el.replyInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        sendReply();
      }
    });
    el.replyInput.addEventListener("input", function () {
      if (el.replyInput.value !== cannedInserted) {
        cannedInserted = "";
      }
    });
    el.cannedSelect.addEventListener("change", useCanned);
    el.noteForm.addEventListener("submit", function (event) {
      event.preventDefault();
      sendNote();
    });
    el.noteInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        sendNote();
      }
    });
    el.transferSend.addEventListener("click", transferSelected);
    el.resolve.addEventListener("click", resolveSelected);
    el.cannedForm.addEventListener("submit", function (event) {
      event.preventDefault();
      saveCanned();
    });
    el.cannedCancel.addEventListener("click", function () {
      editCanned(null);
    });
  }

  function start() {
    var ids = {
      status: "console-status", me: "me", meName: "me-name", meRole: "me-role", logout: "logout",
      errorBox: "console-error-box", error: "console-error", errorClose: "console-error-close",
      noticeBox: "console-notice-box", notice: "console-notice", noticeClose: "console-notice-close",
      queue: "queue", empty: "conversation-empty", view: "conversation-view", title: "conversation-title",
      meta: "conversation-meta", transfer: "transfer", transferSelect: "transfer-select",
      transferSend: "transfer-send", resolve: "resolve", transcript: "transcript", hint: "conversation-hint",
      replyForm: "reply-form", cannedSelect: "canned-select", replyInput: "reply-input", replySend: "reply-send",
      notesPanel: "notes-panel", notes: "notes", noteForm: "note-form", noteInput: "note-input",
      noteSend: "note-send", agentsPanel: "agents-panel", agents: "agents", nluLink: "nlu-link",
      cannedEditor: "canned-editor", cannedList: "canned-list", cannedForm: "canned-form",
      cannedFormTitle: "canned-form-title", cannedTitle: "canned-title", cannedText: "canned-text", cannedSave: "canned-save",
      cannedCancel: "canned-cancel", announcer: "announcer"
    };
    var missing = false;
    Object.keys(ids).forEach(function (key) {
      el[key] = byId(ids[key]);
      missing = missing || !el[key];
    });
    if (missing) {
      return;
    }
    el.replyInput.maxLength = MAX_REPLY_LENGTH;
    var meta = document.querySelector("meta[name='csrf-token']");
    csrf = meta ? str(meta.getAttribute("content")) : "";

    buildSections();
    link = openLink();
    bind();
    renderCanned();
    renderDetail();
    link.setStatus("connecting");

    setInterval(tick, 1000);
    var lastPeriodic = Date.now();
    setInterval(function () {
      if (me === null || Date.now() - lastPeriodic < (isSupervisor() ? SUPERVISOR_REFRESH_MS : SAFETY_REFRESH_MS)) {
        return;
      }
      lastPeriodic = Date.now();
      scheduleRefresh({ list: true, agents: true, detail: !link.hasSocket() });
    }, 1000);

    loadMe().then(function () {
      var wanted = /^#percakapan-(.+)$/.exec(window.location.hash);
      link.connect();
      var calls = [loadList(), loadAgents(), loadCanned()];
      if (wanted) {
        calls.push(select(decodeURIComponent(wanted[1]), false));
      }
      return Promise.all(calls);
    }).catch(function (error) {
      reportError(error);
      if (!link.hasSocket() && !link.reconnectScheduled()) {
        link.setStatus("reconnecting");
        link.scheduleReconnect();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
