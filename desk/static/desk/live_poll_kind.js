/* The desk's live poll form: show the options or the scale's fields, as chosen (without
 * script both show, and the server reads only the ones the choice names). */
(function () {
  "use strict";
  var form = document.getElementById("live-form");
  if (!form) return;
  function show() {
    var k = form.querySelector('input[name="kind"]:checked').value;
    Array.prototype.forEach.call(form.querySelectorAll("[data-kind]"), function (box) { box.hidden = box.getAttribute("data-kind") !== k; });
  }
  form.addEventListener("change", show);
  show();
})();
