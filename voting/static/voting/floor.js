/* Motion Hall: the procedure on every page (issue 3).
 *
 * The console, projector and phone scripts pass every event to MH.floor.event(ev) and
 * their socket to MH.floor.attach(sock, page). This file keeps the section timer, the
 * speech and (console) the motion procedure, speaker queue and agenda controls, and
 * (phone) the request to speak. It sends commands through the page's socket only.
 */
(function () {
  "use strict";
  var MH = window.MH;
  if (!MH) return;
  var h = MH.h;
  var F = { item: null, timer: null, speech: null, queue: [], skew: 0, page: "", sock: null, refs: 0, mine: null };
  var SIDES = { "for": "for", against: "against", point_of_order: "point of order" };
  var ROLES = { proposer: "Proposer", speaker: "Speaker", reply: "Right of reply" };
  var PROCEDURAL = [
    ["closure", "That the question be now put"], ["next_business", "Move to next business"],
    ["refer", "That the motion be referred"], ["not_put", "That the question be not put"],
    ["reference", "That the motion be carried as a reference"]
  ];
  var DECLARE = [["withdrawn", "Withdrawn"], ["fell", "Fell"], ["not_reached", "Not reached"],
    ["carried_as_reference", "Proposer accepts a reference"]];

  function $(id) { return document.getElementById(id); }
  function now() { return Date.now() - F.skew; }
  function seconds(iso) { return iso ? (now() - Date.parse(iso)) / 1000 : 0; }

  function send(msg, button) {
    if (!F.sock || !F.sock.online) { return false; }
    msg.ref = "f" + (++F.refs);
    if (button) { button.disabled = true; setTimeout(function () { button.disabled = false; }, 1500); }
    return F.sock.send(msg);
  }

  /* --- state ------------------------------------------------------------------------ */
  function event(ev) {
    if (ev.now) F.skew = Date.now() - Date.parse(ev.now);
    switch (ev.type) {
      case "snapshot":
        F.item = ev.item; F.timer = ev.timer || null; F.speech = ev.speech || null; F.queue = ev.speakers || [];
        F.block = ev.block || [];
        break;
      case "item.called": F.item = ev.item; if (ev.timer) F.timer = ev.timer; if (ev.block) F.block = ev.block; break;
      case "motion.updated":
        if (F.item && ev.item && F.item.id === ev.item.id) F.item = ev.item;
        F.block = (F.block || []).map(function (m) {
          return m.id === ev.item.id ? { id: m.id, number: m.number, title: m.title, category: m.category, pulled: ev.item.pulled_from_block, outcome: ev.item.outcome } : m;
        }).filter(function (m) { return !m.outcome; });
        markAgenda(ev.item);
        break;
      case "speech": F.speech = ev.speech; break;
      case "speakers": F.queue = ev.queue; break;
      case "ok": if (ev.of === "speak") F.mine = ev.request_id; if (ev.of === "unspeak") F.mine = null; break;
      case "poll.opened": if (ev.poll && ev.poll.kind === "pick") F.pick = ev.poll.id; return;
      default: return;
    }
    render();
  }

  function markAgenda(item) {
    if (!item) return;
    var row = document.querySelector('li.motion[data-motion="' + item.id + '"]');
    if (!row) return;
    row.setAttribute("data-pulled", String(!!item.pulled_from_block));
    var status = row.querySelector(":scope > .row > .status");
    if (status && item.outcome) status.textContent = MH.outcomeText({ outcome: item.outcome });
  }

  /* --- views -------------------------------------------------------------------------- */
  /* Seconds from now to an end of business; null when unset or not within a day of now
   * (a session on another day says nothing about the time left today). */
  function today(iso) {
    var left = iso ? (Date.parse(iso) - now()) / 1000 : null;
    return left !== null && Math.abs(left) < 86400 ? left : null;
  }

  function timerView() {
    var t = F.timer;
    if (!t || !t.section_id) return null;
    var used = t.used + (t.running_since ? seconds(t.running_since) : 0);
    var left = t.allocated - used;
    var day = today(t.day_ends_at), session = today(t.session_ends_at);
    return h("div", { class: "timer", "data-testid": "section-timer", "data-overrun": String(left < 0) },
      h("p", {}, h("strong", { text: t.title }), " · " + MH.clock(Math.floor(used)) + " of " + MH.clock(t.allocated) + " used · ",
        h("span", { class: left < 0 ? "overrun" : "", text: left < 0 ? "over by " + MH.clock(Math.floor(-left)) : MH.clock(Math.floor(left)) + " left" })),
      session === null ? null : h("p", { class: "muted small", "data-testid": "session-timer", text: t.session + ": " + (session < 0
        ? "over by " + MH.clock(Math.floor(-session)) : MH.clock(Math.floor(session)) + " left in the session") }),
      day === null ? null : h("p", { class: "muted small", text: day < 0 ? "The day is over by " + MH.clock(Math.floor(-day)) : MH.clock(Math.floor(day)) + " left today" }));
  }

  function speechView() {
    var s = F.speech;
    if (!s) return null;
    var left = s.seconds - seconds(s.started_at);
    return h("div", { class: "speech", "data-testid": "speech" },
      h("p", { class: "kicker", text: (ROLES[s.role] || "Speaker") + (s.role === "speaker" ? " " + (SIDES[s.side] || "") : "") }),
      h("p", { class: "speaker" }, h("strong", { text: s.name }), s.lmc ? " · " + s.lmc : ""),
      h("p", { class: "countdown speech-timer" + (left < 0 ? " overrun" : ""), text: left >= 0 ? MH.clock(Math.ceil(left)) : "+" + MH.clock(Math.floor(-left)) }));
  }

  function btn(label, data, cls, large) {
    var attrs = { type: "button", class: "btn " + (large ? "" : "small ") + (cls == null ? "secondary" : cls) };
    Object.keys(data).forEach(function (k) { attrs["data-" + k] = data[k]; });
    return h("button", attrs, label);
  }

  function consoleView() {
    var it = F.item, out = [h("h3", { text: "Procedure" }),
      h("div", { class: "row" }, btn("Next item", { proc: "next" }, "", true), btn("Skip", { proc: "skip" }, "secondary", true), btn("Back", { proc: "back" }, "secondary", true))];
    if (!it) return out;
    if (it.amended) out.push(h("p", { class: "amended" }, h("strong", { text: "As amended: " }), it.text));
    if (it.amendments.length) out.push(h("ol", { class: "plain small amendments" }, it.amendments.map(function (a) {
      return h("li", { class: "row" }, h("span", { class: "grow", text: (a.kind === "rider" ? "Rider" : "Amendment") + (a.proposer ? " (" + a.proposer + ")" : "") + ": " + a.text }),
        a.outcome ? h("span", { class: "status", text: MH.outcomeText({ outcome: a.outcome }) }) : btn("Put", { proc: "put_amendment", amendment: a.id }, ""));
    })));
    if (!it.outcome) {
      out.push(h("details", {}, h("summary", { text: "Propose an amendment or rider" }),
        h("label", { for: "amend-kind", text: "Kind" }),
        h("select", { id: "amend-kind" }, h("option", { value: "amendment", text: "Amendment" }), h("option", { value: "rider", text: "Rider" })),
        h("label", { for: "amend-text", text: "Text as moved" }), h("textarea", { id: "amend-text", rows: "2" }),
        h("label", { for: "amend-wording", text: "The motion as amended (amendment only)" }), h("textarea", { id: "amend-wording", rows: "2" }),
        btn("Add", { proc: "amend" }, "")));
      out.push(h("div", { class: "row" }, PROCEDURAL.map(function (p) { return btn(p[1], { proc: "procedural", kind: p[0] }); })));
      out.push(h("div", { class: "row" }, DECLARE.map(function (d) { return btn(d[1], { proc: "declare", outcome: d[0] }); })));
    } else {
      out.push(h("div", { class: "row" }, btn("Correct the outcome…", { proc: "correct" }),
        it.group.length ? btn("Mark its group (" + it.group.length + ") fallen", { proc: "fall_group" }, "") : null));
    }
    out.push(h("h4", { text: "Speakers" }));
    out.push(F.queue.length ? h("ol", { class: "plain small queue", "data-testid": "queue" }, F.queue.map(function (q) {
      return h("li", { class: "row" }, h("span", { class: "grow" }, h("strong", { text: q.name }), " · " + q.lmc + " · " + (SIDES[q.side] || q.side) + (q.spoken_today ? " · spoken today" : "")),
        btn("Speak", { proc: "speech", request: q.id, role: "speaker" }, ""), btn("Proposer", { proc: "speech", request: q.id, role: "proposer" }), btn("Reply", { proc: "speech", request: q.id, role: "reply" }));
    })) : h("p", { class: "muted small", text: "Nobody has asked to speak." }));
    if (F.speech) out.push(btn("End speech", { proc: "end_speech" }));
    return out;
  }

  function blockView() {
    if (!F.block || !F.block.length) return [];
    return [h("h2", { text: "Taken without debate" }),
      h("p", { class: "muted small", text: "These motions are already policy and will be voted on together. Ask to debate one and the chair decides." }),
      h("ul", { class: "plain" }, F.block.map(function (m) {
        return h("li", { class: "row" }, h("span", { class: "grow", text: m.number + ". " + m.title + " (" + m.category + ")" }),
          m.pulled ? h("span", { class: "status", text: "Debate requested" }) : btn("Ask to debate", { proc: "debate_request", motion: m.id }));
      }))];
  }

  function phoneView() {
    var it = F.item;
    if (!it || it.outcome) return blockView();
    var out = [h("h2", { text: "Ask to speak" })];
    out.push(F.mine ? h("div", {}, h("p", { text: "You are in the queue." }), btn("Withdraw", { proc: "unspeak" }))
      : h("div", { class: "row" }, btn("For", { proc: "speak", side: "for" }, ""), btn("Against", { proc: "speak", side: "against" }, ""),
        btn("Point of order", { proc: "speak", side: "point_of_order" })));
    return out.concat(blockView());
  }

  function render() {
    MH.fill($("floor-timer"), [timerView(), speechView()]);
    if (F.page === "console") MH.fill($("procedure"), consoleView());
    if (F.page === "phone") MH.fill($("speak"), phoneView());
  }

  /* --- the console's and the phone's buttons ------------------------------------------------ */
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button[data-proc]") : null;
    if (!b || b.disabled) return;
    var a = b.getAttribute("data-proc"), d = function (k) { return b.getAttribute("data-" + k); };
    var it = F.item, msg = { type: a };
    if (a === "put_amendment") msg.amendment = Number(d("amendment"));
    else if (a === "amend") {
      msg.motion = it.id; msg.kind = $("amend-kind").value; msg.text = $("amend-text").value; msg.new_wording = $("amend-wording").value;
    } else if (a === "procedural") { msg.motion = it.id; msg.kind = d("kind"); }
    else if (a === "declare") {
      if (!window.confirm("Declare motion " + it.number + ": " + b.textContent + "?")) return;
      msg.motion = it.id; msg.outcome = d("outcome");
    } else if (a === "correct") {
      var outcome = window.prompt("Correct the outcome to (carried, carried_in_part, carried_as_reference, lost, withdrawn, fell, not_reached, referred):");
      var reason = outcome && window.prompt("Why? The reason is kept in the history.");
      if (!reason) return;
      msg.motion = it.id; msg.outcome = outcome.trim(); msg.reason = reason;
    } else if (a === "fall_group") {
      if (!window.confirm("Mark the " + it.group.length + " other motions of this group as fallen?")) return;
      msg.motion = it.id;
    }
    else if (a === "speech") { msg.request = Number(d("request")); msg.role = d("role"); }
    else if (a === "speak") msg.side = d("side");
    else if (a === "block") msg.section = Number(d("section"));
    else if (a === "debate_request") msg.motion = Number(d("motion"));
    else if (a === "move") { reorder(b); return; }
    else if (a === "open_chosen") msg.max_choices = Number($("chosen-max").value || 0);
    else if (a === "apply_chosen") {
      if (!window.confirm("Put the top motions of the closed chosen-motions ballot on the agenda?")) return;
      msg.poll = F.pick; msg.places = Number($("chosen-places").value || 0);
      // The chair settles a tie by motion number; the server takes ids.
      msg.settle = ($("chosen-settle").value || "").split(/[\s,]+/).filter(Boolean).map(function (n) {
        var row = document.querySelector('[data-testid="motion-' + n + '"]');
        return row ? Number(row.getAttribute("data-motion")) : -1;
      });
    }
    send(msg, b);
  });

  function reorder(b) {
    var row = b.closest("li.motion"), list = row.parentNode;
    var other = b.getAttribute("data-dir") === "up" ? row.previousElementSibling : row.nextElementSibling;
    if (!other) return;
    var ids = Array.prototype.map.call(list.querySelectorAll(":scope > li.motion"), function (li) { return Number(li.getAttribute("data-motion")); });
    var i = ids.indexOf(Number(row.getAttribute("data-motion"))), j = ids.indexOf(Number(other.getAttribute("data-motion")));
    ids[i] = ids[j]; ids[j] = Number(row.getAttribute("data-motion"));
    if (send({ type: "reorder", section: Number(list.getAttribute("data-section")), order: ids }, b)) {
      if (j < i) list.insertBefore(row, other); else list.insertBefore(other, row);
    }
  }

  setInterval(function () { if (F.timer || F.speech) MH.fill($("floor-timer"), [timerView(), speechView()]); }, 1000);

  MH.floor = { event: event, attach: function (sock, page) { F.sock = sock; F.page = page; render(); } };
})();
