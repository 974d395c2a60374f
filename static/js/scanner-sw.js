// The scanner's service worker: the page and its assets come from the cache when the venue
// network is down, so a phone can start scanning without it. Scans themselves are queued by
// the page (scanner.js), not here.
"use strict";
var CACHE = "eventhub-scanner-v4";
// Set when the page was signed out: until the page goes, nothing more is kept.
var wiped = false;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  // Earlier versions' caches go (v1 kept any check-in page it was shown).
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("eventhub-scanner-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Forget every cached page and roster, and this worker too.
function wipe() {
  wiped = true;
  return caches.keys().then(function (names) {
    return Promise.all(names.map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.registration.unregister(); });
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.wipe) {
    event.waitUntil(wipe());
    return;
  }
  // The scanner page's list of what it needs offline (itself, its styles and scripts).
  var assets = event.data && event.data.precache;
  if (!Array.isArray(assets)) return;
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return wiped ? null : cache.addAll(assets);
  }).catch(function () {}));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (wiped || request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          return response;
        });
      })
    );
    return;
  }
  if (request.mode === "navigate" || url.pathname.slice(-12) === "/roster.json") {
    // Network first, the cached copy when there is no network.
    event.respondWith(
      fetch(request).then(function (response) {
        // The server sends a signed-out (or revoked) phone to the login page: the cached
        // scanner and its guest list must not open again, not even offline.
        var refused = response.status === 401 || response.type === "opaqueredirect" ||
          (response.redirected && new URL(response.url).pathname.indexOf("/auth/login") === 0);
        if (refused) {
          return caches.match(request, { ignoreSearch: true }).then(function (hit) {
            return hit ? wipe().then(function () { return response; }) : response;
          });
        }
        // Only the scanner page (marked by the server) and rosters: no other page with
        // personal data stays on the phone.
        var keep = request.mode !== "navigate" || response.headers.get("X-EventHub-Offline") === "scanner";
        if (response.ok && keep) {
          var copy = response.clone();
          // Kept without the fragment: a gate device's enrolment link carries its token there.
          var key = request.url.split("#")[0];
          caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreSearch: true });
      })
    );
  }
});
