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

  // The sheet: copy its text, print it; its address loses the question once shown (nothing kept in the history).
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
  if (document.getElementById("sheet") && window.location.search) {
    var lang = new URLSearchParams(window.location.search).get("lang");
    window.history.replaceState(null, "", window.location.pathname + (lang ? "?lang=" + encodeURIComponent(lang) : ""));
  }
})();
