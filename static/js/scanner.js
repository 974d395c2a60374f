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
  // One clock for the whole page, as the server's verdicts say it: the event's time zone,
  // 24 h, in the page's language (not the browser's zone or 12 h clock).
  var lang = document.documentElement.lang || undefined;
  var zone = root.dataset.timeZone || undefined;
  var clockHm = new Intl.DateTimeFormat(lang, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  var clockHms = new Intl.DateTimeFormat(lang, {
    timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  var plurals = new Intl.PluralRules(lang);
  // A count in the page's language: the template gives both gettext forms (data-KEY-one,
  // data-KEY-other); a language with one form (Chinese) gives the same text twice.
  function counted(key, n) {
    var text = (plurals.select(n) === "one" && texts[key + "One"]) || texts[key + "Other"];
    return text.replace("%(num)s", n.toLocaleString(lang));
  }
  // Offline: the roster (rules and people, judged at scan time by gate-roster.js) and the
  // queue of scans made without the network live in localStorage, which survives a reload,
  // a crash and a closed tab. (A gate device's scanners all post to the API's one address:
  // each keeps its own.)
  var store = "eventhub:" + (root.dataset.store || root.dataset.scanUrl);
  var rosterStatus = document.getElementById("roster-status");
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

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "s-" + Date.now() + "-" + Math.random().toString(16).slice(2);
  }

  function beep(result) {
    // One high tone for yes, two low ones for no: heard over a crowd without looking.
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = result === "admitted" || result === "exited" ? [880] : result === "already_admitted" ? [660, 660] : [220, 220];
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
    GateRoster.clear();
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

  // Scans made offline before the revocation still count: they are handed in once (the
  // server keeps those made before it, for a day), whatever the answer, then wiped.
  var leaving = false;
  function signedOut() {
    if (wiped || leaving) return;
    leaving = true;
    var last = queue.length
      ? GateNet.request(root.dataset.batchUrl, net("POST", withCheckpoint({ scans: queue.slice(0, 500) })))
      : Promise.resolve();
    last.catch(function () {}).then(wipe).then(function () {
      root.replaceChildren(document.getElementById("signed-out").content.cloneNode(true));
    });
  }

  // A gate device (no login) carries the token it was enrolled with; a staff member's page
  // its session and CSRF token, refreshed when it expires (a shift outlasts it).
  var device = root.dataset.device === "1";
  var token = device ? localStorage.getItem(root.dataset.tokenKey) : null;
  GateRoster.configure(root.dataset.rosterUrl, store + ":roster", token);
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
    if (waiting && queue.length) waiting.textContent = counted("waiting", queue.length);
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

  // An address with a 0 for the id: the staff's ".../admit/0", the API's ".../0/admit".
  function withId(url, id) {
    return url.replace(/\/0(\/[a-z]+)?$/, function (all, tail) { return "/" + id + (tail || ""); });
  }

  // A photo: the staff's page shows it by its address (the login cookie goes along); a
  // gate device fetches it with its token, which an <img> cannot send.
  var photoShown = null;
  function showPhoto(img, url, alt) {
    if (photoShown && img.id === "answer-photo") { URL.revokeObjectURL(photoShown); photoShown = null; }
    if (alt) img.alt = alt;
    if (!url) { img.removeAttribute("src"); img.classList.add("d-none"); return; }
    if (!device) { img.src = url; img.classList.remove("d-none"); return; }
    img.removeAttribute("src");
    img.classList.add("d-none");
    fetch(url, { headers: { Authorization: "Bearer " + token }, credentials: "omit" })
      .then(function (response) { return response.ok ? response.blob() : null; })
      .then(function (blob) {
        if (!blob) return;
        var shown = URL.createObjectURL(blob);
        if (img.id === "answer-photo") photoShown = shown;
        img.src = shown;
        img.classList.remove("d-none");
      })
      .catch(function () { /* offline: the name and details say who it is */ });
  }

  // A gate device's last scans: the API answers one scan at a time, so the device lists
  // what it was told (the staff's page gets the list from the server with each answer).
  var deviceRecent = device ? load("recent", []) : [];
  function noteRecent(data) {
    if (!device || !data.scan_id) return;
    var person = data.participant || {};
    deviceRecent = [{ id: data.scan_id, time: new Date().toISOString(), result: data.result,
      name: person.name || "", undone: false }]
      .concat(deviceRecent.filter(function (item) { return item.id !== data.scan_id; })).slice(0, 10);
    save("recent", deviceRecent);
    list(deviceRecent);
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

  function post(url, body, signal) {
    var options = net("POST", withCheckpoint(body || {}));
    options.signal = signal;  // the scan's own give-up after 1.5 s (scan())
    return GateNet.request(url, options).catch(function (error) {
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
    var waiting = queue.length ? " · " + counted("waiting", queue.length) : "";
    network.textContent = (state ? texts.online : texts.offline) + waiting;
    network.className = "badge " + (state ? (queue.length ? "text-bg-warning" : "text-bg-success") : "text-bg-danger");
  }

  function refreshRoster() {
    if (wiped) return Promise.resolve();
    return GateRoster.sync().then(showRoster).catch(function (response) {
      if (response && response.status) checkRevoked(response);  // else: keep the last roster
    });
  }

  function showRoster() {
    var state = GateRoster.status();
    if (!rosterStatus) return;
    if (!state.syncedAt) { rosterStatus.textContent = texts.noroster; return; }
    rosterStatus.textContent = counted("synced", state.people)
      .replace("%(time)s", clockHm.format(new Date(state.syncedAt)));
  }

  // One batch in flight at a time: on a slow link the 5 s timer, a scan's answer and the
  // "online" event would each start another upload of the same scans.
  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    if (!queue.length || needsSignIn) { if (!needsSignIn) online(isOnline); return Promise.resolve(); }
    flushing = upload().then(function () { flushing = null; });
    return flushing;
  }

  function upload() {
    var sending = queue.slice(0, 200);
    return post(root.dataset.batchUrl, { scans: sending }).then(function (data) {
      var sent = {};
      sending.forEach(function (item) { sent[item.client_scan_id] = true; });
      queue = queue.filter(function (item) { return !sent[item.client_scan_id]; });
      save("queue", queue);
      online(true);
      if (data.recent) list(data.recent);
      if (queue.length && !needsSignIn) return upload();
    }).catch(function (error) {
      // Refused whole (a malformed batch) the server still answers: online; no answer
      // (network, timeout, a server restarting): offline, sent again in 5 s.
      online(!GateNet.transient(error));
    });
  }

  // Each verdict has its own icon and word, not just a colour (colour-blind staff, sunlight).
  var ICONS = {
    admitted: "bi-check-circle-fill", already_admitted: "bi-exclamation-triangle-fill",
    denied: "bi-x-octagon-fill", invalid: "bi-question-octagon-fill", checking: "bi-hourglass-split",
    exited: "bi-box-arrow-right",
  };

  function show(data) {
    answer.className = "scan-answer scan-" + data.result + (data.offline ? " scan-offline" : "");
    answer.dataset.verdict = data.result;
    document.getElementById("answer-icon").className = "scan-icon bi " + (ICONS[data.result] || ICONS.invalid);
    document.getElementById("answer-verdict").textContent =
      (texts[data.result] || data.result) + (data.offline ? " · " + texts.offlinemark : "");
    document.getElementById("answer-mode").classList.toggle("d-none", !data.offline);
    document.getElementById("answer-duplicate").classList.toggle("d-none", !data.duplicate);
    var person = data.participant || {};
    document.getElementById("answer-name").textContent = person.name || "";
    document.getElementById("answer-native").textContent =
      person.native_name && person.native_name !== person.name ? person.native_name : "";
    document.getElementById("answer-detail").textContent = [person.category_label, person.delegation, person.country]
      .filter(Boolean).join(" · ");
    // "Welcome." goes unsaid; a VIP to meet, or the places left in the room, are said.
    var reason = data.result === "admitted" && !data.attention ? "" : data.reason;
    if (typeof data.places_left === "number") {
      reason = [reason, counted("placesleft", data.places_left)].filter(Boolean).join(" ");
    }
    // Judged offline at a door with a capacity: others' entries since the sync are unknown.
    if (data.estimated) reason = [reason, texts.estimated].filter(Boolean).join(" ");
    document.getElementById("answer-reason").textContent = reason;
    var photo = document.getElementById("answer-photo");
    var photoUrl = data.photo_url;
    if (device && person.id && data.result !== "checking" && !data.offline) {
      photoUrl = withId(root.dataset.photoUrl, person.id);
    }
    showPhoto(photo, photoUrl);
    if (data.result !== "checking") beep(data.result);
    if (data.recent) list(data.recent);
  }

  function list(items) {
    recent.replaceChildren();
    items.forEach(function (item) {
      var li = document.createElement("li");
      li.className = "list-group-item d-flex justify-content-between align-items-center scan-row-" + item.result;
      var when = clockHms.format(new Date(item.time));
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
          post(withId(root.dataset.undoUrl, item.id)).then(function (data) {
            if (data.recent) list(data.recent);
            else {  // a gate device: the API answers with the scan, now undone
              deviceRecent.forEach(function (row) { if (row.id === item.id) row.undone = true; });
              save("recent", deviceRecent);
              list(deviceRecent);
            }
            input.focus();
          }).catch(function (error) {
            if (error && error.message) show({ result: "invalid", reason: error.message });
          });
        });
        li.appendChild(button);
      }
      recent.appendChild(li);
    });
  }

  function answered(data) {
    // The server's answer, also remembered for offline verdicts to come.
    GateRoster.noteAnswer(data);
    show(data);
    noteRecent(data);
  }

  // Only the latest scan may change the screen: an answer for an earlier one is dropped.
  var latest = 0;
  var lastCode = "", lastAt = 0;

  function setting(name, fallback) {
    var value = parseInt(root.dataset[name], 10);
    return isNaN(value) ? fallback : value;
  }

  function scan(code) {
    // The same badge again within a few seconds is one person: a camera re-reading a badge
    // still in view, or a scanner in presentation mode sending twice. The verdict stays.
    // The same badge going the other way (a door for both directions) is a new scan.
    var way = document.querySelector('input[name="direction"]:checked');
    var key = (way ? way.value + ":" : "") + code.trim().toUpperCase().replace(/\s+/g, "");
    var now = Date.now();
    if (key === lastCode && now - lastAt < setting("debounceMs", 3000)) { lastAt = now; return; }
    lastCode = key;
    lastAt = now;
    var token = ++latest;
    var item = { code: code, client_scan_id: uuid(), scanned_at: new Date().toISOString() };
    // At a door for both directions, the scanner says which way this person goes.
    if (way) item.direction = way.value;
    // At once, nothing of the previous person stays on screen.
    show({ result: "checking", reason: "", participant: null });
    if (!isOnline) { offline(item, token); return; }
    var controller = window.AbortController ? new AbortController() : null;
    var settled = false;
    // A slow network does not hold up the queue: past the limit the roster judges, the
    // scan is queued and later sent with the same client_scan_id (recorded once).
    var timer = window.setTimeout(function () {
      if (settled) return;
      settled = true;
      if (controller) controller.abort();
      offline(item, token);
    }, setting("answerTimeoutMs", 1500));
    post(root.dataset.scanUrl, item, controller && controller.signal)
      .then(function (data) {
        if (settled) return;
        settled = true;
        window.clearTimeout(timer);
        online(true);
        if (token === latest) answered(data);
        else GateRoster.noteAnswer(data);
        flush();
      })
      .catch(function (error) {
        if (settled) return;
        settled = true;
        window.clearTimeout(timer);
        // A refusal is shown; a server that cannot answer now (a database restarting: 503,
        // or too busy: 429) is treated like no network: judged here, queued, sent later.
        if (error && error.http && error.status < 500 && error.status !== 429) {
          if (token === latest) show({ result: "invalid", reason: error.message });
          return;
        }
        online(false);
        offline(item, token);
      });
  }

  function offline(item, token) {
    GateRoster.judge(item.code, new Date(item.scanned_at), item.direction).then(function (verdict) {
      item.offline_result = verdict.result;
      item.offline_reason = verdict.reasonKey;
      queue.push(item);
      save("queue", queue);
      online(false);
      verdict.offline = true;
      if (token === undefined || token === latest) show(verdict);
    });
  }

  // A badge code as printed (codes.py: "EH1" and 26 base32 letters); scanners may send it in
  // lower case or with spaces.
  var BADGE_CODE = /EH1(?:\s*[A-Z2-7]){26}\s*$/i;

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    if (code) scan(code);
    // Enter in the empty field: the verdict on screen says "Press Enter ... for the next badge".
    else answer.classList.add("d-none");
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
    var box = document.getElementById("search");
    // A hardware scanner typed into the search box: a scan, and the box keeps what was typed.
    var typed = box.value.match(BADGE_CODE);
    if (typed) {
      box.value = box.value.slice(0, typed.index);
      scan(typed[0]);
      return;
    }
    var q = box.value.trim();
    if (!q) return;
    var found;
    if (device) {
      // The API's participants, as the staff's search gives them: approved, with a badge.
      found = GateNet.request(root.dataset.searchUrl + "?limit=10&q=" + encodeURIComponent(q), net("GET"))
        .then(function (data) {
          return { people: data.participants.filter(function (person) {
            return person.status === "approved";
          }).map(function (person) {
            return Object.assign({}, person, {
              photo_url: person.has_photo ? withId(root.dataset.photoUrl, person.id) : null,
            });
          }) };
        }, function (error) { checkRevoked(error); throw error; });
    } else {
      found = fetch(root.dataset.searchUrl + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
        .then(function (response) { checkRevoked(response); return response.json(); });
    }
    found
      .then(function (data) {
        people.replaceChildren();
        if (!data.people.length) {
          var none = document.createElement("li");
          none.className = "list-group-item text-muted";
          none.textContent = texts.nobody;
          people.appendChild(none);
        }
        data.people.forEach(function (person) {
          // Namesakes told apart: face, category, position, delegation and number.
          var li = document.createElement("li");
          li.className = "list-group-item d-flex gap-2 align-items-center search-person";
          var photo;
          if (person.photo_url) {
            photo = document.createElement("img");
            showPhoto(photo, person.photo_url, texts.photoOf.replace("%(name)s", person.name));
          } else {
            photo = document.createElement("span");
            photo.className = "bi bi-person";
            photo.setAttribute("aria-hidden", "true");
          }
          photo.classList.add("search-photo");
          var label = document.createElement("div");
          label.className = "flex-grow-1";
          var name = document.createElement("div");
          name.className = "fw-semibold";
          name.textContent = person.name + (person.native_name ? " · " + person.native_name : "");
          var about = document.createElement("div");
          about.className = "search-about";
          about.textContent = [person.category_label, person.position, person.delegation || person.country,
            person.number ? texts.number.replace("%(n)s", person.number) : ""].filter(Boolean).join(" · ");
          label.append(name, about);
          var button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-sm btn-primary text-nowrap";
          button.textContent = texts.admit;
          button.addEventListener("click", function () {
            var token = ++latest;
            show({ result: "checking", reason: "", participant: null });
            post(withId(root.dataset.admitUrl, person.id), { client_scan_id: uuid() })
              .then(function (data) { if (token === latest) answered(data); else noteRecent(data); })
              .catch(function (error) {
                // Refused (no longer approved, another checkpoint): said; no network: hidden.
                if (error && error.http && error.status < 500 && error.status !== 429) {
                  if (token === latest) show({ result: "invalid", reason: error.message });
                  return;
                }
                online(false);
                if (token === latest) answer.classList.add("d-none");
              });
          });
          li.append(photo, label, button);
          people.appendChild(li);
        });
      });
  });
  // Phones: the camera through ZXing (installed from npm, served from static/vendor).
  var reader = null;
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
      scan(result.getText());  // a badge still in view is read again and again: scan() debounces
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
        if (queue.length && !window.confirm(counted("unsent", queue.length))) return;
        wipe().then(function () { form.submit(); });
      });
    });
  });

  window.addEventListener("online", flush);
  window.setInterval(function () { if (queue.length || !isOnline) flush(); }, 5000);
  // Every 30 s: mostly a 304 or a small delta of the admissions at other gates.
  window.setInterval(refreshRoster, 30 * 1000);
  showRoster();
  if (device && !token) {
    signInAgain();  // opened on a device that was never enrolled (or was wiped)
    return;
  }
  refreshRoster();
  online(true);
  if (deviceRecent.length) list(deviceRecent);
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
