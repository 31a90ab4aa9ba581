/* Motion Hall: the page's state, one reducer for the phone, the console, the projector and
 * the public results page.
 *
 * HallSocket (socket.js) puts the events in seq order and asks for a snapshot after a gap;
 * this file turns the snapshot and each event into the state every page renders from, the
 * same way on every page. A snapshot replaces the state; an event changes only its part.
 * The names shown for values (outcomes, categories, procedural motions, sides) come from
 * the snapshot's `labels`, taken from the server's models: they are not listed here.
 */
(function () {
  "use strict";
  var MH = window.MH;
  if (!MH) return;

  var S = {
    seq: -1, labels: {}, item: null, motions: {}, poll: null, closed: null, declared: null,
    published: [], recent: null, turnout: null, timer: null, speech: null, queue: [], places: [], block: [],
    me: null, skew: 0
  };

  function published(pollId) {
    return S.published.some(function (p) { return p.poll_id === pollId; });
  }

  /* A result belongs with the item on the floor: the latest one stays in view until the next item is called. */
  function belongs(pub) {
    return !!pub && (!pub.poll.motion_id || (!!S.item && S.item.id === pub.poll.motion_id));
  }

  function keepMotion(item) {
    if (item) S.motions[item.id] = item;
  }

  function blockRow(m, item) {
    return m.id === item.id ? { id: m.id, number: m.number, title: m.title, category: m.category, pulled: item.pulled_from_block, outcome: item.outcome } : m;
  }

  function snapshot(ev) {
    var before = S.poll;
    if (ev.labels) S.labels = ev.labels;
    S.seq = ev.seq;
    S.item = ev.item || null;
    keepMotion(S.item);
    S.poll = ev.poll && ev.poll.status === "open" ? ev.poll : null;
    S.published = ev.published || [];
    S.recent = !S.poll && belongs(S.published[0]) ? S.published[0] : null;
    if (S.poll) S.closed = null;
    else if (before && !published(before.id)) S.closed = before;
    if (S.closed && published(S.closed.id)) S.closed = null;
    S.turnout = ev.turnout || null;
    S.timer = ev.timer || null;
    S.speech = ev.speech || null;
    if ("speakers" in ev) S.queue = ev.speakers || [];
    if ("speaker_places" in ev) S.places = ev.speaker_places || []; // reps: the queue's order, no names
    S.block = ev.block || [];
    if (ev.me) S.me = ev.me;
    if ("closed" in ev) { // staff: a counted vote that awaits publishing
      S.declared = ev.closed ? { poll_id: ev.closed.poll_id, poll: ev.closed.poll, result: ev.closed.result } : null;
      S.closed = null;
    }
  }

  /* Apply one event; answers whether the state changed (the page then renders). */
  function apply(ev) {
    if (ev.now) S.skew = Date.now() - Date.parse(ev.now);
    switch (ev.type) {
      case "snapshot": snapshot(ev); return true;
      case "item.called":
        if (!ev.item || !S.item || ev.item.id !== S.item.id) {
          S.recent = null; // the previous item's result does not linger
          if (S.declared && S.declared.published) S.declared = null;
        }
        S.item = ev.item || null;
        keepMotion(S.item);
        if (ev.timer) S.timer = ev.timer;
        if (ev.block) S.block = ev.block;
        break;
      case "motion.updated": // an amendment proposed or decided, a part or the motion decided, the block
        if (!ev.item) return false;
        keepMotion(ev.item);
        if (S.item && S.item.id === ev.item.id) S.item = ev.item;
        S.block = S.block.map(function (m) { return blockRow(m, ev.item); }).filter(function (m) { return !m.outcome; });
        break;
      case "poll.opened":
        S.poll = ev.poll;
        S.closed = null;
        S.turnout = null;
        S.recent = null;
        if (ev.poll.opened_at) S.skew = Date.now() - Date.parse(ev.poll.opened_at);
        if (S.declared && S.declared.published) S.declared = null;
        break;
      case "poll.closed":
        if (!S.poll || S.poll.id !== ev.poll_id) return false;
        S.closed = S.poll;
        S.poll = null;
        break;
      case "poll.result": // staff: the count, before it is published
        S.declared = { poll_id: ev.poll_id, poll: ev.poll, result: ev.result };
        if (S.closed && S.closed.id === ev.poll_id) S.closed = null;
        break;
      case "result.published":
        S.published = [ev].concat(S.published.filter(function (p) { return p.poll_id !== ev.poll_id; })).slice(0, 5);
        S.recent = ev;
        if (S.closed && S.closed.id === ev.poll_id) S.closed = null;
        if (S.declared && S.declared.poll_id === ev.poll_id) S.declared.published = true;
        else if (S.declared || !S.poll) S.declared = { poll_id: ev.poll_id, poll: ev.poll, result: ev.result, published: true };
        break;
      case "turnout":
        if (S.poll && S.poll.id !== ev.poll_id) return false;
        S.turnout = ev;
        break;
      case "speech": S.speech = ev.speech; break;
      case "speakers": S.queue = ev.queue || []; break;
      case "speakers.places": S.places = ev.requests || []; break;
      default: return false;
    }
    if (typeof ev.seq === "number") S.seq = ev.seq;
    return true;
  }

  /* The name of a value, from the server's labels: label("outcome", "carried") is "Carried". */
  function label(kind, value) {
    var names = S.labels[kind] || {};
    return names[value] || value || "";
  }

  function outcomeText(result) {
    if (!result || !result.outcome) return "";
    var text = label("outcome", result.outcome);
    if (result.casting_vote) text += " on the chair's casting vote";
    return text;
  }

  /* How a motion stands, in words: its outcome once decided, else its status. */
  function standing(motion) {
    return motion.outcome ? label("outcome", motion.outcome) : label("motion_status", motion.status);
  }

  /* A word diff from the server ([op, text] pieces) as <ins>/<del> marks. */
  function diffView(pieces) {
    return MH.h("span", { class: "diff" }, (pieces || []).map(function (p) {
      if (p[0] === "+") return MH.h("ins", { text: p[1] });
      if (p[0] === "-") return MH.h("del", { text: p[1] });
      return document.createTextNode(p[1]);
    }));
  }

  /* "Carried, For 180 / Against 40 / Abstain 3": a result in one line. */
  function resultSummary(result) {
    if (!result) return "";
    // An election: its counts are first preferences, not the result; who was elected is said
    // just below, in the sheet, so the line says how many.
    if (result.sheet) return (result.sheet.elected || []).length + " of " + result.sheet.seats + " seats filled by STV";
    var counts = (result.counts || []).slice(0, 4).map(function (c) { return c.label + " " + c.count; }).join(" / ");
    var outcome = outcomeText(result);
    return outcome ? outcome + (counts ? ", " + counts : "") : counts;
  }

  /* The exact words under vote (the poll's `words` from the server): the motion as it
   * stands (as amended), one part highlighted within its motion, an amendment with its
   * change marked and the motion as it would read, a rider, or the block's motions. */
  function wordsView(p, opts) {
    var w = p && p.under_vote, h = MH.h;
    opts = opts || {};
    if (!w || ["motion", "part", "amendment", "rider", "block", "procedural"].indexOf(w.kind) < 0) return null;
    var body;
    if (w.kind === "motion") {
      body = [h("p", { class: "kicker", text: w.as_amended ? "The motion as amended" : "The motion" }),
        h("p", { class: "words-text", text: w.text })];
    } else if (w.kind === "part") {
      var under = w.parts_under_vote || [];
      body = [h("p", { class: "kicker", text: (under.length > 1 ? "Parts " : "Part ") + under.map(function (l) { return "(" + l + ")"; }).join(" and ") +
          " of the motion" + (w.as_amended ? ", as amended" : "") }),
        h("p", { class: "words-text muted", text: w.stem }),
        h("ul", { class: "plain words-parts" }, (w.motion_parts || []).map(function (part) {
          var current = under.indexOf(part.label) >= 0;
          return h("li", { class: current ? "current" : "muted", "aria-current": current ? "true" : null },
            h("strong", { text: "(" + part.label + ") " }), current ? h("mark", { text: part.text }) : part.text);
        }))];
    } else if (w.kind === "amendment" || w.kind === "rider") {
      body = [h("p", { class: "kicker", text: label("amendment_kind", w.kind) + (w.part ? " to part (" + w.part + ")" : "") + (w.proposer ? " (" + w.proposer + ")" : "") }),
        h("p", { class: "words-text" }, w.text),
        h("p", { class: "kicker", text: w.part ? "Part (" + w.part + ") if it is carried" : "The motion if it is carried" }),
        h("p", { class: "words-text diff-text", "data-testid": "words-diff" }, diffView(w.diff))];
    } else if (w.kind === "block") {
      body = [h("p", { class: "kicker", text: "Taken together, without debate" }),
        h("ul", { class: "plain words-block" }, (w.motions || []).map(function (m) {
          return h("li", {}, h("strong", { text: m.number + ". " }), m.title);
        }))];
    } else {
      body = [h("p", { class: "kicker", text: "Procedural motion" }), h("p", { class: "words-text", text: w.text })];
    }
    return h("div", { class: "words words-" + w.kind, id: opts.id, "data-testid": "words" }, body);
  }

  MH.state = S;
  MH.apply = apply;
  MH.published = published;
  MH.label = label;
  MH.outcomeText = outcomeText;
  MH.standing = standing;
  MH.diffView = diffView;
  MH.resultSummary = resultSummary;
  MH.wordsView = wordsView;
})();
