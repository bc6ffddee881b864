// Reliability page: confusion-matrix heatmaps whose cells open their utterances, and a
// visible status while a large computation runs, so the page never looks frozen.
(function () {
  "use strict";

  var form = document.getElementById("reliability-form");
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("reliability-submit");
      var status = document.getElementById("reliability-status");
      var started = Date.now();
      if (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      }
      if (status) {
        status.textContent = "Computing reliability…";
        window.setInterval(function () {
          var seconds = Math.round((Date.now() - started) / 1000);
          status.textContent = "Computing reliability… " + seconds + " s";
        }, 1000);
      }
    });
  }

  var data = document.getElementById("confusion-figures");
  if (!data || typeof window.Plotly === "undefined") {
    return;
  }
  var figures = JSON.parse(data.textContent);
  Object.keys(figures).forEach(function (id) {
    var element = document.getElementById(id);
    if (!element) {
      return;
    }
    var figure = figures[id];
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
    }).then(function () {
      element.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        if (point && point.z > 0) {
          window.location.assign(
            figure.cells_url +
              "&row=" + encodeURIComponent(point.y) +
              "&col=" + encodeURIComponent(point.x)
          );
        }
      });
    });
  });
})();
