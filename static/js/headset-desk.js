/* The headset desk: each scan (a hardware scanner types the code and Enter) is sent as
   JSON; only the answer to the latest scan may change the screen, and each verdict names
   the code it is about. Without this script the same form posts and the page answers. */
(function () {
  "use strict";
  var root = document.getElementById("headset-desk");
  var form = document.getElementById("headset-form");
  if (!root || !form || !window.fetch) return;
  var code = document.getElementById("code");
  var guest = document.getElementById("guest");
  var guestLine = document.getElementById("guest-line");
  var verdict = document.getElementById("verdict");
  var outCount = document.getElementById("out-count");
  var latest = 0;

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }
  function looksLikeBadge(text) {
    var t = text.replace(/\s+/g, "").toUpperCase();
    return t.indexOf("EH1") === 0 && t.length >= 20;
  }

  function showGuest(data) {
    guestLine.textContent = "";
    if (!guest.value) {
      guestLine.appendChild(el("span", "text-body-secondary", guestLine.dataset.none || ""));
      return;
    }
    if (data && data.latin_name) {
      guestLine.appendChild(el("strong", "", data.latin_name));
      if (data.native_name && data.native_name !== data.latin_name) {
        guestLine.appendChild(document.createTextNode(" "));
        guestLine.appendChild(el("span", "native-name", data.native_name));
      }
    }
  }

  function button(label, className, onClick) {
    var b = el("button", className, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }

  function show(data) {
    var tone = data.ok ? "success" : data.result === "refused" ? "danger" : "warning";
    var icon = data.ok ? "check-circle-fill" : data.result === "refused" ? "x-circle-fill" : "exclamation-triangle-fill";
    var box = el("div", "p-3 rounded text-bg-" + tone);
    box.dataset.code = data.code;
    box.dataset.result = data.result;
    var title = el("p", "fs-1 fw-bold mb-1");
    var i = el("i", "bi bi-" + icon);
    i.setAttribute("aria-hidden", "true");
    title.appendChild(i);
    title.appendChild(document.createTextNode(" "));
    title.appendChild(el("span", "headset-title", data.title));
    box.appendChild(title);
    if (data.latin_name) box.appendChild(el("p", "fs-3 fw-semibold mb-0", data.latin_name));
    if (data.native_name && data.native_name !== data.latin_name) box.appendChild(el("p", "fs-3 mb-0 native-name", data.native_name));
    if (data.delegation) box.appendChild(el("p", "mb-0", data.delegation));
    if (data.reason) box.appendChild(el("p", "fs-5 mb-0", data.reason));
    box.appendChild(el("p", "small mb-0 mt-1", fill(root.dataset.scanned, { code: data.code })));
    verdict.textContent = "";
    verdict.appendChild(box);
    if (data.result === "holds") {
      var actions = el("div", "d-flex flex-wrap gap-2 mt-2");
      (data.held || []).forEach(function (number) {
        actions.appendChild(button(fill(root.dataset["return"], { number: number }), "btn btn-outline-dark btn-lg", function () { send(number, false); }));
      });
      if (data.headset) {
        actions.appendChild(button(fill(root.dataset.swap, { old: data.held.join(", "), "new": data.headset }), "btn btn-primary btn-lg", function () { send(data.headset, true); }));
      }
      verdict.appendChild(actions);
    }
  }

  function answered(data, sent) {
    // The guest this answer leaves chosen: a badge's holder, or nobody after a loan; a
    // refused badge unchooses itself only if it is still the one chosen.
    if (data.result === "refused") {
      if (guest.value === sent) guest.value = "";
    } else {
      guest.value = data.guest_code || "";
    }
    showGuest(data.guest_code ? data : null);
    show(data);
    if (typeof data.out_count === "number") outCount.textContent = fill(root.dataset.out, { num: data.out_count });
  }

  function send(text, swap) {
    var token = ++latest;
    code.focus(); // after a Return or Swap button too: the scanner types into the field
    var body = new FormData(form);
    body.set("code", text);
    if (swap) body.set("swap", "1");
    if (looksLikeBadge(text)) guest.value = text.replace(/\s+/g, "").toUpperCase();
    show({ result: "checking", ok: false, code: text, title: root.dataset.checking });
    verdict.firstChild.className = "p-3 rounded text-bg-secondary";
    fetch(root.dataset.scanUrl, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json", "X-CSRFToken": root.dataset.csrf },
      credentials: "same-origin",
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (token !== latest) return; // an answer to an earlier scan: the screen is the newer one's
        if (!data.result) data = { result: "refused", ok: false, code: text, title: data.error || "", reason: data.message || "" };
        answered(data, text);
      })
      .catch(function () {
        if (token === latest) show({ result: "refused", ok: false, code: text, title: root.dataset.network });
      });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = code.value.trim();
    code.value = "";
    code.focus();
    if (text) send(text, false);
  });
})();
