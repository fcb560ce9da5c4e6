// On every page: when a form comes back with errors, move focus to the error summary so that a screen
// reader announces the problems first and a keyboard user can follow its links to the fields.
(function () {
  "use strict";
  var summary = document.querySelector(".error-summary[tabindex='-1']");
  if (summary) { summary.focus(); }
})();

// The rights card's print button (a plain link to the browser's own Print works too).
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button) { button.addEventListener("click", function () { window.print(); }); }
})();
