"""Forms of the working-day calendar page. Parsing only; the rules live in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from spotcheck.core.forms import OwnIds
from spotcheck.disclosure.models import OverrideKind
from spotcheck.disclosure.workdays import DeadlineKind


class OverrideForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("类型"), choices=OverrideKind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


def _parse_dates(text: str, what: str) -> list[dt.date]:
    out: list[dt.date] = []
    errors: list[str] = []
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        try:
            out.append(dt.date.fromisoformat(line))
        except ValueError:
            errors.append(
                str(
                    _("%(what)s第%(n)d行“%(line)s”不是有效日期，格式应为 YYYY-MM-DD")
                    % {"what": what, "n": n, "line": line[:40]}
                )
            )
    if errors:
        raise forms.ValidationError(errors)
    return out


class YearImportForm(OwnIds, forms.Form):
    # It shares the calendar page with the override form (both have a ``note``).
    id_prefix = "year"

    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    # strip=False: a stripped text would shift the line numbers the error messages quote.
    holidays = forms.CharField(
        label=_("休息日"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一个日期，格式 YYYY-MM-DD，如 2027-10-01"),
    )
    workdays = forms.CharField(
        label=_("调休上班日"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("需要上班的周六、周日，每行一个日期"),
    )
    note = forms.CharField(
        label=_("依据"),
        max_length=200,
        help_text=_("如：国务院办公厅关于2027年部分节假日安排的通知"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1

    def clean_holidays(self) -> list[dt.date]:
        return _parse_dates(self.cleaned_data.get("holidays", ""), str(_("休息日")))

    def clean_workdays(self) -> list[dt.date]:
        return _parse_dates(self.cleaned_data.get("workdays", ""), str(_("调休上班日")))


class DeadlineForm(OwnIds, forms.Form):
    # It shares the calendar page with the override form (both have a ``kind``).
    id_prefix = "deadline"

    decided_on = forms.DateField(
        label=_("决定日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("公示类型"),
        choices=[
            (DeadlineKind.PENALTY, _("行政处罚决定")),
            (DeadlineKind.RESULT, _("其他检查结果")),
        ],
    )
