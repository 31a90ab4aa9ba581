// A desk job's page: poll its status until it is done or failed, then offer the file.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var bar = document.getElementById("job-progress");
  var text = document.getElementById("job-text");
  var err = document.getElementById("job-error");
  var link = document.getElementById("job-download");

  function show(job) {
    bar.value = job.percent;
    bar.textContent = job.percent + "%";
    text.textContent = job.status + " · " + job.done + " / " + job.total;
    if (job.error) { err.textContent = job.error; err.hidden = false; }
    if (job.has_file && link) link.hidden = false;
    box.dataset.status = job.status;
  }

  function poll() {
    fetch(box.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        show(job);
        if (job.status !== "done" && job.status !== "failed") setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }

  // A sheet of login cards is served once: after the click the link would only find it gone.
  if (link && document.getElementById("job-once")) {
    link.addEventListener("click", function () { setTimeout(function () { link.hidden = true; }, 500); });
  }

  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();
