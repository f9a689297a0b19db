// The keys page: a button that copies the new key (shown once). The page works without it.
(function () {
  "use strict";
  var button = document.getElementById("copy-key");
  if (!button || !navigator.clipboard) { return; }
  var field = document.getElementById(button.getAttribute("data-target"));
  if (!field) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(field.value).then(function () {
      button.textContent = button.getAttribute("data-copied");
    }, function () {
      field.select();  // no clipboard access: the key is selected, to copy by hand
    });
  });
})();
