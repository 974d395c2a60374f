// A scheduler run's page: asks the run's status (JSON) and shows the solver's progress;
// reloads the page once the run has ended (proposal, failure or cancellation).
(function () {
  "use strict";
  var box = document.getElementById("solver-run");
  if (!box) return;
  var texts = document.getElementById("run-texts").dataset;
  var state = document.getElementById("run-state");
  var found = document.getElementById("run-found");
  var bar = document.getElementById("run-progress");
  var seconds = document.getElementById("run-seconds");
  var delay = 1000;
  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_all, name) { return values[name]; });
  }
  function show(status) {
    var text;
    if (status.state === "queued") text = texts.queued;
    else if (status.seconds === null) text = texts.reading;
    else text = fill(texts.searching, { limit: status.time_limit.toFixed(1) });
    if (state.textContent !== text) state.textContent = text;
    var count = !status.solutions ? texts.none
      : status.best_score === null ? fill(texts.found, { num: status.solutions })
      : fill(texts.scored, { num: status.solutions, score: status.best_score });
    if (found.textContent !== count) found.textContent = count;
    bar.max = status.time_limit || 1;
    bar.value = status.seconds || 0;
    bar.textContent = (status.seconds || 0) + " / " + status.time_limit + " s";
    seconds.textContent = fill(texts.seconds, { seconds: (status.seconds || 0).toFixed(1) });
  }
  function check() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (status) {
        if (status.state !== "queued" && status.state !== "running") { window.location.reload(); return; }
        show(status);
        window.setTimeout(check, delay);
      })
      .catch(function () { window.setTimeout(check, 5000); });
  }
  window.setTimeout(check, delay);
})();
