// The finder's small helpers; the page works without them (the filters then stay hidden, the sheet is a link).
(function () {
  "use strict";

  // Filters on the results, without a new search: a card stays when it has every ticked trait.
  var box = document.getElementById("filters");
  var count = document.getElementById("result-count");
  var none = document.getElementById("none-shown");
  if (box && count) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".cards > li.card"));
    var total = count.getAttribute("data-total");
    var all = count.textContent;
    var apply = function () {
      var wanted = Array.prototype.slice.call(box.querySelectorAll("input:checked")).map(function (i) { return i.value; });
      var shown = 0;
      cards.forEach(function (card) {
        var traits = (card.getAttribute("data-traits") || "").split(" ");
        var keep = wanted.every(function (w) { return traits.indexOf(w) !== -1; });
        card.hidden = !keep;
        if (keep) { shown += 1; }
      });
      count.textContent = wanted.length ? count.getAttribute("data-shown").replace("{shown}", shown).replace("{n}", total) : all;
      if (none) { none.hidden = shown !== 0; }
    };
    box.addEventListener("change", apply);
    box.hidden = false;
  }

  // The sheet: copy its text, print it (relais.js takes the question out of its address).
  var copy = document.getElementById("copy-sheet");
  var text = document.getElementById("sheet-text");
  if (copy && text) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var done = function () { var said = document.getElementById("copied"); if (said) { said.hidden = false; } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text.textContent).then(done, function () { window.getSelection().selectAllChildren(text); });
      } else {
        window.getSelection().selectAllChildren(text);
      }
    });
  }
  var printSheet = document.getElementById("print-sheet");
  if (printSheet) {
    printSheet.hidden = false;
    printSheet.addEventListener("click", function () { window.print(); });
  }
})();

// The situation box in everyday words («violences conjugales», «viol», «verkrachting»): the taxonomy search
// (GET /v1/taxonomy/search) picks the situation and lists the others that match; a choice never stays
// selected while hidden. Without JavaScript the words are sent and the page does the same search.
(function () {
  "use strict";
  var box = document.getElementById("situation-search");
  var select = document.getElementById("situation");
  var list = document.getElementById("situation-matches");
  if (!box || !select || !list) { return; }
  var timer = null;
  var asked = 0;
  function choose(code) {
    var option = select.querySelector('option[value="' + code + '"]');
    if (option) { option.hidden = false; select.value = code; }
  }
  function show(items, lead) {
    list.textContent = "";
    if (lead) { var li = document.createElement("li"); li.textContent = lead; li.className = "lead"; list.appendChild(li); }
    items.forEach(function (m) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button"; b.className = "link"; b.textContent = m.label;
      b.setAttribute("aria-pressed", String(select.value === m.code));
      b.addEventListener("click", function () { choose(m.code); show(items, lead); });
      li.appendChild(b); list.appendChild(li);
    });
    list.hidden = !list.childNodes.length;
  }
  function ask() {
    var q = box.value.trim();
    var mine = ++asked;
    if (!q) { show([], ""); return; }
    var url = "/v1/taxonomy/search?kind=situation&limit=5&lang=" + encodeURIComponent(box.getAttribute("data-lang") || "fr") +
      "&q=" + encodeURIComponent(q);
    fetch(url, { headers: { Accept: "application/json" } }).then(function (r) { return r.ok ? r.json() : null; }).then(function (found) {
      if (!found || mine !== asked) { return; }
      if (found.results.length) { choose(found.results[0].code); show(found.results, ""); }
      else { select.value = ""; show(found.suggestions, box.getAttribute("data-none")); }
    }).catch(function () { /* the words are sent with the form: the page searches them */ });
  }
  box.addEventListener("input", function () {
    var picked = select.options[select.selectedIndex];
    if (picked && picked.hidden) { select.value = ""; }  // never send a choice the person cannot see
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 150);
  });
})();

// «Orientation faite» counts one referral: a second tap while the first is on its way must not count two.
(function () {
  document.querySelectorAll("form.orientation").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
      form.setAttribute("data-sent", "1");
      var button = form.querySelector("button[type=submit]");
      if (button) { button.setAttribute("aria-disabled", "true"); button.style.opacity = "0.6"; }
    });
  });
})();
