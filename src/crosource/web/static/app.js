// crosource web application: the CSRF header on HTMX requests, and interactive charts.
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });
  // Charts are Vega-Lite specs in data-spec; vega-embed (served from this site) draws them.
  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll(".vega-chart[data-spec]:not([data-drawn])").forEach(function (el) {
      el.setAttribute("data-drawn", "1");
      var spec = JSON.parse(el.getAttribute("data-spec"));
      window.vegaEmbed(el, spec, { actions: { export: true, source: false, compiled: false,
                                              editor: false }, renderer: "svg" })
        .catch(function (err) { el.textContent = "The chart could not be drawn: " + err; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
