/* Hamafza insights: draws every <canvas data-chart="ID"> from the JSON in <script id="ID">, with
   Chart.js (vendored). Right to left and Persian digits when the page is Persian; the numbers are
   also in the table under each chart. No inline script (CSP). */
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var html = document.documentElement;
  var rtl = html.dir === "rtl";
  var locale = html.lang === "fa" ? "fa-IR" : "en-US";
  var numbers = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  var palette = ["#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#6c757d"];
  Chart.defaults.font.family = "Vazirmatn, system-ui, sans-serif";
  Chart.defaults.locale = locale;

  function format(value, percent) {
    if (value === null || value === undefined) { return "—"; }
    return numbers.format(value) + (percent ? (locale === "fa-IR" ? "٪" : "%") : "");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var horizontal = !!spec.horizontal;
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: !!spec.stacked,
      max: spec.percent ? 100 : undefined,
      reverse: horizontal && rtl,
      position: horizontal ? undefined : (rtl ? "right" : "left"),
      ticks: { callback: function (v) { return format(v, spec.percent); } }
    };
    scales[categoryAxis] = { stacked: !!spec.stacked, reverse: !horizontal && rtl, position: horizontal && rtl ? "right" : undefined };
    new Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map(function (d, i) {
          return {
            label: d.label,
            data: d.data,
            backgroundColor: palette[i % palette.length],
            borderColor: palette[i % palette.length],
            tension: 0.2
          };
        })
      },
      options: {
        maintainAspectRatio: false,
        indexAxis: categoryAxis,
        locale: locale,
        animation: false,
        layout: { padding: { left: 16, right: 16 } },
        scales: scales,
        plugins: {
          legend: { rtl: rtl, textDirection: rtl ? "rtl" : "ltr", display: spec.datasets.length > 1 },
          tooltip: {
            rtl: rtl,
            textDirection: rtl ? "rtl" : "ltr",
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ": " + format(ctx.parsed[valueAxis], spec.percent); }
            }
          }
        }
      }
    });
  });
})();
