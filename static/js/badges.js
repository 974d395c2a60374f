// Badges: colour swatches (no inline styles under the CSP) and a print run's progress.
(function () {
  "use strict";
  document.querySelectorAll(".badge-swatch[data-colour]").forEach(function (el) {
    el.style.backgroundColor = el.dataset.colour;
  });

  var run = document.getElementById("run");
  if (!run) return;
  var bar = document.getElementById("run-bar");
  var status = document.getElementById("run-status");
  var download = document.getElementById("run-download");
  var texts = document.getElementById("run-texts").dataset;

  function show(done, total) {
    var share = total ? Math.round((100 * done) / total) : 0;
    bar.style.width = share + "%";
    bar.parentElement.setAttribute("aria-valuenow", done);
  }
  show(Number(bar.dataset.done), Number(bar.dataset.total));

  function poll() {
    fetch(run.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data.done, data.total);
        if (data.state === "done") {
          show(data.total, data.total);
          status.textContent = texts.done.replace("%(n)s", data.total.toLocaleString());
          if (download && data.download) download.classList.remove("d-none");
          return;
        }
        if (data.state === "failed") {
          status.textContent = texts.failed.replace("%(error)s", data.error);
          return;
        }
        status.textContent = data.state === "queued" ? texts.waiting : texts.drawing
          .replace("%(done)s", data.done.toLocaleString())
          .replace("%(total)s", data.total.toLocaleString());
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });  // a weak venue network
  }
  if (run.dataset.state === "queued" || run.dataset.state === "running") poll();
})();
