// Assign page: one box selects or clears every transcript on the page.
(function () {
  "use strict";
  var all = document.getElementById("select-page");
  if (!all) return;
  var boxes = Array.prototype.slice.call(document.querySelectorAll(".transcript-choice"));
  function sync() {
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    all.checked = ticked === boxes.length && ticked > 0;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  all.addEventListener("change", function () {
    boxes.forEach(function (b) { b.checked = all.checked; });
  });
  boxes.forEach(function (b) { b.addEventListener("change", sync); });
  sync();
})();
