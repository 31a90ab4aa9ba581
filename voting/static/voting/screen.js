/* Motion Hall: the projector. Big type, no controls; the public socket only.
 * The state is state.js's. Never blank: with nothing on the floor it shows the holding
 * slide (the conference, how to join, what comes next) that the page was served with. */
(function () {
  "use strict";
  var MH = window.MH, h = MH.h, S = MH.state;
  var root = document.getElementById("screen");
  if (!root || !window.HallSocket) return;
  var $ = function (id) { return document.getElementById(id); };

  function onEvent(ev) {
    var changed = MH.apply(ev);
    if (MH.floor) MH.floor.event(ev);
    if (changed) render();
  }

  function countdownText() {
    var left = S.poll ? MH.secondsLeft(S.poll.closes_at, S.skew) : null;
    return left === null ? "" : left > 0 ? MH.clock(left) : "0:00";
  }

  function turnoutView(t) {
    if (!t) return null;
    var bar = h("span", { class: "fill" });
    if (t.present) bar.style.width = Math.min(100, 100 * t.voted / t.present) + "%";
    return h("div", { class: "turnout-box" },
      h("p", { id: "turnout", class: "turnout", "data-testid": "turnout", "data-voted": t.voted, "data-present": t.present },
        h("strong", { text: String(t.voted) }), " of " + t.present + " present have voted"),
      h("span", { class: "bar wide", "aria-hidden": "true" }, bar));
  }

  function live(p) { return p.kind === "live" || p.kind === "scale"; }

  function openView(p) {
    var t = S.turnout && S.turnout.poll_id === p.id ? S.turnout : null;
    var ends = p.kind === "scale" && p.scale_labels ? p.scale_labels : null;
    return [
      h("p", { class: "state open", "data-testid": "vote-state", text: live(p) ? "Live poll open" : "Vote open" }),
      h("h2", { class: "question", text: p.question }),
      MH.wordsView(p, { id: "screen-words" }),
      h("div", { class: "row screen-count" },
        p.closes_at ? h("p", { id: "countdown", class: "countdown", "data-testid": "countdown", text: countdownText() }) : null,
        turnoutView(t)),
      ends && (ends[0] || ends[1])
        ? h("p", { class: "scale-ends", "data-testid": "scale-ends" }, h("span", { text: "1 = " + (ends[0] || "lowest") }), h("span", { text: p.options.length + " = " + (ends[1] || "highest") }))
        : h("ul", { class: "options-list" }, p.options.map(function (o) { return h("li", { text: o.label }); }))
    ];
  }

  function scaleLine(pub) {
    var r = pub.result;
    if (pub.poll.kind !== "scale" || r.mean === undefined) return null;
    var ends = pub.poll.scale_labels || ["", ""];
    var fmt = function (n) { return n === null ? "–" : n.toLocaleString(undefined, { maximumFractionDigits: 2 }); };
    return h("p", { class: "scale-summary", "data-testid": "scale-summary" },
      h("span", {}, "Mean ", h("strong", { text: fmt(r.mean) })), " · ",
      h("span", {}, "Median ", h("strong", { text: fmt(r.median) })),
      ends[0] || ends[1] ? h("span", { class: "muted", text: " · 1 = " + (ends[0] || "lowest") + ", " + (pub.poll.options.length) + " = " + (ends[1] || "highest") }) : null);
  }

  function render() {
    var it = S.item, p = S.poll, r = S.recent;
    MH.fill($("item"), it ? [h("p", { class: "kicker" }, "Motion " + (it.reference || it.number), it.section ? " · " + it.section : ""),
      h("h2", { class: "item-title", text: it.title }), it.proposer ? h("p", { class: "proposer", text: "Proposed by " + it.proposer }) : null] : []);
    var phase = p ? "open" : S.closed ? "closed" : r ? "result" : it ? "item" : "idle";
    root.setAttribute("data-phase", phase);
    $("holding").hidden = phase !== "idle";
    if (p) MH.fill($("poll"), openView(p));
    else if (S.closed) {
      MH.fill($("poll"), [h("p", { class: "state closed", "data-testid": "vote-state", text: live(S.closed) ? "Live poll closed" : "Vote closed" }),
        h("h2", { class: "question", text: S.closed.question }), h("p", { class: "muted", text: "The result will be announced." })]);
    } else MH.fill($("poll"), []);
    $("result").hidden = phase !== "result";
    root.classList.toggle("split", phase === "open" || phase === "closed" || phase === "result");
    // An election's count is a wide table: it takes the whole screen (MHRanked.sheetView).
    root.classList.toggle("election", phase === "result" && !!(r && r.result && r.result.sheet));
    var many = r && (r.result.counts || []).length > 4;
    $("result").classList.toggle("many", !!many);
    MH.fill($("result"), r && phase === "result" ? [h("p", { class: "state", text: live(r.poll) ? "Live poll result" : "Result" }),
      MH.resultView(r.result, { title: r.poll.question, id: "result-view", heading: "h2", pageSize: STAGES_A_PAGE, page: sheetPage }), scaleLine(r)] : []);
  }

  // A long count is shown a page of stage columns at a time, turning every SHEET_SECONDS.
  var STAGES_A_PAGE = 8, SHEET_SECONDS = Number(root.dataset.sheetSeconds) || 12, sheetPage = 0;
  setInterval(function () {
    var r = S.recent, sheet = r && r.result && r.result.sheet;
    if (!sheet || (sheet.stages || []).length <= STAGES_A_PAGE || root.getAttribute("data-phase") !== "result") { sheetPage = 0; return; }
    sheetPage += 1;
    render();
  }, SHEET_SECONDS * 1000);

  setInterval(function () { var el = $("countdown"); if (el) el.textContent = countdownText(); }, 1000);
  var sock = new HallSocket(root.dataset.wsUrl, { event: onEvent, state: MH.showState($("connection")) });
  if (MH.floor) MH.floor.attach(sock, "screen");
  var initial = MH.readSnapshot();
  if (initial) onEvent(initial);
  sock.start();
})();
