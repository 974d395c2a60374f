// A page waiting for a job (scheduler run, large import): reload it when the job has ended.
(function () {
  "use strict";
  var run = document.getElementById("job-waiting");
  if (!run) return;
  var delay = 1000;
  function check() {
    fetch(window.location.href, { headers: { Accept: "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        if (html.indexOf('id="job-waiting"') === -1) { window.location.reload(); return; }
        delay = Math.min(delay * 1.5, 10000);  // a slow solver or a weak network: ask less often
        window.setTimeout(check, delay);
      })
      .catch(function () { window.setTimeout(check, 5000); });
  }
  window.setTimeout(check, delay);
})();
