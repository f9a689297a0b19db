// Small progressive enhancements: the pages work without them.
(function () {
  "use strict";
  // Quick exit: leave for a neutral page and do not keep this page in the history.
  function leave() { window.location.replace("https://www.meteo.be/fr"); }
  // Without JavaScript the button is a plain link that leaves; with it, the finder's page is replaced in the
  // history, so Back after leaving does not show it.
  var exit = document.getElementById("quick-exit");
  if (exit) { exit.addEventListener("click", function (e) { e.preventDefault(); leave(); }); }
  // The finder and its sheet keep no search in the history: the address loses its question once shown (the
  // answers are sent with Cache-Control: no-store, so Back never brings them back from a cache either).
  if ((document.getElementById("finder") || document.getElementById("sheet")) && window.location.search) {
    var lang = new URLSearchParams(window.location.search).get("lang");  // the page's language says nothing
    var kept = window.location.pathname + (lang ? "?lang=" + encodeURIComponent(lang) : "");
    if (kept !== window.location.pathname + window.location.search) { window.history.replaceState(null, "", kept); }
  }
  // Esc leaves too, but never while the person is typing or choosing: Esc there closes a list or clears a
  // field (browsers do), and leaving would lose what was typed.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape" || e.defaultPrevented) { return; }
    var t = e.target;
    if (t && t.closest && t.closest("input, textarea, select, [contenteditable], dialog, details[open]")) { return; }
    leave();
  });

  var print = document.getElementById("print");
  if (print) { print.addEventListener("click", function () { window.print(); }); }
})();
