/* Motion Hall: the representative's phone.
 *
 * A vote is never shown as counted before the server's `vote.accepted`. Until then it
 * waits in an outbox in localStorage (one entry per poll: {poll, choice, key}) and is
 * sent again on every (re)connect; the key makes resends idempotent. If the socket
 * cannot connect for more than 10 s, the same JSON goes by HTTP POST instead.
 */
(function () {
  "use strict";
  var MH = window.MH, h = MH.h;
  var root = document.getElementById("phone");
  if (!root || !window.HallSocket) return;
  var $ = function (id) { return document.getElementById(id); };
  var announce = MH.announcer($("announce"));
  var showState = MH.showState($("connection"));
  var P = root.dataset.store; // "mh:<slug>:<rep>:"
  var HTTP_AFTER = 10000, RESEND_AFTER = 10000;

  /* --- storage: localStorage, or memory where it is unavailable ------------------- */
  var memory = {};
  var store = {
    get: function (k) {
      if (k in memory) return memory[k];
      try { var v = localStorage.getItem(k); return v ? JSON.parse(v) : null; } catch (e) { return null; }
    },
    set: function (k, v) {
      try { localStorage.setItem(k, JSON.stringify(v)); delete memory[k]; } catch (e) { memory[k] = v; }
    },
    del: function (k) {
      delete memory[k];
      try { localStorage.removeItem(k); } catch (e) { /* ignore */ }
    },
    keys: function (prefix) {
      var out = Object.keys(memory).filter(function (k) { return k.indexOf(prefix) === 0; });
      try {
        for (var i = 0; i < localStorage.length; i++) {
          var k = localStorage.key(i);
          if (k && k.indexOf(prefix) === 0 && out.indexOf(k) < 0) out.push(k);
        }
      } catch (e) { /* ignore */ }
      return out;
    }
  };

  var OUT = P + "out:", RECEIPTS = P + "receipts";
  function outbox(pollId) { return store.get(OUT + pollId); }
  function outboxAll() { return store.keys(OUT).map(store.get).filter(Boolean); }
  function clearOutbox(pollId) { store.del(OUT + pollId); delete meta[pollId]; }
  function receipts() { return store.get(RECEIPTS) || {}; }
  function saveReceipt(pollId, vote) {
    var all = receipts();
    all[pollId] = { choice: vote.choice, receipt: vote.receipt, key: vote.key };
    var ids = Object.keys(all);
    while (ids.length > 30) delete all[ids.shift()];
    store.set(RECEIPTS, all);
  }
  function forgetReceipt(pollId) {
    var all = receipts();
    if (all[pollId]) { delete all[pollId]; store.set(RECEIPTS, all); }
  }

  function uuid() {
    var c = window.crypto;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var x = Array.prototype.map.call(b, function (n) { return (n + 256).toString(16).slice(1); }).join("");
    return x.slice(0, 8) + "-" + x.slice(8, 12) + "-" + x.slice(12, 16) + "-" + x.slice(16, 20) + "-" + x.slice(20);
  }

  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : root.dataset.csrf;
  }

  /* --- state: state.js's, plus this phone's sending --------------------------------- */
  var S = MH.state, own = { errors: {}, notice: "" }; // own: this phone's refusals and notice
  var meta = {}; // poll id -> {sentAt, nextAt, tries, http, note}: this page's sending state
  var settled = {}; // keys already answered for good: a late duplicate answer changes nothing
  var offlineSince = Date.now();

  function m(pollId) { return meta[pollId] || (meta[pollId] = { sentAt: 0, nextAt: 0, tries: 0, http: false, note: "" }); }

  function backoff(tries) {
    var wait = Math.min(15000, 1000 * Math.pow(2, tries - 1));
    return wait / 2 + Math.random() * wait / 2;
  }

  function applySnapshot(snap, first) {
    var before = S.poll;
    MH.apply(snap);
    if (S.poll && "my_vote" in snap) {
      var vote = snap.my_vote;
      if (vote) {
        saveReceipt(vote.poll_id, vote);
        delete ticks[vote.poll_id]; // another phone of mine may have changed the picks
        var entry = outbox(vote.poll_id);
        if (entry && entry.key === vote.key) clearOutbox(vote.poll_id);
      } else {
        forgetReceipt(S.poll.id);
      }
    }
    if (!first && S.poll && (!before || before.id !== S.poll.id)) announce(openedText(S.poll));
    render();
    outboxAll().forEach(function (entry) { send(entry, true); }); // resend on every (re)connect
  }

  function live(p) { return p.kind === "live" || p.kind === "scale"; }
  function openedText(p) { return (live(p) ? "Live poll open: " : "Vote open: ") + p.question; }

  /* A vote opening comes to the front: scrolled back to the top if the reader was further down. */
  function frontAndCentre() {
    var box = $("poll").getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight / 2) $("poll").scrollIntoView({ block: "start" });
  }

  function onEvent(ev) {
    if (ev.type === "snapshot") { applySnapshot(ev, false); if (MH.floor) MH.floor.event(ev); return; }
    var wasOpen = S.poll;
    var changed = MH.apply(ev);
    if (MH.floor) MH.floor.event(ev);
    switch (ev.type) {
      case "item.called":
        if (ev.item) announce("Now under debate: motion " + ev.item.number + ", " + ev.item.title);
        break;
      case "poll.opened":
        delete own.errors[ev.poll.id];
        announce(openedText(ev.poll));
        try { if (navigator.vibrate) navigator.vibrate(150); } catch (e) { /* ignore */ }
        render();
        frontAndCentre();
        return;
      case "poll.closed":
        if (wasOpen && wasOpen.id === ev.poll_id) announce(live(wasOpen) ? "The live poll has closed." : "Voting has closed.");
        break;
      case "result.published":
        announce("Result: " + ev.poll.question + ". " + MH.outcomeText(ev.result));
        break;
      case "vote.accepted": accepted(ev); return;
      case "error": refused(ev); return;
    }
    if (changed) render();
  }

  function accepted(ev) {
    if (settled[ev.key]) return;
    var entry = outbox(ev.poll_id);
    if (entry && entry.key !== ev.key) return; // an answer to an earlier press; a newer one is on its way
    if (entry) clearOutbox(ev.poll_id);
    settled[ev.key] = true;
    saveReceipt(ev.poll_id, ev);
    delete own.errors[ev.poll_id];
    announce("Vote counted. Receipt " + ev.receipt);
    render();
  }

  function refused(ev) {
    if (ev.ref && settled[ev.ref]) return;
    var entry = ev.ref ? outboxAll().filter(function (e) { return e.key === ev.ref; })[0] : null;
    if (!entry) {
      own.notice = ev.message || "Something went wrong.";
      announce(own.notice);
      render();
      return;
    }
    var state = m(entry.poll);
    if (ev.code === "not_recorded") { // the server could not store it: try again, a little later each time
      state.tries += 1;
      state.nextAt = Date.now() + backoff(state.tries);
      state.note = ev.message;
    } else {
      clearOutbox(entry.poll);
      settled[entry.key] = true;
      own.errors[entry.poll] = ev.message;
      var shown = [S.poll, S.closed].some(function (p) { return p && p.id === entry.poll; });
      if (!shown) own.notice = ev.message; // a vote of an earlier poll: say so all the same
      announce(ev.message);
    }
    render();
  }

  /* --- sending ------------------------------------------------------------------ */
  function send(entry, now) {
    var state = m(entry.poll), t = Date.now();
    if (state.http || (!now && t < state.nextAt)) return;
    if (sock.online) {
      if (sock.send({ type: "vote", poll: entry.poll, choice: entry.choice, key: entry.key, ref: entry.key })) {
        state.sentAt = t;
        state.nextAt = Math.max(state.nextAt, t + RESEND_AFTER); // no answer by then: send it again
      }
    } else if (t - offlineSince > HTTP_AFTER) {
      post(entry, state);
    }
  }

  function post(entry, state) {
    state.http = true;
    var body = JSON.stringify({ poll: entry.poll, choice: entry.choice, key: entry.key });
    var noAnswer = function (why) { return { type: "error", code: "not_recorded", message: why }; };
    fetch(root.dataset.castUrl, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() }
    }).then(function (r) {
      if (r.status === 503) return r.json().catch(function () { return noAnswer("Not recorded yet."); });
      return r.json().catch(function () { return noAnswer("The server did not answer (" + r.status + ")."); });
    }, function () {
      return noAnswer("No connection.");
    }).then(function (ev) {
      state.http = false;
      if (ev && ev.type === "error") {
        ev.ref = entry.key; // an answer to this request, whatever it says
        if (ev.code === "not_recorded") { state.tries += 1; state.nextAt = Date.now() + backoff(state.tries); state.note = ev.message; render(); return; }
      }
      if (ev && (ev.type === "vote.accepted" || ev.type === "error")) onEvent(ev);
    });
  }

  function tick() {
    outboxAll().forEach(function (entry) { send(entry, false); });
    var el = $("countdown");
    if (el) el.textContent = countdownText(S.poll);
  }

  function countdownText(p) {
    var left = p ? MH.secondsLeft(p.closes_at, S.skew) : null;
    if (left === null) return "";
    return left > 0 ? "Closes in " + MH.clock(left) : "Time is up";
  }

  /* --- pressing a button -------------------------------------------------------------- */
  function same(a, b) { return String(a) === String(b); } // a choice is a key, or a pick ballot's sorted keys

  /* A pick ballot: the options this phone has ticked and not yet sent (starts from the vote counted). */
  var ticks = {};
  function ticked(p) {
    if (!ticks[p.id]) { var mine = receipts()[p.id]; ticks[p.id] = mine && Array.isArray(mine.choice) ? mine.choice.slice() : []; }
    return ticks[p.id];
  }

  root.addEventListener("click", function (e) {
    var retry = e.target.closest ? e.target.closest("button[data-retry]") : null;
    if (retry) { // offline with a vote waiting: try the connection (and the vote) at once
      sock.retryNow();
      outboxAll().forEach(function (entry) { m(entry.poll).nextAt = 0; send(entry, true); });
      announce("Trying again…");
      return;
    }
    var b = e.target.closest ? e.target.closest("button[data-choice], button[data-pick], button[data-send-picks]") : null;
    var p = S.poll, mine = p ? receipts()[p.id] : null, choice, ranked = null;
    if (p && p.kind === "ranked" && window.MHRanked) { // an election: ranked.js keeps the order
      ranked = MHRanked.click(e, p, mine);
      if (ranked === "render") { render(); return; }
    }
    if (!ranked && (!b || b.getAttribute("aria-disabled") === "true" || !p)) return;
    if (!ranked && b.hasAttribute("data-pick")) { // tick or untick; nothing is sent until "Send my picks"
      var list = ticked(p), key = b.getAttribute("data-pick"), at = list.indexOf(key);
      if (at >= 0) list.splice(at, 1);
      else if (list.length < p.max_choices) list.push(key);
      else { announce("You can pick at most " + p.max_choices + ". Untick one first."); return; }
      render();
      return;
    }
    choice = ranked ? ranked.send : b.hasAttribute("data-send-picks") ? ticked(p).slice().sort() : b.getAttribute("data-choice");
    if (outbox(p.id) || (mine && (same(mine.choice, choice) || !p.allow_change))) return;
    var entry = { poll: p.id, choice: choice, key: uuid() };
    store.set(OUT + p.id, entry);
    delete meta[p.id];
    delete own.errors[p.id];
    own.notice = "";
    render();
    send(entry, true);
  });

  /* --- rendering --------------------------------------------------------------------- */
  function label(p, choice) {
    if (Array.isArray(choice)) return choice.length ? choice.map(function (k) { return label(p, k); }).join("; ") : "none";
    var o = (p.options || []).filter(function (x) { return x.key === choice; })[0];
    return o ? o.label : choice;
  }

  function voteState(p) {
    var entry = outbox(p.id), mine = receipts()[p.id], err = own.errors[p.id], state = meta[p.id];
    return h("div", { id: "vote-status", class: "vote-status", "data-testid": "vote-status" },
      entry ? h("div", { class: "sending", "data-testid": "sending" },
        h("p", { text: "Sending… (" + label(p, entry.choice) + "). Not counted until the server confirms." }),
        state && state.tries ? h("p", { class: "muted", text: "Not recorded yet: trying again." }) : null,
        !sock.online ? h("button", { type: "button", class: "btn secondary", "data-retry": "", "data-testid": "retry" }, "Try again now") : null) : null,
      !entry && mine ? h("p", { class: "counted", "data-testid": "counted" },
        h("span", { class: "block", text: "You voted: " + label(p, mine.choice) + "." }),
        (live(p) ? "Your answer is counted. Receipt " : "Your vote is counted. Receipt "),
        h("strong", { id: "receipt", class: "receipt", "data-testid": "receipt", text: mine.receipt })) : null,
      err ? h("p", { id: "vote-error", class: "error", role: "alert", "data-testid": "vote-error", text: err }) : null);
  }

  /* What kind of question this is, before anyone answers it (DESIGN §4.8). */
  function rulesView(p) {
    if (live(p)) {
      return h("ul", { class: "rules", id: "poll-rules" },
        h("li", { "data-secret": String(p.secret), text: "A live poll: it shows the hall's view and decides nothing. " +
          (p.secret ? "Your answer is not linked to your name." : "Your name and answer will be published.") }),
        h("li", { text: p.allow_change ? "You can change your answer until the poll closes." : "Once counted, your answer cannot be changed." }));
    }
    return h("ul", { class: "rules", id: "poll-rules" },
      h("li", { "data-secret": String(p.secret), text: p.secret
        ? "Secret ballot: your choice is not linked to your name."
        : "Recorded vote: your name and your choice will be published." }),
      h("li", { text: p.allow_change
        ? "You can change your vote until the vote closes."
        : "Once counted, your vote cannot be changed." }),
      p.majority === "two_thirds" ? h("li", { text: "Needs a two-thirds majority of those voting for or against." }) : null);
  }

  /* The latest result, in the top card until the next item is called. */
  function recentView(notice) {
    var pub = S.recent, mine = receipts()[pub.poll_id];
    return [h("h2", { id: "poll-heading", text: "Result" }), notice,
      h("p", { class: "result-summary", "data-testid": "result-summary", text: MH.resultSummary(pub.result) }),
      MH.resultView(pub.result, { title: pub.poll.question, id: "result" }),
      mine ? h("p", { class: "mine" }, "You voted " + label(pub.poll, mine.choice) + ". Your receipt: ",
        h("strong", { class: "receipt", text: mine.receipt })) : null,
      h("p", {}, h("a", { href: root.dataset.resultsUrl + pub.poll_id + "/", text: "See the receipts" }))];
  }

  function pollView() {
    var p = S.poll, canVote = !!(S.me && S.me.can_vote);
    var notice = own.notice ? h("p", { class: "notice error", id: "notice", text: own.notice }) : null;
    if (!p && S.closed) {
      return [h("h2", { id: "poll-heading", text: live(S.closed) ? "Live poll closed" : "Voting closed" }), notice,
        h("p", { class: "question", text: S.closed.question }),
        h("p", { class: "muted", text: "The result will be announced." }), voteState(S.closed)];
    }
    if (!p && S.recent) return recentView(notice);
    if (!p) {
      return [h("h2", { id: "poll-heading", text: "Voting" }), notice,
        h("p", { class: "muted", "data-testid": "no-poll", text: "No vote is open." })];
    }
    var entry = outbox(p.id), mine = receipts()[p.id];
    var counted = !entry && mine ? mine.choice : null; // ✓ only once the server has it
    var locked = !canVote || !!entry || (!!mine && !p.allow_change);
    if (p.kind === "pick") return pickView(p, notice, canVote, locked, mine);
    if (p.kind === "ranked" && window.MHRanked) {
      return MHRanked.view(p, { h: h, notice: notice, canVote: canVote, locked: locked, mine: mine, sent: entry,
        countdown: countdownText(p), voteState: voteState(p) });
    }
    var buttons = (p.options || []).map(function (o) {
      var sending = !!entry && entry.choice === o.key;
      return h("button", {
        type: "button", class: "choice", "data-choice": o.key, "data-testid": "choice-" + o.key,
        "data-sending": sending ? "true" : null,
        "aria-pressed": String(counted === o.key), "aria-disabled": String(locked || counted === o.key)
      }, o.label, sending ? h("span", { class: "choice-note", text: "Sending…" }) : null);
    });
    var scale = p.kind === "scale" && p.scale_labels && (p.scale_labels[0] || p.scale_labels[1]);
    return [
      h("h2", { id: "poll-heading" }, h("span", { class: "badge open" + (live(p) ? " live" : ""), text: live(p) ? "Live poll" : "Vote open" })),
      notice,
      h("p", { class: "question", id: "poll-question", text: p.question }),
      MH.wordsView(p, { id: "poll-words" }),
      p.closes_at ? h("p", { id: "countdown", class: "countdown", "data-testid": "countdown", text: countdownText(p) }) : null,
      rulesView(p),
      scale ? h("p", { class: "scale-ends", "data-testid": "scale-ends", id: "scale-ends" },
        h("span", { text: "1 = " + (p.scale_labels[0] || "lowest") }),
        h("span", { text: p.options.length + " = " + (p.scale_labels[1] || "highest") })) : null,
      canVote ? h("div", { class: "choices kind-" + p.kind + " n" + buttons.length, role: "group", "aria-label": p.question,
        "aria-describedby": scale ? "scale-ends" : null }, buttons)
        : h("p", { class: "muted", text: "You can follow this vote, but you are not a voting representative." }),
      voteState(p)
    ];
  }

  /* A pick ballot (the chosen motions): tick up to max_choices, then send them as one vote. */
  function pickView(p, notice, canVote, locked, mine) {
    var list = ticked(p), sent = outbox(p.id), full = list.length >= p.max_choices;
    var unchanged = !!mine && same(mine.choice, list.slice().sort());
    var rows = (p.options || []).map(function (o) {
      var on = sent ? sent.choice.indexOf(o.key) >= 0 : list.indexOf(o.key) >= 0;
      return h("li", {}, h("button", {
        type: "button", class: "choice pick", "data-pick": o.key, "data-testid": "pick-" + o.key,
        "aria-pressed": String(on), "aria-disabled": String(locked || (!on && full))
      }, o.label));
    });
    return [
      h("h2", { id: "poll-heading" }, h("span", { class: "badge open", text: "Vote open" })),
      notice,
      h("p", { class: "question", id: "poll-question", text: p.question }),
      p.closes_at ? h("p", { id: "countdown", class: "countdown", "data-testid": "countdown", text: countdownText(p) }) : null,
      h("ul", { class: "rules", id: "poll-rules" },
        h("li", { text: "Pick up to " + p.max_choices + ", then send them. " + (p.secret
          ? "Secret ballot: your picks are not linked to your name." : "Recorded vote: your name and picks will be published.") }),
        h("li", { text: p.allow_change ? "You can change your picks until the vote closes." : "Once counted, your picks cannot be changed." })),
      canVote ? h("div", { role: "group", "aria-label": p.question }, h("ul", { class: "plain choices picks" }, rows))
        : h("p", { class: "muted", text: "You can follow this vote, but you are not a voting representative." }),
      canVote ? h("p", { class: "muted", id: "pick-count", "aria-live": "polite", text: list.length + " of " + p.max_choices + " picked." }) : null,
      canVote ? h("button", {
        type: "button", class: "btn big", "data-send-picks": "", "data-testid": "send-picks",
        "aria-disabled": String(locked || !list.length || unchanged)
      }, mine ? "Send my changed picks" : "Send my picks") : null,
      voteState(p)
    ];
  }

  function itemView() {
    var it = S.item;
    if (!it) return [h("h2", { id: "item-heading", text: "Under debate" }),
      h("p", { class: "muted", text: "Nothing is under debate right now." })];
    return [
      h("h2", { id: "item-heading", text: "Motion " + (it.reference || it.number) }),
      h("p", { class: "title", "data-testid": "item-title", text: it.title }),
      h("p", { class: "meta muted" }, it.section, it.proposer ? " · Proposed by " + it.proposer : ""),
      it.requires_two_thirds ? h("p", { class: "meta", text: "Needs a two-thirds majority." }) : null,
      it.amended ? h("p", { class: "kicker", text: "As amended" }) : null,
      it.text ? h("p", { class: "text", text: it.text }) : null,
      it.parts && it.parts.length ? h("ul", { class: "plain parts" }, it.parts.map(function (part) { // labelled (i), (ii): not numbered again
        return h("li", { "data-part": part.id }, h("strong", { text: "(" + part.label + ") " }), part.text,
          part.outcome ? h("span", { class: "status", text: " " + MH.label("outcome", part.outcome) }) : null);
      })) : null,
      it.amendments && it.amendments.length ? h("div", { class: "amendments" },
        h("h3", { text: "Amendments and riders" }),
        h("ol", { class: "plain" }, it.amendments.map(function (a) {
          return h("li", {}, h("strong", { text: MH.label("amendment_kind", a.kind) + ": " }), a.text,
            a.outcome ? h("span", { class: "status", text: " " + MH.label("outcome", a.outcome) }) : null,
            a.diff && a.diff.length ? h("span", { class: "block diff-line small" }, MH.diffView(a.diff)) : null);
        }))) : null,
      MH.policyView(it, { id: "phone-policy", heading: "h3" })
    ];
  }

  function latestView() {
    var pub = S.published[0];
    if (!pub || pub === S.recent) return null; // the latest is in the top card
    var mine = receipts()[pub.poll_id];
    return h("div", {},
      MH.resultView(pub.result, { title: pub.poll.question, id: "result" }),
      mine ? h("p", { class: "mine" }, "You voted " + label(pub.poll, mine.choice) + ". Your receipt: ",
        h("strong", { class: "receipt", text: mine.receipt })) : null,
      h("p", {}, h("a", { href: root.dataset.resultsUrl + pub.poll_id + "/", text: "See the receipts" })));
  }

  function render() {
    var active = document.activeElement, focusAttr = ["data-choice", "data-pick", "data-send-picks"].filter(function (n) {
      return active && active.hasAttribute && active.hasAttribute(n);
    })[0], focused = focusAttr ? focusAttr + '="' + active.getAttribute(focusAttr).replace(/["\\]/g, "") + '"' : null;
    var rankFocus = window.MHRanked ? MHRanked.focusKey(active) : null;
    MH.fill($("poll"), pollView());
    $("poll").setAttribute("data-open", String(!!S.poll));
    MH.fill($("item"), itemView());
    var latest = latestView();
    $("latest").hidden = !latest;
    MH.fill($("latest-body"), latest);
    if (focused) {
      var again = root.querySelector("button[" + focused + "]");
      if (again) again.focus();
    } else if (rankFocus) {
      var back = root.querySelector(rankFocus) || root.querySelector('button[data-rank="review"], button[data-rank="send"]');
      if (back) back.focus();
    }
  }

  /* --- start ---------------------------------------------------------------------- */
  var sock = new HallSocket(root.dataset.wsUrl, {
    event: onEvent,
    state: function (state, seconds) {
      showState(state, seconds);
      var wasOnline = offlineSince === null;
      if (state === "online") offlineSince = null;
      else if (offlineSince === null) offlineSince = Date.now();
      if (wasOnline !== (offlineSince === null) && outboxAll().length) render();
      if (state === "signed-out") {
        own.notice = "You are signed out. Sign in again with your code.";
        render();
        var n = $("notice");
        if (n) n.appendChild(h("a", { href: root.dataset.joinUrl, class: "block", text: "Sign in" }));
      } else if (state === "unknown") {
        S.notice = "There is no such conference at this address. Check the link on your card.";
        render();
      } else if (state === "refused") {
        S.notice = "This page may not connect to the conference from here. Open the link on your card, or ask the desk.";
        render();
      }
    }
  });
  if (MH.floor) MH.floor.attach(sock, "phone");
  var initial = MH.readSnapshot();
  if (initial) { applySnapshot(initial, true); if (MH.floor) MH.floor.event(initial); }
  sock.start();
  setInterval(tick, 1000);
})();
