// Behaviour every page may use, wired by data attributes: the Content-Security-Policy allows
// no inline event handlers.
(function () {
  "use strict";

  // <select data-submit-on-change>: choosing submits its form (the agency switcher).
  document.querySelectorAll("select[data-submit-on-change]").forEach(function (select) {
    select.addEventListener("change", function () {
      select.form.submit();
    });
  });

  // <button data-print>: opens the browser's print dialog.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  // <input data-select-on-focus>: a one-time link selects whole, ready to copy.
  document.querySelectorAll("input[data-select-on-focus]").forEach(function (input) {
    input.addEventListener("focus", function () {
      input.select();
    });
  });
})();
