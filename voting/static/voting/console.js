/* Motion Hall: the chair's console.
 *
 * Commands go over the socket with a "ref"; the server answers {"type":"ok","of":...,"ref":...}
 * or an error with the same ref. Commands are never queued while offline: the chair
 * sees that the console is offline and presses again once it is back.
 * The console sees turnout while a vote is open, never the running tally.
 * The state is state.js's; the floor card and the agenda's rows both render from the
 * server's motion payloads, so they cannot disagree about a motion.
 */
(function () {
  "use strict";
  var MH = window.MH, h = MH.h, S = MH.state;
  var root = document.getElementById("console");
  if (!root || !window.HallSocket) return;
  var $ = function (id) { return document.getElementById(id); };

  var refs = 0, waiting = {}, answers = {}; // answers: a form's own callback for its command's answer
  var DONE = { live_poll: "Live poll made.", call: "Called.", open: "Vote opened.", close: "Vote closed.", publish: "Result published.", casting: "Casting vote recorded." };

  /* --- messages: one line each, the newest first, three at most ------------------------- */
  function say(text, kind) {
    var box = $("messages");
    var time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    box.insertBefore(h("p", { class: "msg " + (kind || "ok"), "data-testid": kind === "error" ? "error" : kind === "notice" ? "notice" : "ok" },
      h("span", { class: "muted small", text: time + " " }), text), box.firstChild);
    while (box.children.length > 3) box.removeChild(box.lastChild);
  }

  /* --- commands ------------------------------------------------------------------- */
  function command(msg, button, then) {
    if (!sock.online) { say("Not sent: the console is offline. Try again when it is back online.", "error"); return; }
    msg.ref = "c" + (++refs);
    waiting[msg.ref] = button || null;
    if (then) answers[msg.ref] = then;
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

  /* Putting a decided motion or part again needs the chair's yes and a reason for the record
   * (the server refuses it otherwise). The rows' data-status and data-outcome follow the
   * motions' payloads (syncRow), so this reads the same state the agenda shows. */
  function reputReason(b, together) {
    var row = b.closest("li.motion"), number = row.getAttribute("data-number");
    var partRow = b.hasAttribute("data-part") ? row.querySelector('li[data-part="' + b.getAttribute("data-part") + '"]') : null;
    var what, decided = (together || []).filter(function (li) { return li.getAttribute("data-outcome"); });
    if (decided.length) {
      what = "Part" + (decided.length > 1 ? "s " : " ") + decided.map(function (li) { return "(" + li.getAttribute("data-label") + ")"; }).join(", ") +
        " of motion " + number + (decided.length > 1 ? " are" : " is") + " already decided";
    } else if (together) return "";
    else if (partRow && partRow.getAttribute("data-outcome")) {
      what = "Part (" + partRow.getAttribute("data-label") + ") of motion " + number + " is already decided (" + MH.label("outcome", partRow.getAttribute("data-outcome")) + ")";
    } else if (!partRow && row.getAttribute("data-status") === "decided") {
      what = "Motion " + number + " is already decided";
    } else if (!partRow && row.querySelector("li[data-part][data-outcome]:not([data-outcome=''])")) {
      what = "Some parts of motion " + number + " are already decided";
    } else return "";
    if (!window.confirm(what + ". Put it to the vote again?")) return null;
    var reason = window.prompt("Why is it put again? The reason is kept in the record.");
    return reason && reason.trim() ? reason.trim() : null;
  }

  function blockPreview(sectionId) {
    var list = root.querySelector('ol.motions[data-section="' + sectionId + '"]');
    var rows = list ? Array.prototype.filter.call(list.querySelectorAll("li.motion"), function (row) {
      return /^(A|AR)$/.test(row.getAttribute("data-category")) && row.getAttribute("data-status") !== "decided" && row.getAttribute("data-pulled") !== "true";
    }) : [];
    return rows.map(function (row) { return row.getAttribute("data-number") + ". " + row.getAttribute("data-title"); });
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
      var reason = a === "open" ? reputReason(b) : "";
      if (reason === null) return;
      msg = a === "open-poll" ? { type: "open", poll: id("poll") } : { type: "open", motion: id("motion") };
      if (reason) { msg.reput = true; msg.reason = reason; }
      if (a === "open" && b.hasAttribute("data-part")) msg.part = id("part");
      if (a === "open" && $("recorded").checked) msg.secret = false;
      if (a === "open" && $("allow-change").checked) msg.allow_change = true;
      if (n) msg.countdown = n;
    } else if (a === "open-together") {
      // Parts taken together, e.g. (i) and (iii), then (ii): one vote decides the ticked parts.
      var row = b.closest("li.motion"), ticked = Array.prototype.filter.call(row.querySelectorAll("input[data-together]"), function (c) { return c.checked; });
      if (ticked.length < 2) { say("Tick two or more parts to take together.", "error"); return; }
      var rows = ticked.map(function (c) { return c.closest("li[data-part]"); });
      var wait = countdown();
      if (Number.isNaN(wait)) { say("The countdown must be a whole number of seconds from 1 to 3600, or empty.", "error"); $("countdown-input").focus(); return; }
      var why = reputReason(b, rows);
      if (why === null) return;
      msg = { type: "open", motion: id("motion"), parts: ticked.map(function (c) { return Number(c.getAttribute("data-together")); }) };
      if (why) { msg.reput = true; msg.reason = why; }
      if ($("recorded").checked) msg.secret = false;
      if ($("allow-change").checked) msg.allow_change = true;
      if (wait) msg.countdown = wait;
      ticked.forEach(function (c) { c.checked = false; });
    } else if (a === "admit-emergency") {
      var title = $("emergency-title").value.trim(), text = $("emergency-text").value.trim();
      if (!title || !text) { say("An emergency motion needs a title and its wording.", "error"); $(title ? "emergency-text" : "emergency-title").focus(); return; }
      msg = { type: "admit_emergency", title: title, text: text };
      var parts = $("emergency-parts").value.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
      if (parts.length) msg.parts = parts;
      if ($("emergency-lmc").value) msg.lmc = Number($("emergency-lmc").value);
    } else if (a === "block") {
      var preview = blockPreview(b.getAttribute("data-section"));
      if (!preview.length) { say("This section has no A or AR motions left to take as a block.", "error"); return; }
      var secs = countdown();
      if (Number.isNaN(secs)) { say("The countdown must be a whole number of seconds from 1 to 3600, or empty.", "error"); $("countdown-input").focus(); return; }
      if (!window.confirm("Take these motions together, without debate, in one vote?\n\n" + preview.join("\n"))) return;
      msg = { type: "block", section: id("section") };
      if (secs) msg.countdown = secs;
    } else if (a === "restore-block") {
      msg = { type: "restore_block", motion: id("motion") };
    } else if (a === "close") {
      if (!window.confirm("Close the vote now? Votes that have not reached the server will not count.")) return;
      msg = { type: "close", poll: id("poll") };
    } else if (a === "publish") {
      var empty = S.declared && S.declared.result && S.declared.result.no_ballots;
      if (empty && !window.confirm("Nobody voted in this vote. Publish its result anyway?")) return;
      msg = { type: "publish", poll: id("poll") };
    }
    else if (a === "casting") {
      var carried = b.getAttribute("data-carried") === "true";
      if (!window.confirm(carried ? "Give the casting vote FOR: the motion is carried?" : "Give the casting vote AGAINST: the motion is lost?")) return;
      msg = { type: "casting", poll: id("poll"), carried: carried };
    }
    if (msg) command(msg, b);
  });

  /* An emergency motion joins the agenda in its own section: the agenda is fetched again
   * (the page's own HTML), so its row has every button a motion's row has. */
  function admitted(ev) {
    ["emergency-title", "emergency-text", "emergency-parts"].forEach(function (f) { $(f).value = ""; });
    $("emergency-lmc").value = "";
    $("emergency-form").open = false;
    say("Emergency motion " + ev.reference + " admitted: it is at the end of the agenda.");
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("agenda");
        if (fresh) { $("agenda").replaceWith(document.importNode(fresh, true)); render(); }
      })
      .catch(function () { say("Reload the page to see the new motion on the agenda.", "notice"); });
  }

  /* --- events --------------------------------------------------------------------- */
  function onEvent(ev) {
    var before = ev.type === "motion.updated" && ev.item ? S.motions[ev.item.id] : null;
    var changed = MH.apply(ev);
    if (MH.floor) MH.floor.event(ev);
    if (ev.type === "motion.updated" && ev.item && ev.item.pulled_from_block && !(before && before.pulled_from_block)) {
      var who = ev.item.debate_requested_by;
      say((who ? who.name + (who.lmc ? " (" + who.lmc + ")" : "") : "A representative") + " asks to debate motion " + ev.item.number + ": " + ev.item.title + ".", "notice");
    }
    if (ev.type === "poll.opened" && ev.poll) markLivePoll(ev.poll.id, "open");
    if (ev.type === "poll.closed") markLivePoll(ev.poll_id, "closed");
    if (ev.type === "result.published") markLivePoll(ev.poll_id, "published");
    if ((ev.type === "ok" || ev.type === "error") && answers[ev.ref]) { answers[ev.ref](ev); delete answers[ev.ref]; }
    if (ev.type === "ok") {
      if (ev.ref in waiting) {
        answered(ev.ref);
        if (ev.of === "admit_emergency") admitted(ev);
        else if (ev.of === "close" && ev.no_ballots) say("Vote closed with no ballots cast: check that the hall could vote before you publish.", "notice");
        else say(DONE[ev.of] || "Done.");
      }
      return;
    }
    if (ev.type === "error") {
      if (ev.ref in waiting) answered(ev.ref);
      say(ev.message || ev.code, "error");
      return;
    }
    if (changed) render();
  }

  /* --- the agenda's rows, from the motions' payloads --------------------------------- */
  function setStatus(row, text) {
    var el = row && row.querySelector(":scope > .row > .status, :scope > .status");
    if (el) el.textContent = text;
  }

  function syncRow(m) {
    var row = root.querySelector('li.motion[data-motion="' + m.id + '"]');
    if (!row) return;
    row.setAttribute("data-status", m.status);
    row.setAttribute("data-pulled", String(!!m.pulled_from_block));
    setStatus(row, MH.standing(m));
    (m.parts || []).forEach(function (p) {
      var el = row.querySelector('li[data-part="' + p.id + '"]');
      if (el) { el.setAttribute("data-outcome", p.outcome || ""); setStatus(el, p.outcome ? MH.label("outcome", p.outcome) : ""); }
    });
    var asked = row.querySelector(".asked");
    if (asked) asked.remove();
    if (m.pulled_from_block && !m.outcome) {
      var who = m.debate_requested_by;
      row.querySelector(":scope > .row > .grow").appendChild(h("span", { class: "asked block small", "data-testid": "debate-requested" },
        "Debate requested" + (who ? " by " + who.name + (who.lmc ? ", " + who.lmc : "") : "") + " ",
        h("button", { type: "button", class: "btn secondary small", "data-action": "restore-block", "data-motion": m.id }, "Return it to the block")));
    }
  }

  function markLivePoll(id, status) {
    var row = root.querySelector('#live-polls li[data-poll="' + id + '"]');
    if (!row) return;
    row.setAttribute("data-status", status);
    setStatus(row, MH.label("poll_status", status));
  }

  /* --- rendering ----------------------------------------------------------------------- */
  function itemView() {
    var it = S.item;
    if (!it) return [h("h3", { text: "Under debate" }), h("p", { class: "muted", text: "Nothing is under debate." })];
    return [
      h("h3", { text: "Under debate: motion " + (it.reference || it.number) }),
      h("p", { class: "title", text: it.title }),
      h("p", { class: "muted small" }, it.section, it.proposer ? " · " + it.proposer : "", " · ",
        h("span", { "data-testid": "item-status", text: MH.standing(it) })),
      it.parts.length ? h("ol", { class: "plain small" }, it.parts.map(function (p) {
        return h("li", {}, "(" + p.label + ") " + p.text, p.outcome ? h("strong", { text: " · " + MH.label("outcome", p.outcome) }) : null);
      })) : null,
      MH.policyView(it, { id: "console-policy", heading: "h4" })
    ];
  }

  function countdownText(p) {
    var left = p ? MH.secondsLeft(p.closes_at, S.skew) : null;
    return left === null ? "" : left > 0 ? "Closes in " + MH.clock(left) : "Time is up: closing…";
  }

  /* "212 of 251 present (299 registered)": who voted, of whom. */
  function turnoutText(t) {
    var text = t.voted + " of " + t.present + " present";
    if (typeof t.registered === "number" && t.registered !== t.present) text += " (" + t.registered + " registered)";
    return text + " have voted";
  }

  function pollView() {
    var p = S.poll;
    if (!p && S.closed) return [h("div", { class: "vote-main" }, h("h3", { text: "Vote closed" }), h("p", { text: S.closed.question }), h("p", { class: "muted", text: "Counting…" }))];
    if (!p) return [h("p", { class: "muted", "data-testid": "no-vote", text: "No vote is open." })];
    var t = S.turnout && S.turnout.poll_id === p.id ? S.turnout : null;
    var bar = h("span", { class: "fill" });
    if (t && t.present) bar.style.width = Math.min(100, 100 * t.voted / t.present) + "%";
    var live = p.kind === "live" || p.kind === "scale";
    return [
      h("div", { class: "vote-main" },
        h("h3", {}, h("span", { class: "badge open", text: live ? "Live poll open" : "Vote open" })),
        h("p", { class: "title", id: "poll-question", text: p.question }),
        h("p", { class: "muted small" }, live ? "Live poll" : p.secret ? "Secret ballot" : "Recorded vote",
          p.allow_change ? " · votes may be changed" : "", p.majority === "two_thirds" ? " · two-thirds majority" : "")),
      h("div", { class: "vote-count" },
        h("p", { id: "turnout", class: "turnout", "data-testid": "turnout", "data-voted": t ? t.voted : "", "data-present": t ? t.present : "", "data-registered": t ? t.registered : "" },
          t ? turnoutText(t) : "Waiting for turnout…"),
        h("span", { class: "bar wide", "aria-hidden": "true" }, bar),
        p.closes_at ? h("p", { id: "countdown", class: "countdown", "data-testid": "countdown", text: countdownText(p) }) : null),
      h("div", { class: "vote-act" },
        h("button", { type: "button", class: "btn danger", id: "close-vote", "data-testid": "close-vote", "data-action": "close", "data-poll": p.id }, "Close vote"))
    ];
  }

  function declaredView() {
    var d = S.declared;
    if (!d || S.poll) return null;
    var tie = d.result && d.result.outcome === "tie";
    return h("div", { class: "vote-row" },
      h("div", { class: "vote-main declared-result", tabindex: "0", role: "region", "aria-label": "The declared result" },
        h("h3", { text: d.published ? "Result (published)" : "Declared result (not yet published)" }),
        MH.resultView(d.result, { title: d.poll.question, id: "result", heading: "p" })),
      h("div", { class: "vote-act" },
        tie ? h("p", { class: "small", text: "A tie: the chair's casting vote decides." }) : null,
        d.result && d.result.no_ballots && !d.published ? h("p", { class: "small notice", "data-testid": "no-ballots", text: "No ballots were cast in this vote." }) : null,
        tie ? h("button", { type: "button", class: "btn", id: "casting-for", "data-action": "casting", "data-poll": d.poll_id, "data-carried": "true" }, "Casting vote: for (carried)") : null,
        tie ? h("button", { type: "button", class: "btn secondary", id: "casting-against", "data-action": "casting", "data-poll": d.poll_id, "data-carried": "false" }, "Casting vote: against (lost)") : null,
        d.published
          ? h("p", {}, h("a", { href: root.dataset.resultsUrl + d.poll_id + "/", text: "Public result and receipts" }))
          : h("button", { type: "button", class: "btn", id: "publish", "data-testid": "publish", "data-action": "publish", "data-poll": d.poll_id, disabled: tie }, "Publish")));
  }

  function render() {
    var focusId = document.activeElement && document.activeElement.id;
    MH.fill($("item"), itemView());
    MH.fill($("poll"), pollView());
    $("poll").setAttribute("data-open", String(!!S.poll));
    var d = declaredView();
    $("declared").hidden = !d;
    MH.fill($("declared"), d);
    Object.keys(S.motions).forEach(function (id) { syncRow(S.motions[id]); });
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

  // For the console's own forms in their own files (live_poll_form.js): send a command, say a line.
  MH.console = { command: function (msg, button, then) { command(msg, button, then); }, say: say };

  var sock = new HallSocket(root.dataset.wsUrl, { event: onEvent, state: MH.showState($("connection")) });
  if (MH.floor) MH.floor.attach(sock, "console");
  var initial = MH.readSnapshot();
  if (initial) onEvent(initial);
  sock.start();
})();
