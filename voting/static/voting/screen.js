/* Motion Hall: the projector. Big type, no controls; the public socket only. */
(function () {
  "use strict";
  var MH = window.MH, h = MH.h;
  var root = document.getElementById("screen");
  if (!root || !window.HallSocket) return;
  var $ = function (id) { return document.getElementById(id); };
  var S = { item: null, poll: null, closed: null, turnout: null, latest: null, skew: 0 };

  function onEvent(ev) {
    if (MH.floor) MH.floor.event(ev);
    switch (ev.type) {
      case "snapshot":
        S.item = ev.item;
        S.poll = ev.poll && ev.poll.status === "open" ? ev.poll : null;
        S.turnout = ev.turnout || null;
        S.latest = (ev.published || [])[0] || null;
        if (S.poll || (S.closed && S.latest && S.latest.poll_id === S.closed.id)) S.closed = null;
        break;
      case "item.called": S.item = ev.item; break;
      case "poll.opened":
        S.poll = ev.poll; S.closed = null; S.turnout = null;
        if (ev.poll.opened_at) S.skew = Date.now() - Date.parse(ev.poll.opened_at);
        break;
      case "poll.closed":
        if (S.poll && S.poll.id === ev.poll_id) { S.closed = S.poll; S.poll = null; }
        break;
      case "result.published":
        S.latest = ev;
        if (S.closed && S.closed.id === ev.poll_id) S.closed = null;
        break;
      case "turnout":
        if (!S.poll || S.poll.id === ev.poll_id) S.turnout = ev;
        break;
      default: return;
    }
    render();
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
        h("strong", { text: String(t.voted) }), " of " + t.present + " voted"),
      h("span", { class: "bar wide", "aria-hidden": "true" }, bar));
  }

  function render() {
    var it = S.item;
    MH.fill($("item"), it ? [h("p", { class: "kicker" }, "Motion " + it.number, it.section ? " · " + it.section : ""),
      h("h1", { text: it.title }), it.proposer ? h("p", { class: "proposer", text: "Proposed by " + it.proposer }) : null] : []);
    var p = S.poll;
    root.setAttribute("data-phase", p ? "open" : S.closed ? "closed" : "idle");
    if (p) {
      var t = S.turnout && S.turnout.poll_id === p.id ? S.turnout : null;
      MH.fill($("poll"), [
        h("p", { class: "state open", "data-testid": "vote-state", text: "Vote open" }),
        h("h2", { class: "question", text: p.question }),
        p.closes_at ? h("p", { id: "countdown", class: "countdown", "data-testid": "countdown", text: countdownText() }) : null,
        turnoutView(t),
        h("ul", { class: "options-list" }, p.options.map(function (o) { return h("li", { text: o.label }); }))
      ]);
    } else if (S.closed) {
      MH.fill($("poll"), [h("p", { class: "state closed", "data-testid": "vote-state", text: "Vote closed" }),
        h("h2", { class: "question", text: S.closed.question }), h("p", { class: "muted", text: "The result will be announced." })]);
    } else {
      MH.fill($("poll"), []);
    }
    var r = S.latest;
    $("result").hidden = !r || !!p || !!S.closed;
    root.classList.toggle("split", !!p || !!S.closed || !$("result").hidden);
    // An election's count is a wide table: it takes the whole screen (MHRanked.sheetView).
    root.classList.toggle("election", !$("result").hidden && !!(r && r.result && r.result.sheet));
    MH.fill($("result"), r ? [h("p", { class: "state", text: "Result" }),
      MH.resultView(r.result, { title: r.poll.question, id: "result-view", heading: "h2" })] : []);
  }

  setInterval(function () { var el = $("countdown"); if (el) el.textContent = countdownText(); }, 1000);
  var sock = new HallSocket(root.dataset.wsUrl, { event: onEvent, state: MH.showState($("connection")) });
  if (MH.floor) MH.floor.attach(sock, "screen");
  var initial = MH.readSnapshot();
  if (initial) onEvent(initial);
  sock.start();
})();
