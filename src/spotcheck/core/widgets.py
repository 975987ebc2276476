"""Choice widgets with a search box: plain checkboxes or a plain <select> without JavaScript,
and static/js/picker.js adds the filter box (no CDN, no inline script: the CSP allows only our
own files). Government intranets are often offline, so nothing here loads from elsewhere."""

from __future__ import annotations

from typing import Any

from django import forms


class PickerCheckboxes(forms.CheckboxSelectMultiple):
    """A scrollable list of checkboxes, full names wrapped (never cut), with a filter box.

    ``group_attrs`` maps an option group's label to data attributes for that group, e.g. the
    department a group of check items belongs to, so the script can show only the groups that
    apply (a joint task's partner departments).
    """

    template_name = "core/widgets/picker_checkboxes.html"

    def __init__(self, attrs: dict[str, Any] | None = None, choices: Any = ()) -> None:
        super().__init__(attrs, choices)
        self.group_attrs: dict[str, dict[str, str]] = {}

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["group_attrs"] = self.group_attrs
        context["widget"]["groups"] = [
            (group, options, self.group_attrs.get(str(group), {}) if group else {})
            for group, options, _index in context["widget"]["optgroups"]
        ]
        return context


class PickerSelect(forms.Select):
    """A plain <select>; the script puts a filter box in front of it for long lists."""

    template_name = "core/widgets/picker_select.html"
