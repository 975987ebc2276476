/* Choice pickers (core/widgets.py): the server renders plain checkboxes or a plain <select>,
   which work without JavaScript; this script shows a filter box that hides the options not
   matching what was typed. Checked/selected options always stay visible, so a filter never
   hides a choice already made.

   <fieldset data-picker-group data-picker-department="7">: a group that only applies when the
   checkbox <input name="partner_departments" value="7"> is checked and the task mode is
   "joint" (a joint task's partner departments bring their own check items). */
(function () {
  "use strict";

  function norm(text) {
    return (text || "").toLowerCase().replace(/\s+/g, "");
  }

  function filterCheckboxes(picker, needle) {
    var shown = 0;
    picker.querySelectorAll("[data-picker-option]").forEach(function (option) {
      var input = option.querySelector("input");
      var match = !needle || norm(option.textContent).indexOf(needle) !== -1;
      var keep = match || (input && input.checked);
      option.hidden = !keep;
      if (keep && !option.closest("[data-picker-group][data-picker-off]")) {
        shown += 1;
      }
    });
    picker.querySelectorAll("[data-picker-group]").forEach(function (group) {
      var any = group.querySelector("[data-picker-option]:not([hidden])");
      group.hidden = group.hasAttribute("data-picker-off") || !any;
    });
    var empty = picker.querySelector("[data-picker-empty]");
    if (empty) {
      empty.hidden = shown > 0;
    }
  }

  function filterSelect(picker, needle) {
    var select = picker.querySelector("select");
    if (!select) {
      return;
    }
    Array.prototype.forEach.call(select.options, function (option) {
      var match = !needle || option.value === "" || norm(option.textContent).indexOf(needle) !== -1;
      option.hidden = !(match || option.selected);
    });
  }

  function apply(picker) {
    var box = picker.querySelector("[data-picker-filter]");
    var needle = norm(box ? box.value : "");
    if (picker.querySelector("select")) {
      filterSelect(picker, needle);
    } else {
      filterCheckboxes(picker, needle);
    }
  }

  // Groups tied to a partner department: shown only for a joint task with that partner ticked.
  function syncDepartmentGroups() {
    var form = document.querySelector("form[data-picker-scope]");
    if (!form) {
      return;
    }
    var mode = form.querySelector("[name=mode]");
    var joint = mode && mode.value === "joint";
    var partners = {};
    form.querySelectorAll("input[name=partner_departments]").forEach(function (box) {
      partners[box.value] = box.checked;
    });
    form.querySelectorAll("[data-picker-group][data-picker-department]").forEach(function (group) {
      var on = joint && partners[group.getAttribute("data-picker-department")];
      var ticked = group.querySelector("input:checked");
      // A group with a ticked item stays visible, so the server's complaint about it can be fixed.
      if (on || ticked) {
        group.removeAttribute("data-picker-off");
      } else {
        group.setAttribute("data-picker-off", "");
      }
    });
    form.querySelectorAll("[data-picker]").forEach(apply);
  }

  function init() {
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      var box = picker.querySelector("[data-picker-filter]");
      if (!box) {
        return;
      }
      box.hidden = false;
      box.addEventListener("input", function () {
        apply(picker);
      });
      box.addEventListener("keydown", function (event) {
        // Enter in the filter box filters; it must not submit the whole form half-filled.
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
      apply(picker);
    });
    syncDepartmentGroups();
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el instanceof Element && (el.matches("[name=mode]") || el.matches("input[name=partner_departments]"))) {
      syncDepartmentGroups();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
