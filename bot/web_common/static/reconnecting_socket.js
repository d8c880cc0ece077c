/*
 * The reconnecting websocket of the MPP Digital pages: the citizens' web chat (/chat) and the agents'
 * console (/console). Plain JavaScript, no build step: a page loads it before its own script,
 *   <script src="/static/common/reconnecting_socket.js"></script>
 * and gets window.MppReconnectingSocket, a function that returns one connection:
 *
 *   var link = MppReconnectingSocket({
 *     url: function () { return MppReconnectingSocket.pageUrl("/web/socket"); }, // asked before each attempt
 *     status: element,            // its data-state and text follow the connection: connecting|connected|reconnecting
 *     backoffMinMs: 500,          // the wait before the next attempt doubles with each failed one ...
 *     backoffMaxMs: 10000,        // ... up to this
 *     jitter: 0,                  // 0.2: each wait is 80-120 % of that (many pages must not reconnect in step)
 *     stableMs: 5000,             // a connection that lasted this long resets the backoff
 *     onOpen: function () {},     // connected
 *     onMessage: function (text) {}, // a text frame (other frames are ignored)
 *     onClose: function () {},    // the connection is gone (a new attempt is scheduled right after)
 *     beforeReconnect: null,      // function returning a promise: a scheduled attempt waits for it, and when it
 *                                 // fails waits once more instead of connecting (e.g. the session is re-checked)
 *     canReconnect: null,         // function: false stops scheduling attempts (e.g. the page is leaving)
 *     retryNowWaits: false,       // on "online" or when the tab becomes visible again: connect at once (false),
 *                                 // or schedule the shortest wait, through beforeReconnect (true)
 *     onVisible: null             // run too when the tab becomes visible again
 *   });
 *   link.setStatus("connecting");
 *   link.connect();
 *
 * Only the callbacks of the current websocket count: one that was replaced or closed by close() is ignored.
 */
(function () {
  "use strict";

  var STATUS_TEXT = {
    connecting: "Menghubungkan…",
    connected: "Terhubung",
    reconnecting: "Menghubungkan ulang…"
  };
  var MAX_ATTEMPT = 10; // the backoff exponent stops growing here

  function nothing() { /* no hook */ }

  function MppReconnectingSocket(options) {
    var backoffMinMs = options.backoffMinMs || 500;
    var backoffMaxMs = options.backoffMaxMs || 10000;
    var jitter = options.jitter || 0;
    var stableMs = options.stableMs || 5000;
    var onOpen = options.onOpen || nothing;
    var onMessage = options.onMessage || nothing;
    var onClose = options.onClose || nothing;
    var onVisible = options.onVisible || nothing;
    var beforeReconnect = options.beforeReconnect || null;
    var canReconnect = options.canReconnect || function () { return true; };

    var socket = null;
    var openedAt = 0;
    var attempt = 0;
    var reconnectTimer = null;

    function setStatus(state) {
      if (options.status) {
        options.status.setAttribute("data-state", state);
        options.status.textContent = STATUS_TEXT[state];
      }
    }

    function cancelReconnect() {
      if (reconnectTimer !== null) {
        clearTimeout(reconnectTimer);
        reconnectTimer = null;
      }
    }

    function nextDelay() {
      var delay = Math.min(backoffMaxMs, backoffMinMs * Math.pow(2, attempt));
      if (jitter > 0) {
        delay = Math.round(delay * (1 - jitter + Math.random() * 2 * jitter));
      }
      attempt = Math.min(attempt + 1, MAX_ATTEMPT);
      return delay;
    }

    function scheduleReconnect() {
      if (reconnectTimer !== null || !canReconnect()) {
        return;
      }
      reconnectTimer = setTimeout(function () {
        reconnectTimer = null;
        if (beforeReconnect === null) {
          connect();
          return;
        }
        beforeReconnect().then(connect, function () {
          setStatus("reconnecting");
          scheduleReconnect();
        });
      }, nextDelay());
    }

    function connect() {
      cancelReconnect();
      if (socket !== null) {
        return;
      }
      var ws;
      try {
        ws = new WebSocket(options.url());
      } catch (ignored) {
        setStatus("reconnecting");
        scheduleReconnect();
        return;
      }
      socket = ws;
      ws.onopen = function () {
        if (socket !== ws) {
          return;
        }
        openedAt = Date.now();
        onOpen();
        setStatus("connected");
      };
      ws.onmessage = function (event) {
        if (socket === ws && typeof event.data === "string") {
          onMessage(event.data);
        }
      };
      ws.onclose = function () {
        if (socket !== ws) {
          return;
        }
        if (openedAt && Date.now() - openedAt >= stableMs) {
          attempt = 0;
        }
        socket = null;
        openedAt = 0;
        onClose();
        setStatus("reconnecting");
        scheduleReconnect();
      };
      ws.onerror = function () {
        /* a close event follows */
      };
    }

    // The network is back or the tab is shown again: no need to sit out the backoff.
    function reconnectNow() {
      if (socket !== null) {
        return;
      }
      attempt = 0;
      cancelReconnect();
      if (options.retryNowWaits) {
        scheduleReconnect();
      } else {
        connect();
      }
    }

    // Closes the connection for good: its close event is ignored, and no attempt is left scheduled.
    function close() {
      if (socket !== null) {
        var ws = socket;
        socket = null;
        ws.close();
      }
      cancelReconnect();
    }

    function isOpen() {
      return socket !== null && socket.readyState === WebSocket.OPEN;
    }

    // Sends a text frame; false when the connection is not open or the send failed.
    function send(text) {
      if (!isOpen()) {
        return false;
      }
      try {
        socket.send(text);
        return true;
      } catch (ignored) {
        return false;
      }
    }

    window.addEventListener("online", reconnectNow);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") {
        reconnectNow();
        onVisible();
      }
    });

    return {
      connect: connect,
      scheduleReconnect: scheduleReconnect,
      reconnectNow: reconnectNow,
      close: close,
      send: send,
      setStatus: setStatus,
      isOpen: isOpen,
      hasSocket: function () { return socket !== null; }, // open, or still opening
      reconnectScheduled: function () { return reconnectTimer !== null; }
    };
  }

  // The websocket URL of ``path`` on the page's own host (wss: on an https: page).
  MppReconnectingSocket.pageUrl = function (path) {
    var scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
    return scheme + "//" + window.location.host + path;
  };

  window.MppReconnectingSocket = MppReconnectingSocket;
})();
