// A gate device's home: enrols the device from the link's fragment (#enrol=<token>, which
// browsers never send to the server), then lists the checkpoints its token scans at. The
// list is kept on the device, so the installed app starts and lists them without network.
(function () {
  "use strict";
  var root = document.getElementById("gate-device");
  if (!root) return;
  var texts = document.getElementById("device-texts").dataset;
  var key = root.dataset.tokenKey;
  var listKey = key + ":checkpoints";

  var match = /^#enrol=(.+)$/.exec(location.hash);
  if (match) {
    try { localStorage.setItem(key, decodeURIComponent(match[1])); } catch (e) { /* private mode */ }
    // The token leaves the address bar (and the history) at once.
    history.replaceState(null, "", location.pathname + location.search);
  }
  var token = localStorage.getItem(key);

  function show(id) { document.getElementById(id).classList.remove("d-none"); }

  // Revoked or expired: nothing of the event stays on the device.
  function wipe() {
    try { localStorage.clear(); sessionStorage.clear(); } catch (e) { /* nothing kept */ }
    var jobs = [];
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ wipe: true });
    }
    if (window.caches) {
      jobs.push(caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return caches.delete(name); }));
      }));
    }
    if (navigator.serviceWorker) {
      jobs.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(jobs.map(function (job) { return job.catch(function () {}); }));
  }

  function scannerUrl(slug) { return root.dataset.scannerUrl.replace("__ref__", encodeURIComponent(slug)); }

  function render(data) {
    var list = document.getElementById("device-checkpoints");
    list.replaceChildren();
    document.getElementById("device-label").textContent = data.label || "";
    if (!data.checkpoints.length) {
      var none = document.createElement("p");
      none.className = "text-muted";
      none.textContent = texts.none;
      list.appendChild(none);
    }
    data.checkpoints.forEach(function (checkpoint) {
      var a = document.createElement("a");
      a.className = "list-group-item list-group-item-action";
      a.href = scannerUrl(checkpoint.slug);
      var name = document.createElement("span");
      name.className = "fw-semibold";
      name.textContent = (root.dataset.lang === "zh" && checkpoint.name_zh) || checkpoint.name_en;
      var detail = document.createElement("span");
      detail.className = "d-block small text-muted";
      detail.textContent = checkpoint.reentry ? texts.reentry : texts.once;
      a.append(name, detail);
      list.appendChild(a);
    });
  }

  function precache(data) {
    // The app's start page, each checkpoint's scanner and their scripts, for offline starts.
    if (!("serviceWorker" in navigator)) return;
    navigator.serviceWorker.register(root.dataset.worker, { scope: root.dataset.scope }).catch(function () {});
    var assets = [location.pathname].concat(JSON.parse(root.dataset.assets));
    document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
      assets.push(el.getAttribute("href") || el.getAttribute("src"));
    });
    data.checkpoints.forEach(function (checkpoint) { assets.push(scannerUrl(checkpoint.slug)); });
    // (The cache refuses a list that names one address twice.)
    assets = assets.filter(function (url, index) { return assets.indexOf(url) === index; });
    navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ precache: assets });
    });
  }

  if (!token) { show("device-not-enrolled"); return; }
  var kept = null;
  try { kept = JSON.parse(localStorage.getItem(listKey)); } catch (e) { kept = null; }
  if (kept) render(kept);
  GateNet.request(root.dataset.checkpointsUrl, { token: token }).then(function (data) {
    try { localStorage.setItem(listKey, JSON.stringify(data)); } catch (e) { /* full */ }
    render(data);
    try { precache(data); } catch (e) { /* it starts online only */ }
  }).catch(function (error) {
    if (error.wipe) {
      wipe().then(function () {
        document.getElementById("device-checkpoints").replaceChildren();
        document.getElementById("device-label").textContent = "";
        show("device-revoked");
      });
    } else if (error.kind === "auth") {
      show("device-not-enrolled");
    } else {
      document.getElementById("device-state").textContent = texts.offline;
      if (kept) precache(kept);
    }
  });
})();
