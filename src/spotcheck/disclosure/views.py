from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.core import access
from spotcheck.core.errors import ServiceError
from spotcheck.disclosure.forms import DeadlineForm, OverrideForm, YearImportForm
from spotcheck.disclosure.models import CalendarOverride, CalendarYear
from spotcheck.disclosure.services import (
    calendar_override_remove,
    calendar_override_set,
    calendar_year_import,
)
from spotcheck.disclosure.workdays import library_knows, publication_deadline, publication_workdays


def _year_rows(years: list[int]) -> list[dict[str, Any]]:
    entered = {
        y.year: y for y in CalendarYear.objects.filter(year__in=years).select_related("entered_by")
    }
    return [{"year": y, "library": library_knows(y), "entered": entered.get(y)} for y in years]


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """工作日历: the auditor reads how deadlines are counted; the administrator maintains it."""
    if not access.can_view_calendar(request.user):
        raise PermissionDenied(gettext("无权查看工作日历"))
    can_manage = access.can_manage_calendar(request.user)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied(gettext("只有系统管理员可以维护工作日历"))
    override_form = OverrideForm()
    import_form = YearImportForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        actor: Any = request.user
        try:
            if action == "override_remove":
                raw = request.POST.get("override", "")
                found = (
                    CalendarOverride.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
                )
                if found is None:
                    raise ServiceError(gettext("该日历调整不存在或已被删除"))
                calendar_override_remove(actor=actor, override=found)
                messages.success(
                    request,
                    gettext("已删除 %(date)s 的日历调整") % {"date": f"{found.date:%Y-%m-%d}"},
                )
                return redirect("disclosure:calendar")
            if action == "year_import":
                import_form = YearImportForm(request.POST)
                if import_form.is_valid():
                    data = import_form.cleaned_data
                    calendar_year_import(
                        actor=actor,
                        year=data["year"],
                        holidays=data["holidays"],
                        workdays=data["workdays"],
                        note=data["note"],
                    )
                    messages.success(
                        request, gettext("已录入 %(year)s 年放假安排") % {"year": data["year"]}
                    )
                    return redirect("disclosure:calendar")
            else:
                override_form = OverrideForm(request.POST)
                if override_form.is_valid():
                    data = override_form.cleaned_data
                    calendar_override_set(
                        actor=actor, date=data["date"], kind=data["kind"], note=data["note"]
                    )
                    messages.success(
                        request,
                        gettext("已保存 %(date)s 的日历调整")
                        % {"date": f"{data['date']:%Y-%m-%d}"},
                    )
                    return redirect("disclosure:calendar")
        except ServiceError as exc:
            form = import_form if action == "year_import" else override_form
            if action == "override_remove":
                messages.error(request, exc.message)
            else:
                form.add_error(None, exc.message)

    deadline_form = DeadlineForm(request.GET if "decided_on" in request.GET else None)
    deadline = None
    workdays = None
    if deadline_form.is_bound and deadline_form.is_valid():
        kind = deadline_form.cleaned_data["kind"]
        workdays = publication_workdays(kind)
        deadline = publication_deadline(
            decided_on=deadline_form.cleaned_data["decided_on"], kind=kind
        )
    this_year = timezone.localdate().year
    return render(
        request,
        "disclosure/calendar.html",
        {
            "can_manage": can_manage,
            "years": _year_rows([this_year, this_year + 1]),
            "overrides": CalendarOverride.objects.filter(
                date__year__gte=this_year - 1
            ).select_related("created_by")[:500],
            "override_form": override_form,
            "import_form": import_form,
            "deadline_form": deadline_form,
            "deadline": deadline,
            "workdays": workdays,
        },
    )
