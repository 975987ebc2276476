/* Behaviour that used to sit in inline attributes (onchange=, onsubmit=): the
   Content-Security-Policy allows scripts from this site's own files only. */
(function () {
  "use strict";
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
