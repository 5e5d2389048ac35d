/* The dashboard's charts (reports/dashboard.py, docs/reports.md "Dashboard"): Chart.js, vendored, drawn from
   the figures the page passes with json_script. Each chart sits beside a table of the same numbers, which
   stays the accessible and printable form; a bar, like a table cell, opens the filtered list behind it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof window.Chart === "undefined") return;
  var COLOURS = {high: "#dc3545", medium_high: "#ffc107", medium_low: "#0d6efd", low: "#198754"};
  var FALLBACK = "#2f6db5";
  JSON.parse(source.textContent).forEach(function (spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) return;
    canvas.parentElement.hidden = false;
    canvas.parentElement.style.height = Math.max(160, 60 + 28 * spec.labels.length) + "px";
    var datasets = spec.datasets.map(function (set) {
      return {label: set.label, data: set.data, backgroundColor: COLOURS[set.key] || FALLBACK};
    });
    new window.Chart(canvas, {
      type: "bar",
      data: {labels: spec.labels, datasets: datasets},
      options: {
        indexAxis: "y",
        animation: false,
        maintainAspectRatio: false,
        scales: {x: {stacked: spec.stacked, beginAtZero: true, ticks: {precision: 0}}, y: {stacked: spec.stacked}},
        plugins: {legend: {display: spec.datasets.length > 1, position: "bottom"}},
        onClick: function (_event, elements) {
          if (!elements.length) return;
          var url = spec.datasets[elements[0].datasetIndex].urls[elements[0].index];
          if (url) window.location.assign(url);
        }
      }
    });
  });
})();
