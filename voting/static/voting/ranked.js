/* A ranked ballot (an election by STV) on the phone: tap a candidate to add it as the next
   preference; "Move up", "Move down" and "Remove" change the order (buttons only, no drag
   and drop: WCAG 2.2 2.5.7); "Review" shows the ranking exactly as it will be sent, and
   "Send my ranking" sends it as one vote: the ordered list of option keys. phone.js owns the
   sending (outbox, key, resend, receipt); this file only keeps the order and draws it. */
(function () {
  "use strict";
  var order = {}, review = {};

  function listOf(p, mine) {
    if (!order[p.id]) order[p.id] = mine && Array.isArray(mine.choice) ? mine.choice.slice() : [];
    return order[p.id];
  }
  function labelOf(p, key) {
    var o = (p.options || []).filter(function (x) { return x.key === key; })[0];
    return o ? o.label : key;
  }
  function ordinal(n) {
    var s = ["th", "st", "nd", "rd"], v = n % 100;
    return n + (s[(v - 20) % 10] || s[v] || s[0]);
  }

  /* What a click means: "render" (the order changed), {send: keys}, or null (not ours). */
  function click(e, p, mine) {
    var b = e.target.closest ? e.target.closest("button[data-rank]") : null;
    if (!b || b.getAttribute("aria-disabled") === "true") return null;
    var list = listOf(p, mine), what = b.getAttribute("data-rank"), key = b.getAttribute("data-key");
    var at = key ? list.indexOf(key) : -1;
    if (what === "add" && at < 0) list.push(key);
    else if (what === "up" && at > 0) { list.splice(at, 1); list.splice(at - 1, 0, key); }
    else if (what === "down" && at >= 0 && at < list.length - 1) { list.splice(at, 1); list.splice(at + 1, 0, key); }
    else if (what === "remove" && at >= 0) list.splice(at, 1);
    else if (what === "review" && list.length) review[p.id] = true;
    else if (what === "edit") review[p.id] = false;
    else if (what === "send" && list.length) { review[p.id] = false; return { send: list.slice() }; }
    return "render";
  }

  /* The focus to restore after a redraw: the same button of the same candidate. */
  function focusKey(el) {
    return el && el.getAttribute && el.getAttribute("data-rank")
      ? 'button[data-rank="' + el.getAttribute("data-rank") + '"]' + (el.getAttribute("data-key") ? '[data-key="' + el.getAttribute("data-key").replace(/["\\]/g, "") + '"]' : "")
      : null;
  }

  function view(p, c) {
    var h = c.h, mine = c.mine, sent = c.sent, list = sent ? sent.choice : listOf(p, mine);
    var locked = c.locked, unchanged = !!mine && String(mine.choice) === String(list);
    var heading = [
      h("h2", { id: "poll-heading" }, h("span", { class: "badge open", text: "Election open" })),
      c.notice,
      h("p", { class: "question", id: "poll-question", text: p.question }),
      p.closes_at ? h("p", { id: "countdown", class: "countdown", "data-testid": "countdown", text: c.countdown }) : null,
      h("ul", { class: "rules", id: "poll-rules" },
        h("li", { text: "Rank as many candidates as you like: 1 for your first choice, 2 for your next, and so on." }),
        h("li", { text: "Secret ballot: your ranking is not linked to your name." }),
        h("li", { text: p.allow_change ? "You can change your ranking until the election closes." : "Once counted, your ranking cannot be changed." }))
    ];
    if (!c.canVote) return heading.concat([h("p", { class: "muted", text: "You can follow this election, but you are not a voting representative." }), c.voteState]);
    if (review[p.id] && !locked) {
      return heading.concat([
        h("section", { class: "ranked-review", "aria-labelledby": "review-heading", "data-testid": "ranked-review" },
          h("h3", { id: "review-heading", text: "Check your ranking before you send it" }),
          h("ol", { class: "ranking", "data-testid": "review-list" }, list.map(function (k, i) {
            return h("li", { text: ordinal(i + 1) + " preference: " + labelOf(p, k) });
          })),
          list.length < (p.options || []).length ? h("p", { class: "muted", text: "Candidates you have not ranked get no preference from you." }) : null,
          h("div", { class: "row" },
            h("button", { type: "button", class: "btn big", "data-rank": "send", "data-testid": "send-ranking" }, mine ? "Send my changed ranking" : "Send my ranking"),
            h("button", { type: "button", class: "btn", "data-rank": "edit", "data-testid": "edit-ranking" }, "Change it"))),
        c.voteState]);
    }
    var ranked = list.map(function (k, i) {
      var name = labelOf(p, k), dis = String(locked);
      return h("li", { class: "ranked-row", "data-key": k },
        h("span", { class: "rank-number", "aria-hidden": "true", text: String(i + 1) }),
        h("span", { class: "grow", text: name }),
        h("span", { class: "rank-actions" },
          h("button", { type: "button", class: "btn small", "data-rank": "up", "data-key": k, "aria-label": "Move up: " + name, "aria-disabled": String(locked || i === 0) }, "Move up"),
          h("button", { type: "button", class: "btn small", "data-rank": "down", "data-key": k, "aria-label": "Move down: " + name, "aria-disabled": String(locked || i === list.length - 1) }, "Move down"),
          h("button", { type: "button", class: "btn small", "data-rank": "remove", "data-key": k, "aria-label": "Remove: " + name, "aria-disabled": dis }, "Remove")));
    });
    var left = (p.options || []).filter(function (o) { return list.indexOf(o.key) < 0; }).map(function (o) {
      return h("li", {}, h("button", {
        type: "button", class: "choice", "data-rank": "add", "data-key": o.key, "data-testid": "rank-" + o.key,
        "aria-disabled": String(locked)
      }, o.label));
    });
    return heading.concat([
      h("section", { "aria-labelledby": "ranking-heading" },
        h("h3", { id: "ranking-heading", text: "Your ranking" }),
        list.length ? h("ol", { class: "plain ranking", "data-testid": "ranking" }, ranked)
          : h("p", { class: "muted", text: "No one ranked yet: tap a candidate below." }),
        h("p", { class: "muted", id: "rank-count", "aria-live": "polite", text: list.length + " of " + (p.options || []).length + " ranked." })),
      left.length ? h("section", { "aria-labelledby": "candidates-heading" },
        h("h3", { id: "candidates-heading", text: list.length ? "Tap to add your next preference" : "Tap your first choice" }),
        h("ul", { class: "plain choices picks" }, left)) : null,
      h("button", {
        type: "button", class: "btn big", "data-rank": "review", "data-testid": "review-ranking",
        "aria-disabled": String(locked || !list.length || unchanged)
      }, "Review and send"),
      c.voteState]);
  }

  /* An election's declared result: who is elected, then the count with a column per stage
     (scrolling sideways inside the table only, on a phone). */
  function actionText(s) {
    var who = (s.subjects && s.subjects.length ? s.subjects : s.subject ? [s.subject] : []).join(", ");
    if (s.action === "first preferences") return "First preferences";
    if (s.action === "surplus") return who ? "Surplus of " + who : "Surpluses";
    return "Exclusion of " + who;
  }
  /* Stage columns cut into pages of (nearly) equal size, as the PDF cuts them into blocks:
     17 stages at 8 a page are 6 + 6 + 5. */
  function stagePages(total, size) {
    var count = Math.max(1, Math.ceil(total / size)), per = Math.ceil(total / count) || 1, out = [];
    for (var start = 0; start < total; start += per) out.push([start, Math.min(total, start + per)]);
    return out.length ? out : [[0, 0]];
  }
  function sheetView(result, opts, h) {
    var sh = result.sheet, all = sh.stages || [];
    var pages = opts.pageSize ? stagePages(all.length, opts.pageSize) : [[0, all.length]];
    var page = (opts.page || 0) % pages.length, range = pages[page];
    var stages = all.slice(range[0], range[1]);
    var head = h("tr", {}, h("th", { scope: "col", text: "Candidate" }), stages.map(function (s) {
      return h("th", { scope: "col" }, "Stage " + s.number, h("span", { class: "block small muted", text: actionText(s) }),
        s.transfer_value ? h("span", { class: "block small muted", text: "value " + s.transfer_value }) : null);
    }));
    var rows = (sh.candidates || []).map(function (name) {
      var won = sh.elected.indexOf(name) >= 0;
      return h("tr", { class: won ? "elected" : "" }, h("th", { scope: "row", text: name + (won ? " ✓" : "") }), stages.map(function (s) {
        var mark = s.elected.indexOf(name) >= 0 ? " E" : s.excluded.indexOf(name) >= 0 ? " X" : "";
        return h("td", { class: "num" + (mark === " E" ? " elected" : mark ? " excluded" : ""), text: (s.totals[name] || "") + mark });
      }));
    });
    var foot = [
      h("tr", {}, h("th", { scope: "row", text: "Non-transferable" }), stages.map(function (s) { return h("td", { class: "num", text: s.non_transferable }); })),
      h("tr", {}, h("th", { scope: "row", text: "Quota" }), stages.map(function (s) { return h("td", { class: "num", text: s.quota }); }))
    ];
    var ties = (sh.ties || []).map(function (t) {
      return h("li", { text: "Stage " + t.stage + ": " + t.candidates.join(", ") + " were level; " + t.chosen + " chosen by " + t.settled_by + "." });
    });
    var capId = (opts.id || "result") + "-stages";
    // Short, so that it fits a phone's width (the table scrolls sideways under it); the key is below.
    var caption = "The count, stage by stage";
    if (pages.length > 1) caption = "The count, stages " + (range[0] + 1) + " to " + range[1] + " of " + all.length +
      " (page " + (page + 1) + " of " + pages.length + ")";
    if (opts.pageSize) caption += " · E elected, X excluded"; // the projector: no room for a key below
    var long = (sh.candidates || []).length > 12;
    return h("div", { class: "result stv-sheet" + (long ? " long" : ""), id: opts.id, "data-testid": opts.id || "result", "data-outcome": "elected" },
      opts.title ? h(opts.heading || "h3", { class: "result-title", text: opts.title }) : null,
      h("p", { class: "outcome", "data-testid": "elected" }, "Elected: " + sh.elected.join(", ")),
      h("p", { class: "base", text: sh.seats + " seats · " + sh.valid + " valid ballots · " + sh.invalid + " invalid · quota " + sh.quota + " · seed " + sh.seed }),
      h("div", { class: "table-scroll", role: "region", "aria-labelledby": capId, tabindex: "0" },
        h("table", { class: "counts stages" + (long ? " long" : ""), "data-page": String(page + 1), "data-pages": String(pages.length) },
          h("caption", { id: capId, "data-testid": "stages-caption", text: caption }),
          h("thead", {}, head), h("tbody", {}, rows), h("tfoot", {}, foot))),
      opts.pageSize ? null : h("p", { class: "small muted stages-key", text: "E elected, X excluded at that stage." }),
      ties.length ? h("ul", { class: "small" }, ties) : null);
  }

  window.MHRanked = { view: view, click: click, sheetView: sheetView, stagePages: stagePages, focusKey: focusKey, forget: function (id) { delete order[id]; delete review[id]; } };
})();
