// The gate's transport: one request to the server, with a gate device's bearer token or a
// login session's CSRF token, and every failure put in one of five kinds the page acts on:
//   network  no answer (offline, DNS, connection reset)      -> judge here, queue, retry
//   timeout  no answer in time                               -> the same
//   server   5xx, 429: the server cannot answer now         -> the same
//   auth     401, 403, expired CSRF that a fresh one did not fix, a redirect to the login
//            page: the device or person must sign in again  -> never a badge verdict
//   refused  any other 4xx: the server read it and said no   -> show the reason
// A failure is an object {kind, status, message, wipe, data}; `wipe` when the server says
// this device was signed out or its token revoked (it must forget what it keeps).
(function () {
  "use strict";

  var DEFAULT_TIMEOUT = 8000;

  function failure(kind, status, message, data) {
    return {
      kind: kind, status: status || 0, message: message || "",
      wipe: !!(data && data.wipe), data: data || null, http: status > 0,
    };
  }

  function readJson(response) {
    return response.text().then(function (text) {
      try { return JSON.parse(text); } catch (e) { return null; }
    });
  }

  function toLogin(response) {
    // fetch follows the server's redirect of a logged-out visitor to the login page.
    return response.redirected && /\/auth\/login/.test(new URL(response.url).pathname);
  }

  function send(url, options) {
    var headers = { Accept: "application/json" };
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    if (options.token) headers.Authorization = "Bearer " + options.token;
    else if (options.csrf && options.method && options.method !== "GET") headers["X-CSRFToken"] = options.csrf();
    var controller = window.AbortController ? new AbortController() : null;
    var timedOut = false;
    var timer = controller && setTimeout(function () { timedOut = true; controller.abort(); },
      options.timeout || DEFAULT_TIMEOUT);
    // The caller may give up sooner (the scanner judges offline after 1.5 s).
    if (controller && options.signal) {
      options.signal.addEventListener("abort", function () { controller.abort(); });
    }
    return fetch(url, {
      method: options.method || "GET",
      headers: headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // A gate device sends no cookie: its token alone says who it is.
      credentials: options.token ? "omit" : "same-origin",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      clearTimeout(timer);
      if (toLogin(response)) throw failure("auth", 401, "", null);
      return readJson(response).then(function (data) {
        if (response.ok && data !== null) return data;
        var status = response.status;
        var message = (data && data.message) || response.statusText;
        if (response.ok) throw failure("server", status, message, data);  // not JSON
        if (status === 401 || status === 403) throw failure("auth", status, message, data);
        if (status === 400 && data && data.csrf) throw failure("csrf", status, message, data);
        if (status >= 500 || status === 429) throw failure("server", status, message, data);
        throw failure("refused", status, message, data);
      });
    }, function (error) {
      clearTimeout(timer);
      if (error && error.kind) throw error;
      throw failure(timedOut ? "timeout" : "network", 0, String(error && error.message || error));
    });
  }

  // request(url, {method, body, token, csrf: () => text, refreshCsrf: () => Promise, timeout})
  // An expired CSRF token is refreshed once (refreshCsrf) and the request sent again; if
  // that fails too it is an authentication problem.
  function request(url, options) {
    options = options || {};
    return send(url, options).catch(function (error) {
      if (error.kind !== "csrf") throw error;
      if (!options.refreshCsrf) throw failure("auth", error.status, error.message, error.data);
      return options.refreshCsrf().then(function () {
        return send(url, options);
      }).catch(function (again) {
        if (again.kind === "csrf") throw failure("auth", again.status, again.message, again.data);
        throw again;
      });
    });
  }

  // A fresh CSRF token from the server's small JSON endpoint (logged out: an auth failure).
  function freshCsrf(url) {
    return send(url, { method: "GET" }).then(function (data) { return data.csrf_token; });
  }

  // Whether a failure means "no usable answer now": the scan is judged here and queued.
  function transient(error) {
    return !!error && (error.kind === "network" || error.kind === "timeout" || error.kind === "server");
  }

  window.GateNet = { request: request, freshCsrf: freshCsrf, transient: transient };
})();
