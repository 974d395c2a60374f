// The arrivals dashboard: bar heights from data attributes (no inline styles under the
// CSP), and the figures fetched again every few seconds without reloading the page.
(function () {
  "use strict";

  function drawBars(root) {
    root.querySelectorAll(".arrival-bar[data-share]").forEach(function (bar) {
      bar.style.height = Math.max(2, Number(bar.dataset.share)) + "%";
    });
  }

  var box = document.getElementById("arrival-figures");
  if (!box) return;
  drawBars(box);
  var status = document.getElementById("figures-status");
  var alert = document.getElementById("figures-alert");
  var seconds = Math.max(1, Number(box.dataset.seconds) || 10);
  var timer = null;
  var failing = false;
  var busy = false;

  function lastTime() {
    var time = box.querySelector("#figures-time");
    return time ? time.dataset.time : "";
  }

  function say(message, urgent) {
    status.textContent = message;
    // Screen readers hear failures and recoveries, not every refresh.
    if (urgent !== undefined) alert.textContent = urgent ? message : "";
  }

  function refresh() {
    timer = null;
    if (busy) return;
    busy = true;
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        busy = false;
        if (response.redirected || response.status === 401 || response.status === 403) {
          say(box.dataset.signedOut, true);
          return null; // stop: a sign-in page is no figures
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text().then(function (html) {
          // Whoever is moving through the day tabs with the keyboard keeps their place.
          var active = document.activeElement;
          var focused = box.contains(active) ? active.getAttribute("href") : null;
          box.innerHTML = html;
          if (focused) {
            var again = box.querySelector('a[href="' + CSS.escape(focused) + '"]');
            if (again) again.focus();
          }
          drawBars(box);
          say(box.dataset.updated.replace("{time}", lastTime()), failing ? true : undefined);
          failing = false;
          schedule();
        });
      })
      .catch(function () {
        busy = false;
        failing = true;
        say(box.dataset.failed.replace("{time}", lastTime()), true);
        schedule();
      });
  }

  function schedule() {
    if (timer === null && !document.hidden) timer = setTimeout(refresh, seconds * 1000);
  }

  // A dashboard left in a background tab does not keep asking; it catches up when shown.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
    } else if (timer === null) {
      refresh();
    }
  });
  schedule();
})();
