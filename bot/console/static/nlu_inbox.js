/* NLU inbox page of the console (supervisors): lists the groups of misunderstood messages and saves
 * one label per group.
 *
 *   GET  /console/api/me          the CSRF token for the POST
 *   GET  /console/api/nlu/inbox   {groups: [...], labels: [...], intents: [...]}
 *   POST /console/api/nlu/labels  {group_id, label: "intent:<name>" | "discard"}
 *
 * Citizens' texts are only ever put into the page as textContent.
 */
(function () {
  "use strict";

  var API = "/console/api";
  var NEW_INTENT = "__new__";
  var DISCARD = "discard";
  var REASON_LABEL = {
    low_confidence: "keyakinan rendah",
    fallback: "fallback",
    out_of_scope: "di luar cakupan",
    before_handoff: "sebelum dialihkan",
    forwarded: "dijawab petugas"
  };
  var csrf = "";
  var el = {};

  function make(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text !== undefined) {
      element.textContent = text;
    }
    return element;
  }

  function showError(message) {
    el.error.textContent = message;
    el.error.hidden = !message;
  }

  function call(method, path, body) {
    var headers = { Accept: "application/json" };
    var options = { method: method, headers: headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-Token"] = csrf;
      options.body = JSON.stringify(body);
    }
    return fetch(API + path, options).then(function (response) {
      if (response.status === 401) {
        window.location.assign("/console/login");
        throw new Error("Sesi berakhir. Silakan masuk kembali.");
      }
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        if (!response.ok) {
          throw new Error(data.message || "Terjadi kesalahan (HTTP " + response.status + ").");
        }
        return data;
      });
    }, function () {
      throw new Error("Tidak dapat menghubungi server. Periksa koneksi lalu coba lagi.");
    });
  }

  function labelText(label) {
    if (label === DISCARD) {
      return "dibuang";
    }
    return label.indexOf("intent:") === 0 ? label.slice("intent:".length) : label;
  }

  function chosenLabel(select, input) {
    if (select.value === NEW_INTENT) {
      var name = input.value.trim();
      return name ? "intent:" + name : "";
    }
    return select.value;
  }

  function labelForm(group) {
    var form = make("form", "nlu-label-form");
    form.setAttribute("autocomplete", "off");
    form.noValidate = true;
    var selectId = "label-" + group.id;
    var caption = make("label", "field-label", "Label");
    caption.htmlFor = selectId;
    var select = make("select", "nlu-label-select");
    select.id = selectId;
    select.setAttribute("data-testid", "nlu-label-select");
    select.appendChild(new Option("Pilih intent…", ""));
    el.intents.forEach(function (intent) {
      select.appendChild(new Option(intent, "intent:" + intent));
    });
    select.appendChild(new Option("Intent baru…", NEW_INTENT));
    select.appendChild(new Option("Buang (bukan data latih)", DISCARD));
    if (group.predicted_intent && el.intents.indexOf(group.predicted_intent) >= 0) {
      select.value = "intent:" + group.predicted_intent;
    }
    var input = make("input", "nlu-new-intent");
    input.setAttribute("aria-label", "Nama intent baru (huruf kecil, angka, garis bawah)");
    input.setAttribute("placeholder", "nama_intent_baru");
    input.setAttribute("data-testid", "nlu-new-intent");
    input.setAttribute("list", "nlu-intents");
    input.hidden = true;
    var button = make("button", "button button-primary", "Simpan label");
    button.type = "submit";
    button.setAttribute("data-testid", "nlu-label-save");
    var result = make("p", "nlu-saved");
    result.setAttribute("data-testid", "nlu-saved");
    result.setAttribute("role", "status");
    select.addEventListener("change", function () {
      input.hidden = select.value !== NEW_INTENT;
      if (!input.hidden) {
        input.focus();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var label = chosenLabel(select, input);
      if (!label) {
        showError("Pilih intent, tulis nama intent baru, atau pilih Buang.");
        return;
      }
      button.disabled = true;
      call("POST", "/nlu/labels", { group_id: group.id, label: label }).then(function (saved) {
        showError("");
        result.textContent = "Tersimpan: " + labelText(saved.label);
        form.parentNode.setAttribute("data-state", "labelled");
        renderLabel(saved, true);
      }, function (error) {
        showError(error.message);
      }).then(function () {
        button.disabled = false;
      });
    });
    form.appendChild(caption);
    form.appendChild(select);
    form.appendChild(input);
    form.appendChild(button);
    form.appendChild(result);
    return form;
  }

  function renderGroup(group) {
    var item = make("li", "nlu-group");
    item.setAttribute("data-testid", "nlu-group");
    item.setAttribute("data-group-id", group.id);
    item.appendChild(make("p", "nlu-representative", group.representative));
    var facts = [group.count + " pesan"];
    if (group.predicted_intent) {
      var confidence = typeof group.confidence === "number" ? " (" + Math.round(group.confidence * 100) + "%)" : "";
      facts.push("tebakan model: " + group.predicted_intent + confidence);
    }
    facts.push((group.reasons || []).map(function (reason) {
      return REASON_LABEL[reason] || reason;
    }).join(", "));
    var meta = make("p", "nlu-meta", facts.join(" · "));
    meta.setAttribute("data-testid", "nlu-meta");
    item.appendChild(meta);
    if ((group.texts || []).length > 1) {
      var details = make("details", "nlu-texts");
      details.appendChild(make("summary", "", group.texts.length + " teks dalam kelompok ini"));
      var list = make("ul", "");
      group.texts.forEach(function (text) {
        list.appendChild(make("li", "", text.text + (text.count > 1 ? " (" + text.count + "×)" : "")));
      });
      details.appendChild(list);
      item.appendChild(details);
    }
    item.appendChild(labelForm(group));
    return item;
  }

  function renderLabel(label, first) {
    var texts = label.texts || [];
    var item = make("li", "nlu-label");
    item.setAttribute("data-testid", "nlu-label");
    item.appendChild(make("strong", "", labelText(label.label)));
    item.appendChild(document.createTextNode(" — " + (texts[0] || "") +
      (texts.length > 1 ? " (+" + (texts.length - 1) + " teks)" : "")));
    if (first) {
      el.labels.insertBefore(item, el.labels.firstChild);
    } else {
      el.labels.appendChild(item);
    }
  }

  function render(data) {
    el.intents = (data.intents || []).slice();
    el.datalist.textContent = "";
    el.intents.forEach(function (intent) {
      el.datalist.appendChild(new Option(intent, intent));
    });
    el.groups.textContent = "";
    (data.groups || []).forEach(function (group) {
      el.groups.appendChild(renderGroup(group));
    });
    el.labels.textContent = "";
    (data.labels || []).slice().reverse().forEach(function (label) {
      renderLabel(label, false);
    });
    var count = (data.groups || []).length;
    el.status.textContent = count ? count + " kelompok menunggu label." : "Tidak ada pesan yang menunggu label.";
  }

  function load() {
    el.status.textContent = "Memuat…";
    el.reload.disabled = true;
    return call("GET", "/me").then(function (me) {
      csrf = me.csrf || "";
      return call("GET", "/nlu/inbox");
    }).then(render, function (error) {
      el.status.textContent = "";
      showError(error.message);
    }).then(function () {
      el.reload.disabled = false;
    });
  }

  function start() {
    el.groups = document.getElementById("nlu-groups");
    el.labels = document.getElementById("nlu-labels");
    el.status = document.getElementById("nlu-status");
    el.error = document.getElementById("nlu-error");
    el.reload = document.getElementById("nlu-reload");
    el.datalist = document.getElementById("nlu-intents");
    el.intents = [];
    el.reload.addEventListener("click", load);
    load();
  }

  document.addEventListener("DOMContentLoaded", start);
})();
