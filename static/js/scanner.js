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
  // Offline: the roster (code digests and verdicts) and the queue of scans made without the
  // network live in localStorage, which survives a reload, a crash and a closed tab.
  // (A gate device's scanners all post to the API's one address: each keeps its own.)
  var store = "eventhub:" + (root.dataset.store || root.dataset.scanUrl);
  var roster = load("roster", null);
  var queue = load("queue", []);
  var isOnline = true;
  var wiped = false;

  function load(name, fallback) {
    try { return JSON.parse(localStorage.getItem(store + ":" + name)) || fallback; } catch (e) { return fallback; }
  }
  function save(name, value) {
    if (wiped) return;
    try { localStorage.setItem(store + ":" + name, JSON.stringify(value)); } catch (e) { /* full: keep in memory */ }
  }
  // The device's own date: gates are at the venue, in its time zone.
  function today() { return new Date().toLocaleDateString("sv"); }

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

  // Signed out by an organiser (a lost phone) or by logging out: nothing of the guest list,
  // the queue or the cached pages stays on the device.
  function wipe() {
    wiped = true;
    roster = null;
    queue = [];
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* nothing to clear */ }
    var jobs = [];
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      // The worker still serves this page after it is unregistered: it stops keeping.
      navigator.serviceWorker.controller.postMessage({ wipe: true });
    }
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    if (window.indexedDB && indexedDB.databases) {
      jobs.push(indexedDB.databases().then(function (databases) {
        return Promise.all(databases.map(function (database) {
          return new Promise(function (done) {
            var request = indexedDB.deleteDatabase(database.name);
            request.onsuccess = request.onerror = request.onblocked = done;
          });
        }));
      }));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
      }));
    }
    return Promise.all(jobs.map(function (job) { return job.catch(function () {}); }));
  }

  function signedOut() {
    if (wiped) return;
    wipe().then(function () {
      root.replaceChildren(document.getElementById("signed-out").content.cloneNode(true));
    });
  }

  // A gate device (no login) carries the token it was enrolled with; a staff member's page
  // its session and CSRF token, refreshed when it expires (a shift outlasts it).
  var device = root.dataset.device === "1";
  var token = device ? localStorage.getItem(root.dataset.tokenKey) : null;
  function net(method, body) {
    return {
      method: method, body: body, token: token,
      csrf: function () { return root.dataset.csrf; },
      refreshCsrf: function () {
        return GateNet.freshCsrf(root.dataset.csrfUrl).then(function (fresh) { root.dataset.csrf = fresh; });
      },
    };
  }

  // Signed out, logged out or no longer enrolled, without being told to wipe: never a
  // badge verdict; the page asks to sign in again and keeps its queue for afterwards
  // (the reloaded page sends it).
  var needsSignIn = false;
  function signInAgain() {
    if (needsSignIn || wiped) return;
    needsSignIn = true;
    root.replaceChildren(document.getElementById("sign-in-again").content.cloneNode(true));
    var waiting = document.getElementById("sign-in-waiting");
    if (waiting && queue.length) waiting.textContent = texts.waiting.replace("%(n)s", queue.length);
    var link = document.getElementById("sign-in-link");
    if (link) link.focus();
  }

  // A failure (GateNet's, or a Response of the page's own fetches) that says this device
  // was signed out or its token revoked: wipe everything. Other auth failures: sign in.
  function checkRevoked(failure) {
    if (failure && typeof failure.clone === "function") {
      if (failure.status !== 401 && failure.status !== 403) return Promise.resolve();
      return failure.clone().json().then(function (data) {
        checkRevoked({ kind: "auth", wipe: !!(data && data.wipe) });
      }).catch(function () { checkRevoked({ kind: "auth" }); });
    }
    if (failure && failure.wipe) signedOut();
    else if (failure && failure.kind === "auth") signInAgain();
    return Promise.resolve();
  }

  function withCheckpoint(body) {
    // The API names the checkpoint in each scan; the page's addresses name it already.
    if (!root.dataset.checkpoint || !body) return body;
    var ref = root.dataset.checkpoint;
    if (Array.isArray(body.scans)) {
      return { scans: body.scans.map(function (item) { return Object.assign({ checkpoint: ref }, item); }) };
    }
    return Object.assign({ checkpoint: ref }, body);
  }

  function post(url, body) {
    return GateNet.request(url, net("POST", withCheckpoint(body || {}))).catch(function (error) {
      if (error.kind !== "auth") throw error;
      // A scan refused for want of a login is no verdict on the badge: it waits in the
      // queue, and nothing is shown but the sign-in screen (this promise never settles).
      if (!error.wipe && url === root.dataset.scanUrl && body && body.code) {
        if (!queue.some(function (item) { return item.client_scan_id === body.client_scan_id; })) {
          queue.push(body);
          save("queue", queue);
        }
      }
      checkRevoked(error);
      return new Promise(function () {});
    });
  }

  function online(state) {
    isOnline = state;
    var waiting = queue.length ? " · " + texts.waiting.replace("%(n)s", queue.length) : "";
    network.textContent = (state ? texts.online : texts.offline) + waiting;
    network.className = "badge " + (state ? (queue.length ? "text-bg-warning" : "text-bg-success") : "text-bg-danger");
  }

  function digest(code) {
    var bytes = new TextEncoder().encode(code);
    return crypto.subtle.digest("SHA-256", bytes).then(function (hash) {
      return Array.from(new Uint8Array(hash)).map(function (b) { return b.toString(16).padStart(2, "0"); })
        .join("").slice(0, 24);
    });
  }

  function markSeen(participantId) {
    // Who came through here today, by this device's knowledge: its offline verdicts and
    // the server's answers (the roster may be older than a check-in made a minute ago).
    var seen = load("seen:" + today(), {});
    seen[participantId] = true;
    save("seen:" + today(), seen);
  }

  function judgeOffline(code) {
    // The roster's verdict for this code; once a day without re-entry, as this device saw it.
    return digest(code.trim().toUpperCase().replace(/\s+/g, "")).then(function (key) {
      var entries = (roster && roster.entries) || [];
      var seen = load("seen:" + today(), {});
      for (var i = 0; i < entries.length; i++) {
        var entry = entries[i];
        if (entry.code === key) {
          var result = entry.result, reason = entry.reason;
          if (result === "admitted" && !roster.reentry && seen[entry.participant.id]) {
            result = "already_admitted";
            reason = texts.seenhere;
          }
          if (result === "admitted") { markSeen(entry.participant.id); }
          return { result: result, reason: reason, participant: entry.participant };
        }
        if (entry.revoked.indexOf(key) >= 0) {
          return { result: "denied", reason: texts.revoked, participant: entry.participant };
        }
      }
      return { result: "invalid", reason: texts.unknown, participant: null };
    });
  }

  function refreshRoster() {
    return GateNet.request(root.dataset.rosterUrl, net("GET"))
      .catch(function (error) { checkRevoked(error); throw error; })
      .then(function (data) {
        // The API keeps whether re-entry is allowed with the checkpoint.
        if (data.reentry === undefined && data.checkpoint) data.reentry = data.checkpoint.reentry;
        if (!wiped) { roster = data; save("roster", data); }
      })
      .catch(function () { /* keep the last roster */ });
  }

  function flush() {
    if (!queue.length || needsSignIn) { if (!needsSignIn) online(isOnline); return Promise.resolve(); }
    var sending = queue.slice(0, 200);
    return post(root.dataset.batchUrl, { scans: sending }).then(function (data) {
      var sent = {};
      sending.forEach(function (item) { sent[item.client_scan_id] = true; });
      queue = queue.filter(function (item) { return !sent[item.client_scan_id]; });
      save("queue", queue);
      online(true);
      if (data.recent) list(data.recent);
      if (queue.length) return flush();
    }).catch(function (error) {
      // Refused whole (a malformed batch) the server still answers: online; no answer
      // (network, timeout, a server restarting): offline, sent again in 5 s.
      online(!GateNet.transient(error));
    });
  }

  function show(data) {
    answer.className = "scan-answer scan-" + data.result;
    document.getElementById("answer-verdict").textContent =
      (texts[data.result] || data.result) + (data.offline ? " · " + texts.offlinemark : "");
    var person = data.participant || {};
    document.getElementById("answer-name").textContent = person.name || "";
    document.getElementById("answer-native").textContent =
      person.native_name && person.native_name !== person.name ? person.native_name : "";
    document.getElementById("answer-detail").textContent = [person.category_label, person.delegation, person.country]
      .filter(Boolean).join(" · ");
    document.getElementById("answer-reason").textContent = data.result === "admitted" ? "" : data.reason;
    var photo = document.getElementById("answer-photo");
    if (data.photo_url) { photo.src = data.photo_url; photo.classList.remove("d-none"); }
    else { photo.removeAttribute("src"); photo.classList.add("d-none"); }
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

  function answered(data) {
    // The server's answer, also remembered for offline verdicts to come.
    if (data.participant && /admitted$/.test(data.result)) markSeen(data.participant.id);
    show(data);
  }

  function scan(code) {
    var item = { code: code, client_scan_id: uuid(), scanned_at: new Date().toISOString() };
    if (!isOnline) { offline(item); return; }
    post(root.dataset.scanUrl, item)
      .then(function (data) { online(true); answered(data); flush(); })
      .catch(function (error) {
        // A refusal is shown; a server that cannot answer now (a database restarting: 503,
        // or too busy: 429) is treated like no network: judged here, queued, sent later.
        if (error && error.http && error.status < 500 && error.status !== 429) {
          show({ result: "invalid", reason: error.message });
          return;
        }
        online(false);
        offline(item);
      });
  }

  function offline(item) {
    judgeOffline(item.code).then(function (verdict) {
      item.offline_result = verdict.result;
      queue.push(item);
      save("queue", queue);
      online(false);
      verdict.offline = true;
      show(verdict);
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
      .then(function (response) { checkRevoked(response); return response.json(); })
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
              .then(answered).catch(function () { online(false); });
          });
          li.append(label, button);
          people.appendChild(li);
        });
      });
  });
  // Phones: the camera through ZXing (installed from npm, served from static/vendor).
  var reader = null;
  var lastCode = "", lastAt = 0;
  var cameraButton = document.getElementById("camera-toggle");
  var video = document.getElementById("camera");
  cameraButton.addEventListener("click", function () {
    if (reader) {
      reader.reset();
      reader = null;
      video.classList.add("d-none");
      cameraButton.setAttribute("aria-pressed", "false");
      cameraButton.querySelector("span").textContent = texts.cameraOn;
      input.focus();
      return;
    }
    if (!window.ZXing) { alert(texts.noCamera); return; }
    reader = new ZXing.BrowserQRCodeReader();
    video.classList.remove("d-none");
    cameraButton.setAttribute("aria-pressed", "true");
    cameraButton.querySelector("span").textContent = texts.cameraOff;
    reader.decodeFromVideoDevice(undefined, video, function (result) {
      if (!result) return;
      var code = result.getText();
      var now = Date.now();
      if (code === lastCode && now - lastAt < 4000) return;  // the same badge still in view
      lastCode = code;
      lastAt = now;
      scan(code);
    }).catch(function () {
      alert(texts.noCamera);
      cameraButton.click();
    });
  });

  // Logging out from this page wipes it first (the server's Clear-Site-Data header does
  // the same where the browser honours it).
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      // Scans made offline are sent first: once wiped, they are gone.
      flush().then(function () {
        if (queue.length && !window.confirm(texts.unsent.replace("%(n)s", queue.length))) return;
        wipe().then(function () { form.submit(); });
      });
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(function () { if (queue.length || !isOnline) flush(); }, 5000);
  window.setInterval(refreshRoster, 5 * 60 * 1000);
  if (device && !token) {
    signInAgain();  // opened on a device that was never enrolled (or was wiped)
    return;
  }
  refreshRoster();
  online(true);
  if (queue.length) flush();
  if ("serviceWorker" in navigator && root.dataset.worker) {
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope }).catch(function () {});
    // What the page needs to open without the network: itself and its assets, kept by the
    // service worker in its own cache (it alone names and replaces that cache).
    var assets = [location.pathname];
    document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
      assets.push(el.getAttribute("href") || el.getAttribute("src"));
    });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ precache: assets });
    });
  }
  input.focus();
})();
