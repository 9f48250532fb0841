// The index while a suite runs: polls status.json and updates each experiment's status line in place.
// When an experiment becomes done (or failed), the site has been rebuilt with its page: reload to show it.
(function () {
  "use strict";
  var lines = document.querySelectorAll("[data-experiment]");
  if (!lines.length) return;
  var POLL_MS = 2000;
  function poll() {
    fetch("status.json", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (status) {
        if (!status) return setTimeout(poll, POLL_MS);
        var reload = false;
        lines.forEach(function (line) {
          var entry = status.experiments[line.dataset.experiment];
          if (!entry) return;
          var ended = entry.state === "done" || entry.state === "failed";
          if (entry.state !== line.dataset.state && ended) reload = true;
          line.textContent = entry.text;
          line.className = "status state-" + entry.state;
        });
        if (reload || status.finished) return window.location.reload();
        setTimeout(poll, POLL_MS);
      })
      .catch(function () { setTimeout(poll, POLL_MS); });
  }
  setTimeout(poll, POLL_MS);
})();
