// Draws each KPI's chart (Chart.js, vendored) from the JSON the page embeds with json_script.
// Numbers and dates follow the page's language: Persian digits and the Jalali calendar in Persian.
(function () {
  "use strict";
  var data = document.getElementById("kpi-chart-data");
  if (!data || typeof Chart === "undefined") return;
  var charts = JSON.parse(data.textContent);
  var lang = document.documentElement.lang || "fa";
  var fa = lang.indexOf("fa") === 0;
  var numbers = new Intl.NumberFormat(fa ? "fa-IR" : "en-US", { maximumFractionDigits: 2 });
  var dates = new Intl.DateTimeFormat(fa ? "fa-IR-u-ca-persian" : "en-GB", { year: "numeric", month: "short", day: "numeric" });
  Chart.defaults.font.family = "Vazirmatn, system-ui, sans-serif";
  charts.forEach(function (c) {
    var canvas = document.getElementById("kpi-chart-" + c.id);
    if (!canvas) return;
    var labels = c.labels.map(function (d) { return dates.format(new Date(d + "T12:00:00")); });
    var line = function (value) { return labels.map(function () { return value; }); };
    var datasets = [{ label: canvas.dataset.labelValue, data: c.values, borderColor: "#0d6efd", backgroundColor: "#0d6efd", tension: 0.2 }];
    if (c.baseline !== null) datasets.push({ label: canvas.dataset.labelBaseline, data: line(c.baseline), borderColor: "#6c757d", borderDash: [6, 4], pointRadius: 0 });
    if (c.target !== null) datasets.push({ label: canvas.dataset.labelTarget, data: line(c.target), borderColor: "#198754", borderDash: [2, 3], pointRadius: 0 });
    new Chart(canvas, {
      type: "line",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: fa ? "fa-IR" : "en-US",
        plugins: { legend: { rtl: fa, position: "bottom" }, tooltip: { rtl: fa, callbacks: { label: function (ctx) { return ctx.dataset.label + ": " + numbers.format(ctx.parsed.y); } } } },
        scales: { x: { reverse: fa }, y: { position: fa ? "right" : "left", ticks: { callback: function (v) { return numbers.format(v); } } } }
      }
    });
  });
})();
