// crosource web application: the CSRF header on HTMX requests, interactive charts, and the
// small behaviours of the pages (confirmations, a select that sends its form, a back link).
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = csrf();
  });
  // A refused change (422 invalid, 409 changed meanwhile, 403, 413) answers with the form and
  // its problems: show it in place, as htmx would a success, instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 403 || status === 409 || status === 413 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // Charts are Vega-Lite specs in data-spec; vega-embed (served from this site) draws them.
  function drawCharts(root) {
    if (typeof window.vegaEmbed !== "function") { return; }
    root.querySelectorAll(".vega-chart[data-spec]:not([data-drawn])").forEach(function (el) {
      el.setAttribute("data-drawn", "1");
      var spec = JSON.parse(el.getAttribute("data-spec"));
      // ast: Vega's expressions are interpreted, not compiled with new Function, which the
      // Content-Security-Policy (script-src 'self', no 'unsafe-eval') refuses.
      window.vegaEmbed(el, spec, { actions: { export: true, source: false, compiled: false,
                                              editor: false }, renderer: "svg", ast: true })
        .catch(function (err) { el.textContent = "The chart could not be drawn: " + err; });
    });
  }
  // Behaviour the Content-Security-Policy refuses inline (event handler attributes,
  // javascript: links), given by data attributes of the templates instead.
  // <form data-confirm="question">: asked before the form is sent; captured before any
  // other listener, so that nothing is sent when the answer is no.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form instanceof HTMLFormElement ? form.getAttribute("data-confirm") : null;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // <select data-submit-on-change>: choosing sends its form.
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLElement && field.hasAttribute("data-submit-on-change") && field.form) {
      field.form.submit();
    }
  });
  // <a data-back>: back to the previous page (the link itself leads home without one).
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-back]") : null;
    if (link && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawCharts(event.target); });
})();
