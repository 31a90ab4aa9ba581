/* Motion Hall: the websocket client shared by every page, and a few DOM helpers.
 *
 * HallSocket keeps one socket open: it reconnects with exponential backoff and jitter
 * (0.5 s doubling to 15 s), pings every 25 s, and keeps the page's state in step with
 * the server's event numbers: every `snapshot` replaces the state; an event whose seq
 * skips a number asks for a fresh snapshot ({"type":"sync"}) and the events that come
 * in meanwhile are held and replayed after it. Events without seq (turnout, vote
 * answers, ok, error) are handed on at once.
 */
(function () {
  "use strict";

  var MIN_DELAY = 500, MAX_DELAY = 15000, PING_EVERY = 25000, PONG_WAIT = 10000, OFFLINE_PROBE = 3000;
  var RESTART_DELAY = 3000;
  // The server's close codes (conference/close_codes.py). After these retrying cannot help:
  // code reissued, not signed in, a page of another site, no such conference.
  var FINAL_CODES = { 4001: "signed-out", 4401: "signed-out", 4403: "refused", 4404: "unknown" };
  // After these, reconnect, not too soon: first try after (delay/2 .. delay) ms.
  var RETRY_DELAY = {
    4002: MIN_DELAY,      // who you are changed (signed out elsewhere, a new role): come back at once
    4429: MAX_DELAY,      // this socket sent far too much: a long pause
    1012: RESTART_DELAY   // the server process is restarting: spread the hall over the other processes
  };

  function absoluteUrl(path) {
    if (/^wss?:\/\//.test(path)) return path;
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + path;
  }

  class HallSocket {
    /* url: "/ws/c/<slug>/"; on.event(ev), on.state(state, seconds) */
    constructor(url, on) {
      this.url = absoluteUrl(url);
      this.on = on;
      this.ws = null;
      this.delay = MIN_DELAY;
      this.lastSeq = -1;
      this.snapSeq = -1;
      this.syncing = true;
      this.held = [];
      this.state = "";
      this.timers = {};
      var self = this;
      window.addEventListener("online", function () { self.retryNow(); });
      // The browser knows it lost the network, but an open socket does not fail until the
      // next ping goes unanswered (up to 35 s): probe it now, so the page says "offline" at once.
      window.addEventListener("offline", function () { if (self.ws) self.ping(OFFLINE_PROBE); });
      document.addEventListener("visibilitychange", function () {
        if (document.visibilityState !== "visible") return;
        if (self.ws) self.ping(5000); else self.retryNow();
      });
    }

    start() { this.connect(); return this; }

    setState(state, seconds) {
      this.state = state;
      if (this.on.state) this.on.state(state, seconds || 0);
    }

    clear(name) {
      if (this.timers[name]) { clearTimeout(this.timers[name]); clearInterval(this.timers[name]); }
      delete this.timers[name];
    }

    connect() {
      this.clear("retry");
      this.setState("connecting");
      var ws;
      try { ws = new WebSocket(this.url); } catch (e) { this.retryLater(); return; }
      this.ws = ws;
      this.syncing = true; // the server sends a snapshot on connect
      this.held = [];
      var self = this;
      ws.onopen = function () {
        if (self.ws !== ws) return;
        self.setState("online");
        self.clear("ping");
        self.timers.ping = setInterval(function () { self.ping(PONG_WAIT); }, PING_EVERY);
      };
      ws.onmessage = function (m) {
        if (self.ws !== ws) return;
        self.clear("pong");
        var ev;
        try { ev = JSON.parse(m.data); } catch (e) { return; }
        if (ev && typeof ev.type === "string") self.take(ev);
      };
      ws.onclose = function (e) {
        if (self.ws !== ws) return;
        self.ws = null;
        self.clear("ping");
        self.clear("pong");
        if (FINAL_CODES[e.code]) { self.setState(FINAL_CODES[e.code]); return; }
        if (RETRY_DELAY[e.code]) self.delay = RETRY_DELAY[e.code];
        self.retryLater();
      };
      ws.onerror = function () { /* onclose follows */ };
    }

    retryLater() {
      var wait = Math.min(this.delay, MAX_DELAY);
      wait = wait / 2 + Math.random() * wait / 2; // "equal jitter": spread a hall's reconnects
      this.delay = Math.min(this.delay * 2, MAX_DELAY);
      var due = Date.now() + wait, self = this;
      var tick = function () {
        var left = Math.ceil((due - Date.now()) / 1000);
        if (left <= 0) { self.connect(); return; }
        self.setState("offline", left);
        self.timers.retry = setTimeout(tick, Math.min(1000, due - Date.now()));
      };
      this.clear("retry");
      tick();
    }

    retryNow() {
      if (!this.ws && this.timers.retry && this.state !== "signed-out") this.connect();
    }

    /* Send a ping; if nothing at all comes back within `wait`, the socket is dead: drop it. */
    ping(wait) {
      if (!this.send({ type: "ping" })) return;
      var ws = this.ws, self = this;
      if (!this.timers.pong) {
        this.timers.pong = setTimeout(function () {
          delete self.timers.pong;
          if (self.ws === ws) { try { ws.close(); } catch (e) { /* ignore */ } ws.onclose({ code: 1006 }); }
        }, wait);
      }
    }

    send(message) {
      if (!this.ws || this.ws.readyState !== 1) return false;
      try { this.ws.send(JSON.stringify(message)); } catch (e) { return false; }
      return true;
    }

    get online() { return !!this.ws && this.ws.readyState === 1; }

    take(ev) {
      if (ev.type === "snapshot") {
        this.lastSeq = this.snapSeq = ev.seq;
        this.syncing = false;
        this.delay = MIN_DELAY;
        this.emit(ev);
        var held = this.held.sort(function (a, b) { return a.seq - b.seq; });
        this.held = [];
        for (var i = 0; i < held.length; i++) this.take(held[i]);
        return;
      }
      if (typeof ev.seq !== "number") { this.emit(ev); return; }
      if (this.syncing) { this.held.push(ev); return; }
      if (ev.seq <= this.snapSeq || ev.seq < this.lastSeq) return; // already in the state
      if (ev.seq > this.lastSeq + 1) { // a gap: something was missed
        this.held.push(ev);
        this.syncing = true;
        this.send({ type: "sync" });
        return;
      }
      this.lastSeq = ev.seq; // several events may share a seq (poll.closed + poll.result)
      this.emit(ev);
    }

    emit(ev) {
      try { this.on.event(ev); } catch (e) { if (window.console) console.error(e); }
    }
  }

  /* --- small helpers the pages share --------------------------------------------- */

  /* h("p", {class: "x", "data-k": 1}, "text", child, [children]) */
  function h(tag, attrs) {
    var el = document.createElement(tag);
    for (var k in attrs || {}) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    (function add(list) {
      for (var i = 0; i < list.length; i++) {
        var c = list[i];
        if (c === null || c === undefined || c === false || c === "") continue;
        if (Array.isArray(c)) add(c);
        else el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
      }
    })(Array.prototype.slice.call(arguments, 2));
    return el;
  }

  /* Replace an element's children with a node or a list of them (nulls skipped). */
  function fill(el, children) {
    if (!el) return;
    while (el.firstChild) el.removeChild(el.firstChild);
    [].concat(children).forEach(function (c) { if (c) el.appendChild(c); });
  }

  function pct(n) { return (Math.round(n * 10) / 10).toLocaleString(undefined, { maximumFractionDigits: 1 }) + "%"; }

  /* The declared result: outcome, one bar per option (count, percent, what it is of). */
  function resultView(result, opts) {
    opts = opts || {};
    if (!result) return null;
    if (result.sheet && window.MHRanked) return window.MHRanked.sheetView(result, opts, h); // an election's count
    var rows = (result.counts || []).map(function (c) {
      var bar = h("span", { class: "fill" });
      bar.style.width = Math.max(0, Math.min(100, c.percent)) + "%"; // CSSOM: allowed by a strict CSP
      var note = c.percent_of && c.percent_of !== result.base_label ? " of " + c.percent_of : "";
      return h("li", { "data-key": c.key },
        h("span", { class: "label", text: c.label }),
        h("span", { class: "bar", "aria-hidden": "true" }, bar),
        h("span", { class: "count", text: String(c.count) }),
        h("span", { class: "pct", text: pct(c.percent) + note }));
    });
    var outcome = window.MH.outcomeText(result); // state.js: the server's labels
    return h("div", { class: "result", id: opts.id, "data-testid": opts.id || "result", "data-outcome": result.outcome || "none" },
      opts.title ? h(opts.heading || "h3", { class: "result-title", text: opts.title }) : null,
      outcome ? h("p", { class: "outcome", "data-testid": "outcome", text: outcome }) : null,
      h("ul", { class: "bars" + ((result.counts || []).some(function (c) { return c.label.length > 14; }) ? " long" : "") }, rows),
      h("p", { class: "base" },
        "Votes cast: " + result.total + ". ",
        result.base_label ? "Percentages are of " + result.base_label + " (" + result.base + ")" : "",
        result.majority === "two_thirds" ? "; a two-thirds majority was required." : (result.base_label ? "." : "")));
  }

  /* Clock: servers send ISO times; a phone's clock may be off, so pages pass a skew (ms). */
  function secondsLeft(closesAt, skew) {
    if (!closesAt) return null;
    return Math.max(0, Math.ceil((Date.parse(closesAt) - (Date.now() - (skew || 0))) / 1000));
  }

  function clock(seconds) {
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var hours = Math.floor(seconds / 3600), m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    return hours ? hours + ":" + two(m) + ":" + two(s) : m + ":" + two(s);
  }

  var STATE_TEXT = {
    connecting: "Connecting…", online: "Online", "signed-out": "Signed out",
    unknown: "No such conference", refused: "Not allowed from this address"
  };

  /* Show the connection state in an element (its data-state is for CSS and tests). */
  function showState(el) {
    return function (state, seconds) {
      if (!el) return;
      el.setAttribute("data-state", state);
      el.textContent = state === "offline" ? "Offline — retrying in " + seconds + "s" : STATE_TEXT[state] || state;
    };
  }

  /* Polite announcements for screen readers; the same text twice is still read. */
  function announcer(el) {
    return function (text) {
      if (!el || !text) return;
      el.textContent = "";
      setTimeout(function () { el.textContent = text; }, 50);
    };
  }

  /* The existing policy a motion restates (the policy book's entries most like its wording,
     issue 16): a short list of links to each entry's permalink, or nothing. */
  function policyView(item, opts) {
    var links = (item && item.existing_policy) || [];
    if (!links.length) return null;
    var id = (opts && opts.id) || "existing-policy";
    return h("div", { class: "existing-policy", "data-testid": "existing-policy", role: "group", "aria-labelledby": id + "-h" },
      h((opts && opts.heading) || "h3", { id: id + "-h", class: "small", text: "Existing policy" }),
      h("ul", { class: "plain small" }, links.map(function (e) {
        return h("li", {}, h("a", { href: e.url, "data-ref": e.reference }, h("strong", { text: e.reference }), " " + e.title),
          e.status === "policy" ? null : h("span", { class: "muted", text: " (" + e.status_label.toLowerCase() + ")" }));
      })));
  }

  function readSnapshot() {
    var el = document.getElementById("snapshot");
    try { return el ? JSON.parse(el.textContent) : null; } catch (e) { return null; }
  }

  window.HallSocket = HallSocket;
  window.MH = {
    h: h, fill: fill, pct: pct, resultView: resultView, policyView: policyView,
    secondsLeft: secondsLeft, clock: clock, showState: showState, announcer: announcer,
    readSnapshot: readSnapshot
  };
})();
