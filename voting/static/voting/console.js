/* Motion Hall: the chair's console.
 *
 * Commands go over the socket with a "ref"; the server answers {"type":"ok","of":...,"ref":...}
 * or an error with the same ref. Commands are never queued while offline: the chair
 * sees that the console is offline and presses again once it is back.
 * The console sees turnout while a vote is open, never the running tally.
 */
(function () {
  "use strict";
  var MH = window.MH, h = MH.h;
  var root = document.getElementById("console");
  if (!root || !window.HallSocket) return;
  var $ = function (id) { return document.getElementById(id); };

  var S = { item: null, poll: null, closing: null, turnout: null, declared: null, skew: 0 };
  var refs = 0, waiting = {};

  var DONE = { call: "Called.", open: "Vote opened.", close: "Vote closed.", publish: "Result published.", casting: "Casting vote recorded." };
  var STATUS = { draft: "Draft", open: "Open", closed: "Closed", published: "Published",
    pending: "On the agenda", under_debate: "Under debate", decided: "Decided" };

  /* --- messages ------------------------------------------------------------------- */
  function say(text, kind) {
    var box = $("messages");
    var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    box.insertBefore(h("p", { class: "msg " + (kind || "ok"), "data-testid": kind === "error" ? "error" : "ok" },
      h("span", { class: "muted small", text: time + " " }), text), box.firstChild);
    while (box.children.length > 4) box.removeChild(box.lastChild);
  }

  /* --- commands ------------------------------------------------------------------- */
  function command(msg, button) {
    if (!sock.online) { say("Not sent: the console is offline. Try again when it is back online.", "error"); return; }
    msg.ref = "c" + (++refs);
    waiting[msg.ref] = button || null;
    if (button) { button.disabled = true; button.setAttribute("aria-busy", "true"); }
    if (!sock.send(msg)) { answered(msg.ref); say("Not sent: the connection dropped. Try again.", "error"); }
  }

  function answered(ref) {
    var button = waiting[ref];
    delete waiting[ref];
    if (button) { button.disabled = false; button.removeAttribute("aria-busy"); }
    render();
  }

  function countdown() {
    var raw = $("countdown-input").value.trim();
    if (!raw) return undefined;
    var n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > 3600) return NaN;
    return n;
  }

  root.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button[data-action]") : null;
    if (!b || b.disabled) return;
    var a = b.getAttribute("data-action"), id = function (name) { return Number(b.getAttribute("data-" + name)); };
    var msg;
    if (a === "call") msg = { type: "call", motion: id("motion") };
    else if (a === "clear") msg = { type: "call" };
    else if (a === "open" || a === "open-poll") {
      var n = countdown();
      if (Number.isNaN(n)) { say("The countdown must be a whole number of seconds from 1 to 3600, or empty.", "error"); $("countdown-input").focus(); return; }
      var decided = a === "open" && b.closest("li.motion").getAttribute("data-status") === "decided";
      if (decided && !window.confirm("This motion is already decided. Put it to the vote again?")) return;
      msg = a === "open-poll" ? { type: "open", poll: id("poll") } : { type: "open", motion: id("motion") };
      if (a === "open" && b.hasAttribute("data-part")) msg.part = id("part");
      if (a === "open" && $("recorded").checked) msg.secret = false;
      if (a === "open" && $("allow-change").checked) msg.allow_change = true;
      if (n) msg.countdown = n;
    } else if (a === "close") {
      if (!window.confirm("Close the vote now? Votes that have not reached the server will not count.")) return;
      msg = { type: "close", poll: id("poll") };
    } else if (a === "publish") msg = { type: "publish", poll: id("poll") };
    else if (a === "casting") {
      var carried = b.getAttribute("data-carried") === "true";
      if (!window.confirm(carried ? "Give the casting vote FOR: the motion is carried?" : "Give the casting vote AGAINST: the motion is lost?")) return;
      msg = { type: "casting", poll: id("poll"), carried: carried };
    }
    if (msg) command(msg, b);
  });

  /* --- events --------------------------------------------------------------------- */
  function onEvent(ev) {
    if (MH.floor) MH.floor.event(ev);
    switch (ev.type) {
      case "snapshot":
        S.item = ev.item;
        S.poll = ev.poll && ev.poll.status === "open" ? ev.poll : null;
        S.closing = null;
        S.turnout = ev.turnout || null;
        S.declared = ev.closed || null;
        if (ev.item) markMotion(ev.item.id, ev.item.status, ev.item.outcome);
        break;
      case "item.called":
        S.item = ev.item;
        if (ev.item) markMotion(ev.item.id, ev.item.status, ev.item.outcome);
        break;
      case "poll.opened":
        S.poll = ev.poll;
        S.turnout = null;
        if (ev.poll.opened_at) S.skew = Date.now() - Date.parse(ev.poll.opened_at);
        if (S.declared && S.declared.published) S.declared = null;
        markLivePoll(ev.poll.id, "open");
        break;
      case "poll.closed":
        if (S.poll && S.poll.id === ev.poll_id) { S.closing = S.poll; S.poll = null; }
        markLivePoll(ev.poll_id, "closed");
        break;
      case "poll.result":
        S.declared = { poll_id: ev.poll_id, poll: ev.poll, result: ev.result };
        if (S.closing && S.closing.id === ev.poll_id) S.closing = null;
        break;
      case "result.published":
        if (S.declared && S.declared.poll_id === ev.poll_id) S.declared.published = true;
        else S.declared = { poll_id: ev.poll_id, poll: ev.poll, result: ev.result, published: true };
        markLivePoll(ev.poll_id, "published");
        markOutcome(ev.poll, ev.result);
        if (S.item && S.item.id === ev.poll.motion_id && !ev.poll.part && ev.result.outcome) {
          S.item.status = "decided";
          S.item.outcome = ev.result.outcome;
        }
        break;
      case "turnout":
        if (!S.poll || S.poll.id === ev.poll_id) S.turnout = ev;
        break;
      case "ok":
        if (ev.ref in waiting) { answered(ev.ref); say(DONE[ev.of] || "Done."); }
        return;
      case "error":
        if (ev.ref in waiting) answered(ev.ref);
        say(ev.message || ev.code, "error");
        return;
      default:
        return;
    }
    render();
  }

  /* --- the agenda's rows ---------------------------------------------------------------- */
  function setStatus(row, text) {
    var el = row && row.querySelector(":scope > .row > .status, :scope > .status");
    if (el) el.textContent = text;
  }

  function markMotion(id, status, outcome) {
    var row = root.querySelector('li.motion[data-motion="' + id + '"]');
    if (!row) return;
    row.setAttribute("data-status", status);
    setStatus(row, outcome ? MH.outcomeText({ outcome: outcome }) : STATUS[status] || status);
  }

  function markLivePoll(id, status) {
    var row = root.querySelector('#live-polls li[data-poll="' + id + '"]');
    if (!row) return;
    row.setAttribute("data-status", status);
    setStatus(row, STATUS[status]);
  }

  function markOutcome(poll, result) {
    if (!poll.motion_id || !result || !result.outcome) return;
    var row = root.querySelector('li.motion[data-motion="' + poll.motion_id + '"]');
    if (!row) return;
    if (!poll.part) { markMotion(poll.motion_id, "decided", result.outcome); return; }
    var parts = row.querySelectorAll("li[data-part]");
    Array.prototype.forEach.call(parts, function (p) {
      if (p.getAttribute("data-label") === poll.part) { p.setAttribute("data-outcome", result.outcome); setStatus(p, MH.outcomeText(result)); }
    });
    var outcomes = Array.prototype.map.call(parts, function (p) { return p.getAttribute("data-outcome") || ""; });
    if (outcomes.indexOf("") >= 0) return; // decided when its last part is
    var all = outcomes.every(function (o) { return o === "carried"; }), some = outcomes.indexOf("carried") >= 0;
    markMotion(poll.motion_id, "decided", all ? "carried" : some ? "carried_in_part" : "lost");
  }

  /* --- rendering ----------------------------------------------------------------------- */
  function itemView() {
    var it = S.item;
    if (!it) return [h("h3", { text: "Under debate" }), h("p", { class: "muted", text: "Nothing is under debate." })];
    return [
      h("h3", { text: "Under debate: motion " + it.number }),
      h("p", { class: "title", text: it.title }),
      h("p", { class: "muted small" }, it.section, it.proposer ? " · " + it.proposer : "", " · " + (it.outcome ? MH.outcomeText(it) : STATUS[it.status] || it.status)),
      it.parts.length ? h("ol", { class: "plain small" }, it.parts.map(function (p) { return h("li", { text: "(" + p.label + ") " + p.text }); })) : null
    ];
  }

  function countdownText(p) {
    var left = p ? MH.secondsLeft(p.closes_at, S.skew) : null;
    return left === null ? "" : left > 0 ? "Closes in " + MH.clock(left) : "Time is up: closing…";
  }

  function pollView() {
    var p = S.poll;
    if (!p && S.closing) return [h("h3", { text: "Vote closed" }), h("p", { text: S.closing.question }), h("p", { class: "muted", text: "Counting…" })];
    if (!p) return [h("h3", { text: "Vote" }), h("p", { class: "muted", text: "No vote is open." })];
    var t = S.turnout && S.turnout.poll_id === p.id ? S.turnout : null;
    var bar = h("span", { class: "fill" });
    if (t && t.present) bar.style.width = Math.min(100, 100 * t.voted / t.present) + "%";
    return [
      h("h3", {}, h("span", { class: "badge open", text: "Vote open" })),
      h("p", { class: "title", id: "poll-question", text: p.question }),
      h("p", { class: "muted small" }, p.secret ? "Secret ballot" : "Recorded vote",
        p.allow_change ? " · votes may be changed" : "", p.majority === "two_thirds" ? " · two-thirds majority" : ""),
      p.closes_at ? h("p", { id: "countdown", class: "countdown", text: countdownText(p) }) : null,
      h("p", { id: "turnout", class: "turnout", "data-testid": "turnout", "data-voted": t ? t.voted : "", "data-present": t ? t.present : "" },
        t ? t.voted + " of " + t.present + " voted" : "Waiting for turnout…"),
      h("span", { class: "bar wide", "aria-hidden": "true" }, bar),
      h("button", { type: "button", class: "btn big danger", id: "close-vote", "data-testid": "close-vote", "data-action": "close", "data-poll": p.id }, "Close vote")
    ];
  }

  function declaredView() {
    var d = S.declared;
    if (!d) return null;
    var tie = d.result && d.result.outcome === "tie";
    return h("div", {},
      h("h3", { text: d.published ? "Result (published)" : "Declared result (not yet published)" }),
      MH.resultView(d.result, { title: d.poll.question, id: "result", heading: "p" }),
      tie ? h("div", { class: "actions" },
        h("p", { text: "A tie: the chair's casting vote decides." }),
        h("button", { type: "button", class: "btn", id: "casting-for", "data-action": "casting", "data-poll": d.poll_id, "data-carried": "true" }, "Casting vote: for (carried)"),
        h("button", { type: "button", class: "btn secondary", id: "casting-against", "data-action": "casting", "data-poll": d.poll_id, "data-carried": "false" }, "Casting vote: against (lost)")) : null,
      d.published
        ? h("p", {}, h("a", { href: root.dataset.resultsUrl + d.poll_id + "/", text: "Public result and receipts" }))
        : h("button", { type: "button", class: "btn big", id: "publish", "data-testid": "publish", "data-action": "publish", "data-poll": d.poll_id, disabled: tie }, "Publish"));
  }

  function render() {
    var focusId = document.activeElement && document.activeElement.id;
    MH.fill($("item"), itemView());
    MH.fill($("poll"), pollView());
    $("poll").setAttribute("data-open", String(!!S.poll));
    var d = declaredView();
    $("declared").hidden = !d;
    MH.fill($("declared"), d);
    var busy = Object.keys(waiting).length > 0;
    Array.prototype.forEach.call(root.querySelectorAll('button[data-action="open"], button[data-action="open-poll"]'), function (b) {
      if (b.getAttribute("aria-busy")) return;
      var row = b.closest("li[data-status]");
      b.disabled = !!S.poll || (b.getAttribute("data-action") === "open-poll" && row && row.getAttribute("data-status") !== "draft");
    });
    Array.prototype.forEach.call(root.querySelectorAll("li.motion"), function (row) {
      var current = !!S.item && String(S.item.id) === row.getAttribute("data-motion");
      row.classList.toggle("current", current);
      if (current) row.setAttribute("aria-current", "true"); else row.removeAttribute("aria-current");
    });
    root.setAttribute("data-busy", String(busy));
    if (focusId && $(focusId) && document.activeElement !== $(focusId)) $(focusId).focus();
  }

  setInterval(function () {
    var el = $("countdown");
    if (el) el.textContent = countdownText(S.poll);
  }, 1000);

  var sock = new HallSocket(root.dataset.wsUrl, { event: onEvent, state: MH.showState($("connection")) });
  if (MH.floor) MH.floor.attach(sock, "console");
  var initial = MH.readSnapshot();
  if (initial) onEvent(initial);
  sock.start();
})();
