// Pickers (templates/forms/pickers.html): typing in the search box shows the matching choices only,
// accents and case aside; ticked choices always stay visible, so nothing chosen is ever hidden.
(function () {
  "use strict";
  var fold = function (s) { return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); };
  Array.prototype.forEach.call(document.querySelectorAll(".picker"), function (picker) {
    var search = picker.querySelector(".picker-search");
    if (!search) { return; }
    var filter = function () {
      var q = fold(search.value.trim());
      Array.prototype.forEach.call(picker.querySelectorAll(".picker-option"), function (option) {
        var box = option.querySelector("input");
        var hit = !q || fold(option.getAttribute("data-search") || option.textContent).indexOf(q) !== -1;
        option.hidden = !(hit || (box && box.checked));
      });
    };
    search.addEventListener("input", filter);
    search.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && search.value) { search.value = ""; filter(); e.stopPropagation(); }
      if (e.key === "Enter") { e.preventDefault(); }  // Enter in the search box never sends the form
    });
  });
})();
