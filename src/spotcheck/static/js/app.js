/* Behaviour that used to sit in inline attributes (onchange=, onsubmit=): the
   Content-Security-Policy allows scripts from this site's own files only. */
(function () {
  "use strict";
  // The main menu folds behind a button on narrow screens; the CSS hides it only once this
  // script has marked the page, so without JavaScript the menu simply stays open.
  document.documentElement.classList.add("js");
  function setUpNavToggle() {
    var toggle = document.getElementById("nav-toggle");
    var nav = document.getElementById("mainnav");
    if (!toggle || !nav) { return; }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      nav.classList.toggle("open", open);
    });
  }
  // A table wider than the screen scrolls inside its .table-wrap: keyboard users must be able
  // to focus that box to scroll it (WCAG 2.1.1), so it joins the tab order while it scrolls.
  function markScrollableTables() {
    var boxes = document.querySelectorAll(".table-wrap");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    }
  }
  function onReady() {
    setUpNavToggle();
    markScrollableTables();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
  window.addEventListener("resize", markScrollableTables);
  document.addEventListener("htmx:afterSettle", markScrollableTables);
  // <select data-autosubmit>: submit the form as soon as a value is picked (language switcher).
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
      el.form.submit();
    }
  });
  // <form data-confirm="question">: ask before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  }, true);
})();
