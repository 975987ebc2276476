from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.core import access
from spotcheck.disclosure.selectors_staff import due_context
from spotcheck.planning.models import SpotCheckTask
from spotcheck.reports import selectors
from spotcheck.reports.svg import bar_chart


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not access.can_view_dashboard(request.user):
        raise PermissionDenied(_("无权查看工作概览"))
    data = selectors.dashboard(user=request.user)
    charts = {
        "states": bar_chart(data.tasks_by_state, title=_("抽查任务（按状态）"), unit=_("个")),
        "coverage": bar_chart(
            [(label, share) for label, share, _, _ in data.coverage],
            title=_("检查对象覆盖率（全覆盖进度）"),
            max_value=1.0,
            percent=True,
        ),
        "results": bar_chart(data.results, title=_("已审核检查结果分布"), unit=_("户")),
    }
    return render(
        request,
        "reports/dashboard.html",
        {"data": data, "charts": charts, **due_context(request.user)},  # type: ignore[arg-type]
    )


@login_required
def task_report(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(SpotCheckTask, pk=pk)
    if not access.can_view_task(request.user, task):
        raise PermissionDenied(_("无权查看该任务的报告"))
    rows, selected = selectors.task_estimates(task)
    return render(
        request, "reports/task_report.html", {"task": task, "rows": rows, "selected": selected}
    )


@login_required
def annual(request: HttpRequest) -> HttpResponse:
    """年度统计: per department, the year's tasks, draws (aborted ones counted apart) and
    results."""
    if not access.can_view_dashboard(request.user):
        raise PermissionDenied(_("无权查看年度统计"))
    this_year = timezone.localdate().year
    raw = request.GET.get("year", "")
    error = ""
    year = this_year
    if raw:
        if raw.isdigit() and 2000 <= int(raw) <= this_year + 1:
            year = int(raw)
        else:
            error = f"年份“{raw[:10]}”无效，请选择 2000–{this_year + 1} 之间的年份"
    rows = selectors.annual_report(user=request.user, year=year)
    return render(
        request,
        "reports/annual.html",
        {
            "year": year,
            "years": list(range(this_year + 1, this_year - 6, -1)),
            "rows": rows,
            "error": error,
            "total_aborted": sum(r.aborted for r in rows),
        },
    )
