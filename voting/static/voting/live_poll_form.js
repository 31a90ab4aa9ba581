/* Motion Hall: a live poll made on the spot, from the chair's console.
 *
 * The form (templates/voting/_live_poll_form.html) is sent as one "live_poll" command over
 * the console's socket (docs/protocol.md). The same mistakes the server refuses are caught
 * here first, in the same words, beside the form; the server's refusal shows there too.
 * What was typed stays until the poll is made.
 */
(function () {
  "use strict";
  var MH = window.MH, form = document.getElementById("live-form");
  if (!MH || !MH.console || !form) return;
  var $ = function (id) { return document.getElementById(id); };

  function kind() { return form.querySelector('input[name="kind"]:checked').value; }

  function showKind() {
    var k = kind();
    Array.prototype.forEach.call(form.querySelectorAll("[data-kind]"), function (box) { box.hidden = box.getAttribute("data-kind") !== k; });
  }

  function problem(text, field) {
    var el = $("live-error");
    el.textContent = text || "";
    el.hidden = !text;
    Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (f) { f.removeAttribute("aria-invalid"); });
    if (field) { field.setAttribute("aria-invalid", "true"); field.setAttribute("aria-describedby", "live-error"); field.focus(); }
  }

  function lines(text) {
    return text.split("\n").map(function (l) { return l.trim(); }).filter(function (l) { return l; });
  }

  /* The message, or null after saying what is wrong. */
  function message() {
    var question = $("live-question").value.trim();
    if (!question) { problem("A live poll needs a question.", $("live-question")); return null; }
    var msg = { type: "live_poll", question: question, open: $("live-open").checked };
    if (kind() === "scale") {
      var n = Number($("live-scale").value);
      if (!Number.isInteger(n) || n < 2 || n > 10) { problem("A scale runs from 1 to between 2 and 10.", $("live-scale")); return null; }
      msg.scale = n;
      msg.low = $("live-low").value.trim();
      msg.high = $("live-high").value.trim();
    } else {
      var options = lines($("live-options").value);
      var distinct = options.filter(function (o, i) { return options.indexOf(o) === i; });
      if (options.length < 2 || distinct.length !== options.length) { problem("A live poll needs at least two different options (or a scale).", $("live-options")); return null; }
      if (options.length > 10) { problem("A live poll has at most ten options.", $("live-options")); return null; }
      msg.options = options;
    }
    var raw = $("countdown-input") ? $("countdown-input").value.trim() : "";
    if (raw && msg.open) {
      var seconds = Number(raw);
      if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) { problem("The countdown must be a whole number of seconds from 1 to 3600, or empty.", $("countdown-input")); return null; }
      msg.countdown = seconds;
    }
    return msg;
  }

  /* A draft joins the console's list of prepared live polls, to be opened later. */
  function listDraft(id, msg) {
    var list = $("live-polls"), empty = $("no-live-polls");
    if (empty) empty.remove();
    var what = msg.scale ? "Scale 1–" + msg.scale + (msg.low || msg.high ? " · 1 = " + (msg.low || "lowest") + ", " + msg.scale + " = " + (msg.high || "highest") : "") : msg.options.join(", ");
    list.appendChild(MH.h("li", { class: "row", "data-poll": id, "data-status": "draft" },
      MH.h("div", { class: "grow" }, MH.h("strong", { text: msg.question }), " ", MH.h("span", { class: "muted small", text: what })),
      MH.h("span", { class: "status", "data-testid": "live-status", text: "Draft" }),
      MH.h("button", { type: "button", class: "btn", "data-action": "open-poll", "data-poll": id }, "Open")));
  }

  form.addEventListener("change", function (e) { if (e.target.name === "kind") { showKind(); problem(""); } });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var msg = message();
    if (!msg) return;
    problem("");
    MH.console.command(msg, $("live-create"), function (answer) {
      if (answer.type === "error") { problem(answer.message || answer.code); return; }
      if (!answer.opened) listDraft(answer.poll_id, msg);
      form.reset();
      showKind();
      $("new-live-poll").open = false;
    });
  });
  showKind();
})();
