// The arrivals dashboard: the quarter-hour chart drawn by Chart.js (served from
// static/vendor; the bars are the fallback without it), and the figures fetched again when
// the server's event stream says a scan was made. While the stream is down (a proxy that
// buffers, the server restarting) the figures are fetched every few seconds instead.
(function () {
  "use strict";

  var box = document.getElementById("arrival-figures");
  if (!box) return;
  var status = document.getElementById("figures-status");
  var alert = document.getElementById("figures-alert");
  var seconds = Math.max(1, Number(box.dataset.seconds) || 10);
  var timer = null;
  var failing = false;
  var busy = false;
  var again = false;
  var live = false;
  var source = null;
  var chart = null;
  var streamTimer = null;
  var STREAM_RETRY_SECONDS = 60;

  function drawBars(root) {
    root.querySelectorAll(".arrival-bar[data-share]").forEach(function (bar) {
      bar.style.height = Math.max(2, Number(bar.dataset.share)) + "%";
    });
  }

  function drawChart(root) {
    if (chart) {
      chart.destroy();
      chart = null;
    }
    var canvas = root.querySelector("#arrival-chart");
    var table = root.querySelector("#arrival-table");
    if (!canvas || !table || typeof window.Chart !== "function") return;
    var labels = [];
    var counts = [];
    table.querySelectorAll("tbody tr").forEach(function (row) {
      labels.push(row.cells[0].textContent);
      counts.push(Number(row.cells[1].textContent));
    });
    var colour = getComputedStyle(document.documentElement).getPropertyValue("--bs-primary").trim();
    chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: [{ label: table.caption ? table.caption.textContent : "", data: counts,
                     backgroundColor: colour || "#0b5d7a", maxBarThickness: 48 }],
      },
      options: {
        animation: false, // a refresh is not a show
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
    canvas.parentElement.hidden = false;
    var bars = root.querySelector(".arrival-chart");
    if (bars) bars.hidden = true;
  }

  function draw(root) {
    drawBars(root);
    try {
      drawChart(root);
    } catch (error) {
      // The bars stay: figures matter more than the drawing.
    }
  }

  function lastTime() {
    var time = box.querySelector("#figures-time");
    return time ? time.dataset.time : "";
  }

  function say(message, urgent) {
    status.textContent = message;
    // Screen readers hear failures and recoveries, not every refresh.
    if (urgent !== undefined) alert.textContent = urgent ? message : "";
  }

  function updated() {
    return (live ? box.dataset.live : box.dataset.updated).replace("{time}", lastTime());
  }

  function refresh() {
    clearTimeout(timer);
    timer = null;
    if (busy) {
      again = true; // a scan during a fetch: fetch once more after it
      return;
    }
    busy = true;
    fetch(box.dataset.url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        busy = false;
        if (response.redirected || response.status === 401 || response.status === 403) {
          say(box.dataset.signedOut, true);
          stopStream();
          return null; // stop: a sign-in page is no figures
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.text().then(function (html) {
          // Whoever is moving through the day tabs with the keyboard keeps their place.
          var active = document.activeElement;
          var focused = box.contains(active) ? active.getAttribute("href") : null;
          box.innerHTML = html;
          if (focused) {
            var link = box.querySelector('a[href="' + CSS.escape(focused) + '"]');
            if (link) link.focus();
          }
          draw(box);
          say(updated(), failing ? true : undefined);
          failing = false;
          if (again) {
            again = false;
            refresh();
          } else {
            schedule();
          }
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
    // Polling only while the stream is down.
    if (timer === null && !live && !document.hidden) timer = setTimeout(refresh, seconds * 1000);
  }

  function startStream() {
    if (!window.EventSource || !box.dataset.stream || source) return;
    var mine = new EventSource(box.dataset.stream);
    source = mine;
    mine.addEventListener("open", function () {
      live = true;
      refresh(); // whatever happened while not listening
    });
    mine.addEventListener("scan", refresh);
    mine.addEventListener("error", function () {
      // The browser reconnects by itself (the server closes the stream every few minutes),
      // unless the server refused it (a 204: it has no thread to spare for one more
      // stream): then the figures are polled, and a stream asked for again later.
      live = false;
      if (mine.readyState === EventSource.CLOSED && source === mine) {
        source = null;
        clearTimeout(streamTimer);
        streamTimer = setTimeout(function () {
          if (!document.hidden) startStream();
        }, STREAM_RETRY_SECONDS * 1000);
      }
      schedule();
    });
  }

  function stopStream() {
    clearTimeout(streamTimer);
    if (source) source.close();
    source = null;
    live = false;
  }

  // A dashboard left in a background tab does not keep asking; it catches up when shown.
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      clearTimeout(timer);
      timer = null;
      stopStream();
    } else {
      startStream();
      if (!source) refresh();
    }
  });
  draw(box);
  startStream();
  schedule();
})();
