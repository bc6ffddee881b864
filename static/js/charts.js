// Plotly charts: draw each figure the server built, and fit them to a printed page.
// A chart's container names its JSON in data-chart; the figure is {data, layout}.
(function () {
  "use strict";

  var CONFIG = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 },
  };

  function draw(container) {
    var source = document.getElementById(container.dataset.chart);
    if (!source) {
      return;
    }
    if (!window.Plotly) {
      container.textContent = "The chart could not be drawn; its values are in the table.";
      return;
    }
    var figure = JSON.parse(source.textContent);
    container.textContent = "";
    window.Plotly.newPlot(container, figure.data, figure.layout, CONFIG).then(function () {
      container.dataset.rendered = "true";
    });
  }

  var charts = Array.prototype.slice.call(document.querySelectorAll("[data-chart]"));
  charts.forEach(draw);

  function resizeAll() {
    if (!window.Plotly) {
      return;
    }
    charts.forEach(function (container) {
      if (container.dataset.rendered) {
        window.Plotly.Plots.resize(container);
      }
    });
  }

  // Charts fit the printed page's width, not the window's.
  window.addEventListener("beforeprint", resizeAll);
  window.addEventListener("afterprint", resizeAll);
})();
