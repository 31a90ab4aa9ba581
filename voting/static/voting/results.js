/* Motion Hall: the public results pages. Bar widths, finding a receipt, and reloading
 * the list when a result is published (the projector's public socket, through state.js). */
(function () {
  "use strict";
  var each = function (sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); };

  each(".fill[data-pct]", function (el) {
    var n = parseFloat(el.getAttribute("data-pct")) || 0;
    el.style.width = Math.max(0, Math.min(100, n)) + "%"; // CSSOM, not a style attribute: fine under CSP
  });

  var filter = document.getElementById("receipt-filter");
  if (filter) {
    var count = document.getElementById("receipt-count");
    var norm = function (s) { return s.toUpperCase().replace(/[^A-Z0-9]/g, ""); };
    filter.addEventListener("input", function () {
      var q = norm(filter.value), shown = 0;
      each("#receipt-list li[data-receipt]", function (li) {
        var hit = !q || norm(li.getAttribute("data-receipt")).indexOf(q) >= 0;
        li.hidden = !hit;
        if (hit) shown++;
      });
      count.textContent = q ? (shown === 1 ? "1 receipt matches." : shown + " receipts match.") : "";
    });
  }

  var root = document.getElementById("results");
  if (!root || !window.HallSocket) return;
  var shown = (root.getAttribute("data-published") || "").split(" ").filter(Boolean).map(Number);
  var reloading = false;
  function reload() {
    if (reloading) return;
    reloading = true;
    setTimeout(function () { location.reload(); }, 300 + Math.random() * 1200); // not the whole hall at once
  }
  function missing(id) { return shown.indexOf(id) < 0; }
  new HallSocket(root.getAttribute("data-ws-url"), {
    state: window.MH.showState(document.getElementById("connection")),
    event: function (ev) {
      window.MH.apply(ev); // the same state as the projector's (state.js)
      var S = window.MH.state;
      // A new result, or a shown one the secretariat has corrected.
      if (ev.type === "result.published" && (missing(ev.poll_id) || (ev.result && ev.result.corrected))) reload();
      if (ev.type === "result.annulled" && !missing(ev.poll_id)) reload();
      if (ev.type === "snapshot" && S.published.some(function (p) { return missing(p.poll_id); })) {
        // Published while this page loaded or the socket was down; once a minute at most.
        var last = 0;
        try { last = Number(sessionStorage.getItem("mh:results-reload")) || 0; } catch (e) { /* ignore */ }
        if (Date.now() - last > 60000) {
          try { sessionStorage.setItem("mh:results-reload", String(Date.now())); } catch (e) { /* ignore */ }
          reload();
        }
      }
    }
  }).start();
})();
