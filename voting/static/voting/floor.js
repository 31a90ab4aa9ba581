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
  var S = MH.state; // item, timer, speech, queue and block: state.js's reducer keeps them
  var F = { page: "", sock: null, refs: 0, mine: null, seen: false, pick: null };

  function $(id) { return document.getElementById(id); }
  function now() { return Date.now() - S.skew; }
  function seconds(iso) { return iso ? (now() - Date.parse(iso)) / 1000 : 0; }
  function side(value) { return MH.label("side", value).toLowerCase(); }

  function send(msg, button) {
    if (!F.sock || !F.sock.online) { return false; }
    msg.ref = "f" + (++F.refs);
    if (button) { button.disabled = true; setTimeout(function () { button.disabled = false; }, 1500); }
    return F.sock.send(msg);
  }

  /* --- this file's own part of the state: my request to speak, the chosen-motions ballot --- */
  function event(ev) {
    if (ev.type === "snapshot" && "my_request" in ev) { F.mine = ev.my_request || null; F.seen = !!F.mine; }
    else if (ev.type === "speakers.places") queueMoved();
    else if (ev.type === "ok" && ev.of === "speak") { if (F.mine !== ev.request_id) F.seen = false; F.mine = ev.request_id; }
    else if (ev.type === "ok" && ev.of === "unspeak") F.mine = null;
    else if (ev.type === "poll.opened" && ev.poll && ev.poll.kind === "pick") { F.pick = ev.poll.id; return; }
    else if (ev.type === "item.called" && (!ev.item || !S.item || ev.item.id !== S.item.id)) F.mine = null;
    else if (ev.type === "speech" && ev.speech && F.mine === ev.speech.id) F.mine = null; // called: no longer waiting
    if (["snapshot", "item.called", "motion.updated", "speech", "speakers", "speakers.places", "ok"].indexOf(ev.type) >= 0) render();
  }

  /* My place in the speaker queue, from its order (S.places: request ids, no names). Once my
   * request has been seen in the queue, its leaving it means it was called, withdrawn or
   * closed; before that, an older order may still be on its way, so it is not taken as gone. */
  function queueMoved() {
    if (!F.mine) return;
    if (S.places.indexOf(F.mine) >= 0) F.seen = true;
    else if (F.seen) { F.mine = null; F.seen = false; }
  }

  function myPlace() {
    var i = F.mine ? S.places.indexOf(F.mine) : -1;
    return i >= 0 ? i + 1 : 0;
  }

  function ordinal(n) {
    var teen = n % 100 >= 11 && n % 100 <= 13, last = n % 10;
    return n + (teen ? "th" : last === 1 ? "st" : last === 2 ? "nd" : last === 3 ? "rd" : "th");
  }

  /* --- views -------------------------------------------------------------------------- */
  /* Seconds from now to an end of business; null when unset or not within a day of now
   * (a session on another day says nothing about the time left today). */
  function today(iso) {
    var left = iso ? (Date.parse(iso) - now()) / 1000 : null;
    return left !== null && Math.abs(left) < 86400 ? left : null;
  }

  function timerView() {
    var t = S.timer;
    if (!t || !t.section_id) return null;
    var used = t.used + (t.running_since ? seconds(t.running_since) : 0);
    var left = t.allocated - used;
    var day = today(t.day_ends_at), session = today(t.session_ends_at);
    return h("div", { class: "timer", "data-testid": "section-timer", "data-overrun": String(left < 0) },
      h("p", {}, h("strong", { text: t.title }), " · " + MH.clock(Math.floor(used)) + " of " + MH.clock(t.allocated) + " used · ",
        h("span", { class: left < 0 ? "overrun" : "", text: left < 0 ? "over by " + MH.clock(Math.floor(-left)) : MH.clock(Math.floor(left)) + " left" })),
      session === null || F.page !== "console" ? null : h("p", { class: "muted small", "data-testid": "session-timer", text: t.session + ": " + (session < 0
        ? "over by " + MH.clock(Math.floor(-session)) : MH.clock(Math.floor(session)) + " left in the session") }),
      day === null || F.page !== "console" ? null : h("p", { class: "muted small", text: day < 0 ? "The day is over by " + MH.clock(Math.floor(-day)) : MH.clock(Math.floor(day)) + " left today" }));
  }

  function speechLeft() {
    var s = S.speech, left = s ? s.seconds - seconds(s.started_at) : 0;
    return left >= 0 ? MH.clock(Math.ceil(left)) + " left" : "over by " + MH.clock(Math.floor(-left));
  }

  function mySpeech() {
    return !!S.speech && !!S.me && S.speech.representative_id === S.me.id;
  }

  function speechView() {
    var s = S.speech;
    if (!s) return null;
    var left = s.seconds - seconds(s.started_at);
    return h("div", { class: "speech" + (mySpeech() ? " mine" : ""), "data-testid": "speech" },
      mySpeech() && F.page === "phone" ? h("p", { class: "you-speak", "data-testid": "you-have-the-floor", text: "You have the floor" }) : null,
      h("p", { class: "kicker", text: MH.label("role", s.role) + (s.role === "speaker" ? " " + side(s.side) : "") }),
      h("p", { class: "speaker" }, h("strong", { text: s.name }), s.lmc ? " · " + s.lmc : ""),
      h("p", { class: "countdown speech-timer" + (left < 0 ? " overrun" : ""), text: left >= 0 ? MH.clock(Math.ceil(left)) : "+" + MH.clock(Math.floor(-left)) }));
  }

  function btn(label, data, cls, large) {
    var attrs = { type: "button", class: "btn " + (large ? "" : "small ") + (cls == null ? "secondary" : cls) };
    Object.keys(data).forEach(function (k) { attrs["data-" + k] = data[k]; });
    return h("button", attrs, label);
  }

  function lmcs() {
    var el = $("lmcs");
    try { return el ? JSON.parse(el.textContent) : []; } catch (e) { return []; }
  }

  /* One amendment or rider: what it does, and its change marked against the wording. */
  function amendmentRow(a) {
    return h("li", { class: "amendment-row", "data-amendment": a.id },
      h("div", { class: "row" },
        h("span", { class: "grow" }, h("strong", { text: MH.label("amendment_kind", a.kind) + (a.part ? " to part (" + a.part + ")" : "") + (a.proposer ? " (" + a.proposer + ")" : "") + ": " }), a.text),
        a.outcome ? h("span", { class: "status", text: MH.label("outcome", a.outcome) }) : btn("Put", { proc: "put_amendment", amendment: a.id }, "")),
      a.diff && a.diff.length ? h("p", { class: "diff-line small", "data-testid": "amendment-diff" }, MH.diffView(a.diff)) : null);
  }

  function amendForm(it) {
    return h("details", { id: "amend-form", class: "amend-form" }, h("summary", { text: "Propose an amendment or rider" }),
      h("div", { class: "row" },
        h("div", { class: "grow" }, h("label", { for: "amend-kind", text: "Kind" }),
          h("select", { id: "amend-kind" }, ["amendment", "rider"].map(function (k) { return h("option", { value: k, text: MH.label("amendment_kind", k) }); }))),
        h("div", { class: "grow" }, h("label", { for: "amend-lmc", text: "Proposing LMC" }),
          h("select", { id: "amend-lmc" }, h("option", { value: "", text: "The chair (no LMC)" }),
            lmcs().map(function (l) { return h("option", { value: l.id, text: l.name }); }))),
        // "Amend part (ii)": the amendment changes that part's wording only.
        it.parts.length ? h("div", { class: "grow" }, h("label", { for: "amend-part", text: "It amends" }),
          h("select", { id: "amend-part" }, h("option", { value: "", text: "The whole motion" }),
            it.parts.filter(function (p) { return !p.outcome; }).map(function (p) { return h("option", { value: p.id, text: "Part (" + p.label + ")" }); }))) : null),
      h("label", { for: "amend-wording", text: "An amendment: edit the motion's wording to read as amended" }),
      h("textarea", { id: "amend-wording", rows: "5", "data-motion": it.id, "aria-describedby": "amend-wording-hint" }, it.text),
      h("p", { class: "muted small", id: "amend-wording-hint", text: "Insert or delete words in place; the change is shown to the hall word by word." }),
      h("label", { for: "amend-text", text: "The amendment as moved, or a rider's words" }),
      h("textarea", { id: "amend-text", rows: "3", "aria-describedby": "amend-text-hint" }),
      h("p", { class: "muted small", id: "amend-text-hint", text: "For an amendment, leave this empty and it is written from your edit (Insert … after …)." }),
      btn("Add", { proc: "amend" }, ""));
  }

  /* A procedural motion: who moved it (the speaker on the floor or one waiting) and what it
   * is about (the ruling challenged, the standing order to suspend). */
  function movers() {
    var seen = {}, out = [];
    if (S.speech && S.speech.representative_id) { seen[S.speech.representative_id] = 1; out.push({ id: S.speech.representative_id, name: S.speech.name + (S.speech.lmc ? " · " + S.speech.lmc : "") + " (speaking)" }); }
    S.queue.forEach(function (q) { if (!seen[q.representative_id]) { seen[q.representative_id] = 1; out.push({ id: q.representative_id, name: q.name + (q.lmc ? " · " + q.lmc : "") }); } });
    return out;
  }

  function proceduralForm(kinds) {
    return h("fieldset", { class: "procedural-form", id: "procedural-form" }, h("legend", { text: "A procedural motion" }),
      h("div", { class: "row" },
        h("div", { class: "grow" }, h("label", { for: "proc-mover", text: "Moved by" }),
          h("select", { id: "proc-mover" }, h("option", { value: "", text: "Not recorded" }),
            movers().map(function (m) { return h("option", { value: m.id, text: m.name }); }))),
        h("div", { class: "grow" }, h("label", { for: "proc-subject", text: "The ruling challenged, or the standing order to suspend" }),
          h("input", { id: "proc-subject", type: "text", maxlength: "2000", autocomplete: "off", "aria-describedby": "proc-subject-hint" }))),
      h("p", { class: "muted small", id: "proc-subject-hint", text: "Needed for a challenge to the chair's ruling and a motion to suspend standing orders; kept in the record." }),
      h("div", { class: "row" }, Object.keys(kinds).map(function (k) { return btn(kinds[k], { proc: "procedural", kind: k }); })));
  }

  /* The console's countdown (seconds) for any vote it opens, or undefined. */
  function countdownSeconds() {
    var el = $("countdown-input"), n = el && el.value.trim() ? Number(el.value.trim()) : 0;
    return Number.isInteger(n) && n >= 1 && n <= 3600 ? n : undefined;
  }

  function consoleView() {
    var it = S.item, out = [h("h3", { text: "Procedure" }),
      h("div", { class: "row" }, btn("Next item", { proc: "next" }, "", true), btn("Skip", { proc: "skip" }, "secondary", true), btn("Back", { proc: "back" }, "secondary", true))];
    if (!it) return out;
    if (it.amended) out.push(h("p", { class: "amended" }, h("strong", { text: "As amended: " }), it.text));
    if (it.amendments.length) out.push(h("ol", { class: "plain small amendments" }, it.amendments.map(amendmentRow)));
    if (!it.outcome) {
      out.push(amendForm(it));
      var kinds = S.labels.procedural || {}, declared = S.labels.declared || {};
      out.push(proceduralForm(kinds));
      out.push(h("div", { class: "row" }, Object.keys(declared).map(function (o) { return btn("Declare: " + declared[o], { proc: "declare", outcome: o }); })));
    } else {
      out.push(h("div", { class: "row" }, btn("Correct the outcome…", { proc: "correct" }),
        it.group.length ? btn("Mark its group (" + it.group.length + ") fallen", { proc: "fall_group" }, "") : null));
    }
    out.push(h("h4", { text: "Speakers" }));
    out.push(S.queue.length ? h("ol", { class: "plain small queue", "data-testid": "queue" }, S.queue.map(function (q) {
      return h("li", { class: "row" }, h("span", { class: "grow" }, h("strong", { text: q.name }), " · " + q.lmc + " · " + side(q.side) + (q.spoken_today ? " · spoken today" : "")),
        btn("Speak", { proc: "speech", request: q.id, role: "speaker" }, ""), btn("Proposer", { proc: "speech", request: q.id, role: "proposer" }), btn("Reply", { proc: "speech", request: q.id, role: "reply" }));
    })) : h("p", { class: "muted small", text: "Nobody has asked to speak." }));
    if (S.speech) out.push(btn("End speech", { proc: "end_speech" }));
    return out;
  }

  function blockView() {
    if (!S.block || !S.block.length) return [];
    return [h("h2", { text: "Taken without debate" }),
      h("p", { class: "muted small", text: "These motions are already policy and will be voted on together. Ask to debate one and the chair decides." }),
      h("ul", { class: "plain" }, S.block.map(function (m) {
        return h("li", { class: "row" }, h("span", { class: "grow", text: m.number + ". " + m.title + " (" + MH.label("category", m.category) + ")" }),
          m.pulled ? h("span", { class: "status", text: "Debate requested" }) : btn("Ask to debate", { proc: "debate_request", motion: m.id }));
      }))];
  }

  /* Asking to speak is not voting: its own section, in words, never the vote's colours. */
  function phoneView() {
    var it = S.item;
    if (!it || it.outcome) return blockView();
    var out = [h("h2", { id: "speak-heading", text: "Ask to speak on motion " + (it.reference || it.number) })];
    if (mySpeech()) {
      out.push(h("div", { "data-testid": "you-have-the-floor" }, h("p", { class: "you-speak", text: "You have the floor" }),
        h("p", { class: "speech-timer", id: "my-speech-timer", text: speechLeft() })));
    }
    else if (F.mine) {
      var place = myPlace();
      out.push(h("div", { class: "in-queue", "data-testid": "in-queue" },
        h("p", { class: "queue-place", "data-testid": "queue-place", "data-place": place || "", role: "status" },
          place ? "You are " + ordinal(place) + " to speak" + (place === 1 ? ": you are next." : ".") : "You have asked to speak. The chair has your request."),
        place ? h("p", { class: "muted small", text: S.places.length === 1 ? "Nobody else is waiting." : S.places.length + " are waiting to speak. Points of order go first." }) : null,
        btn("Withdraw my request", { proc: "unspeak" })));
    } else {
      out.push(h("p", { class: "muted small", text: "Ask the chair for the floor. This is not a vote." }),
        h("div", { class: "row speak-asks" }, ["for", "against", "point_of_order"].map(function (k) {
          return btn("Ask to speak: " + side(k), { proc: "speak", side: k });
        })));
    }
    return out.concat(blockView());
  }

  /* Re-rendering the procedure keeps what the chair is typing in its forms. */
  var KEPT = ["amend-kind", "amend-lmc", "amend-part", "amend-wording", "amend-text", "proc-mover", "proc-subject"];
  function keepForm(fn) {
    var form = $("amend-form"), kept = null;
    if (form) {
      kept = { open: form.open, motion: $("amend-wording").getAttribute("data-motion") };
      KEPT.forEach(function (id) { if ($(id)) kept[id] = $(id).value; });
      kept.focus = document.activeElement && document.activeElement.id;
    }
    fn();
    form = $("amend-form");
    if (!kept || !form || $("amend-wording").getAttribute("data-motion") !== kept.motion) return;
    form.open = kept.open;
    KEPT.forEach(function (id) {
      var el = $(id);
      if (el && id in kept && (el.tagName !== "SELECT" || el.querySelector('option[value="' + kept[id] + '"]'))) el.value = kept[id];
    });
    if (kept.focus && $(kept.focus)) $(kept.focus).focus();
  }

  /* A procedural motion's subject, once typed, is no longer missing. */
  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "proc-subject") e.target.setCustomValidity("");
  });

  /* Choosing the part an amendment targets offers that part's wording to edit. */
  document.addEventListener("change", function (e) {
    if (!e.target || e.target.id !== "amend-part" || !S.item) return;
    var id = Number(e.target.value), part = S.item.parts.filter(function (p) { return p.id === id; })[0];
    $("amend-wording").value = part ? part.text : S.item.text;
  });

  function render() {
    MH.fill($("floor-timer"), [timerView(), speechView()]);
    if (F.page === "console") keepForm(function () { MH.fill($("procedure"), consoleView()); });
    if (F.page === "phone") MH.fill($("speak"), phoneView());
  }

  /* --- the console's and the phone's buttons ------------------------------------------------ */
  document.addEventListener("click", function (e) {
    var b = e.target.closest ? e.target.closest("button[data-proc]") : null;
    if (!b || b.disabled) return;
    var a = b.getAttribute("data-proc"), d = function (k) { return b.getAttribute("data-" + k); };
    var it = S.item, msg = { type: a };
    if (a === "put_amendment") { msg.amendment = Number(d("amendment")); msg.countdown = countdownSeconds(); }
    else if (a === "amend") {
      msg.motion = it.id; msg.kind = $("amend-kind").value; msg.text = $("amend-text").value.trim();
      if (msg.kind === "amendment") msg.new_wording = $("amend-wording").value;
      if ($("amend-lmc").value) msg.lmc = Number($("amend-lmc").value);
      if ($("amend-part") && $("amend-part").value) msg.part = Number($("amend-part").value);
    } else if (a === "procedural") {
      msg.motion = it.id; msg.kind = d("kind"); msg.countdown = countdownSeconds();
      var subject = $("proc-subject"), about = subject.value.trim();
      subject.setCustomValidity("");
      if (!about && (msg.kind === "challenge" || msg.kind === "suspend_standing_orders")) {
        subject.setCustomValidity(msg.kind === "challenge" ? "Say which ruling of the chair is challenged." : "Say which standing order is to be suspended.");
        subject.reportValidity();
        return;
      }
      if (about) msg.subject = about;
      if ($("proc-mover").value) msg.moved_by = Number($("proc-mover").value);
    }
    else if (a === "declare") {
      if (!window.confirm("Declare motion " + (it.reference || it.number) + " " + MH.label("outcome", d("outcome")).toLowerCase() + "?")) return;
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
    else if (a === "debate_request") msg.motion = Number(d("motion"));
    else if (a === "move") { reorder(b); return; }
    else if (a === "open_chosen") { msg.max_choices = Number($("chosen-max").value || 0); msg.countdown = countdownSeconds(); }
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

  setInterval(function () {
    if (S.timer || S.speech) MH.fill($("floor-timer"), [timerView(), speechView()]);
    var mine = $("my-speech-timer");
    if (mine) mine.textContent = speechLeft();
  }, 1000);

  MH.floor = { event: event, attach: function (sock, page) { F.sock = sock; F.page = page; render(); } };
})();
