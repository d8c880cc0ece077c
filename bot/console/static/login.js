/*
 * Login page of the agent console. The page is static: the server reports a failed login either by
 * redirecting to /console/login?error=1 (?error=locked after too many attempts) or by answering the
 * POST with this page and status 401 (429 when locked); both are shown here. ?expired=1 (set by the
 * console when the session ran out) and ?logout=1 show an information line instead.
 */
(function () {
  "use strict";

  var TEXT = {
    wrong: "Nama pengguna atau kata sandi salah.",
    locked: "Terlalu banyak percobaan. Coba lagi beberapa menit lagi.",
    expired: "Sesi Anda telah berakhir. Silakan masuk kembali.",
    logout: "Anda telah keluar."
  };

  // The HTTP status this page was served with (Navigation Timing Level 2; absent in older browsers).
  function responseStatus() {
    try {
      var entries = window.performance.getEntriesByType("navigation");
      var status = entries.length ? entries[0].responseStatus : 0;
      return typeof status === "number" ? status : 0;
    } catch (ignored) {
      return 0;
    }
  }

  function show(id, text) {
    var element = document.getElementById(id);
    if (element) {
      element.textContent = text;
      element.hidden = false;
    }
  }

  function start() {
    var params;
    try {
      params = new URLSearchParams(window.location.search);
    } catch (ignored) {
      params = { get: function () { return null; } };
    }
    var error = params.get("error");
    var status = responseStatus();
    if (error === "locked" || status === 429) {
      show("login-error", TEXT.locked);
    } else if ((error !== null && error !== "") || status === 401) {
      show("login-error", TEXT.wrong);
    } else if (params.get("expired")) {
      show("login-info", TEXT.expired);
    } else if (params.get("logout")) {
      show("login-info", TEXT.logout);
    }

    var form = document.getElementById("login-form");
    var username = document.getElementById("login-username");
    var password = document.getElementById("login-password");
    if (error !== null || status === 401 || status === 429) {
      // After a failed attempt: the password field is empty, the username (if the browser kept it) stays.
      if (username && username.value && password) {
        password.focus();
      }
    }
    if (form) {
      form.addEventListener("submit", function (event) {
        if (username && password && (username.value.trim() === "" || password.value === "")) {
          event.preventDefault();
          show("login-error", "Isi nama pengguna dan kata sandi.");
          (username.value.trim() === "" ? username : password).focus();
        }
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
