// Record forms (templates/forms/service.html): «add a slot / a closure / a contact» copies the form's last
// row empty, numbered next, so any number of rows can be typed. Without JavaScript the form keeps one empty
// row at the end, and each saved row has its «remove» box: nothing here is needed to save. A refused form's
// first field to correct gets the focus.
(function () {
  "use strict";
  // A refused form: the first field to correct gets the focus (and comes into view).
  var wrong = document.querySelector(".record-form [aria-invalid=true]");
  if (wrong) {
    var field = wrong.matches("input, select, textarea") ? wrong : wrong.querySelector("input, select, textarea");
    if (field) { field.focus(); }
  }
  Array.prototype.forEach.call(document.querySelectorAll("fieldset.rows"), function (set) {
    var button = set.querySelector(".add-row");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = set.querySelectorAll("[data-row]");
      var last = rows[rows.length - 1];
      var next = rows.length;
      var copy = last.cloneNode(true);
      var renumber = function (value) { return value.replace(/-(\d+)-/, "-" + next + "-"); };
      Array.prototype.forEach.call(copy.querySelectorAll(".field-error, .remove"), function (gone) { gone.remove(); });
      Array.prototype.forEach.call(copy.querySelectorAll("[name], [id], label[for], [aria-invalid]"), function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          if (el.hasAttribute(attr)) { el.setAttribute(attr, renumber(el.getAttribute(attr))); }
        });
        el.removeAttribute("aria-invalid");
        el.removeAttribute("aria-describedby");
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
        else if (el.tagName === "SELECT") { el.selectedIndex = 0; }
        else if (el.tagName === "INPUT") { el.value = ""; }
      });
      copy.removeAttribute("aria-invalid");
      last.parentNode.insertBefore(copy, button);
      var first = copy.querySelector("input, select");
      if (first) { first.focus(); }
    });
  });
})();
