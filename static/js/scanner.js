// The scanner page: a hardware scanner types the code and Enter into the focused field;
// the answer fills the screen in green, amber or red with a sound. One hand, no clicks.
(function () {
  "use strict";
  var root = document.getElementById("scanner");
  if (!root) return;
  var texts = document.getElementById("texts").dataset;
  var input = document.getElementById("code");
  var answer = document.getElementById("answer");
  var recent = document.getElementById("recent");
  var people = document.getElementById("people");
  var network = document.getElementById("network");
  var audio = null;

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "s-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  function beep(result) {
    // One high tone for yes, two low ones for no: heard over a crowd without looking.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = result === "admitted" ? [880] : result === "already_admitted" ? [660, 660] : [220, 220];
      tones.forEach(function (frequency, index) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        oscillator.frequency.value = frequency;
        gain.gain.value = 0.2;
        oscillator.connect(gain).connect(audio.destination);
        var start = audio.currentTime + index * 0.18;
        oscillator.start(start);
        oscillator.stop(start + 0.14);
      });
    } catch (error) { /* no sound on this device: the colour says it */ }
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": root.dataset.csrf, Accept: "application/json" },
      body: JSON.stringify(body || {}),
      credentials: "same-origin",
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw { message: data.message || response.statusText, http: true };
        return data;
      });
    });
  }

  function online(state) {
    network.textContent = state ? texts.online : texts.offline;
    network.className = "badge " + (state ? "text-bg-success" : "text-bg-danger");
  }

  function show(data) {
    answer.className = "scan-answer scan-" + data.result;
    document.getElementById("answer-verdict").textContent = texts[data.result] || data.result;
    var person = data.participant || {};
    document.getElementById("answer-name").textContent = person.name || "";
    document.getElementById("answer-native").textContent =
      person.native_name && person.native_name !== person.name ? person.native_name : "";
    document.getElementById("answer-detail").textContent = [person.category_label, person.delegation, person.country]
      .filter(Boolean).join(" · ");
    document.getElementById("answer-reason").textContent = data.result === "admitted" ? "" : data.reason;
    beep(data.result);
    if (data.recent) list(data.recent);
  }

  function list(items) {
    recent.replaceChildren();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center scan-row-" + item.result;
      var when = new Date(item.time).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
      var label = document.createElement("span");
      label.textContent = when + " · " + item.name + " · " + (texts[item.result] || item.result) +
        (item.undone ? " (" + texts.undone + ")" : "");
      li.appendChild(label);
      if (!item.undone && item.result === "admitted") {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-secondary";
        button.textContent = texts.undo;
        button.addEventListener("click", function () {
          post(root.dataset.undoUrl.replace(/0\/undo$/, item.id + "/undo")).then(function (data) {
            list(data.recent);
            input.focus();
          });
        });
        li.appendChild(button);
      }
      recent.appendChild(li);
    });
  }

  function scan(code) {
    post(root.dataset.scanUrl, { code: code, client_scan_id: uuid() })
      .then(function (data) { online(true); show(data); })
      .catch(function (error) {
        if (error && error.http) { show({ result: "invalid", reason: error.message }); return; }
        online(false);
      });
  }

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    if (code) scan(code);
    input.focus();
  });
  answer.addEventListener("click", function () { answer.classList.add("d-none"); input.focus(); });
  // Keep the field focused for the hardware scanner, except while searching by name.
  document.addEventListener("keydown", function (event) {
    if (document.activeElement && document.activeElement.id === "search") return;
    if (event.key.length === 1 && document.activeElement !== input) input.focus();
  });

  document.getElementById("search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var q = document.getElementById("search").value.trim();
    if (!q) return;
    fetch(root.dataset.searchUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        people.replaceChildren();
        if (!data.people.length) {
          var none = document.createElement("li");
          none.className = "list-group-item text-muted";
          none.textContent = texts.nobody;
          people.appendChild(none);
        }
        data.people.forEach(function (person) {
          var li = document.createElement("li");
          li.className = "list-group-item d-flex justify-content-between align-items-center";
          var label = document.createElement("span");
          label.textContent = person.name + (person.native_name ? " · " + person.native_name : "") +
            (person.delegation ? " · " + person.delegation : "");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-sm btn-primary";
          button.textContent = texts.admit;
          button.addEventListener("click", function () {
            post(root.dataset.admitUrl.replace(/\/0$/, "/" + person.id), { client_scan_id: uuid() })
              .then(show).catch(function () { online(false); });
          });
          li.append(label, button);
          people.appendChild(li);
        });
      });
  });
  input.focus();
})();
