/* Error summary: when a form comes back with errors, move focus to the summary at its top
   (screen readers announce it, the page scrolls to it); each link in it moves focus to its
   field and brings the field's label into view. */
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.scrollIntoView({ block: "start" });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("[data-error-summary] a[data-field-id]") : null;
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("data-field-id"));
    if (!field) {
      return; // no such element: let the link do what an anchor does
    }
    event.preventDefault();
    // A group of checkboxes is linked by its wrapper: focus its first box, show its legend.
    var target = field.matches("input, select, textarea, button")
      ? field
      : field.querySelector("input:not([type=hidden]):not([hidden]), select, textarea") || field;
    var group = field.closest("fieldset");
    var label = document.querySelector("label[for='" + target.id + "']:not(.visually-hidden)");
    var shown = label || (target !== field && group ? group : null) || target;
    shown.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  });
})();
