"""Drawn list and teams (Art. 18 confidential until the inspection): page, export, recusal,
advance notice, and the inspector's own assignments. Every view and export is logged."""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotcheck.core import access
from spotcheck.directory.models import Target
from spotcheck.draws import selectors, services
from spotcheck.draws import services_confidential as confidential
from spotcheck.draws.forms import AdvanceNoticeForm, RecusalForm
from spotcheck.draws.labels import stratum_label
from spotcheck.draws.models import Draw, DrawnLine, DrawState, TeamMember
from spotcheck.engine.probability import probability_text
from spotcheck.planning.models import TaskState
from spotcheck.planning.views import call_service, current_user, require

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECUSAL_STATES = {TaskState.DRAWN, TaskState.INSPECTING}


@dataclass
class TargetTeam:
    target: Target
    stratum: str = ""
    probability: str = ""
    members: list[TeamMember] = field(default_factory=list)
    # (recused member, the member who replaced them or None)
    history: list[tuple[TeamMember, TeamMember | None]] = field(default_factory=list)
    documents_url: str | None = None


def _documents_url(draw: Draw, target: Target) -> str | None:
    """检查通知书/双清单 come from the inspections app; link only once it provides them."""
    try:
        return reverse("inspections:target_documents", args=[draw.pk, target.pk])
    except NoReverseMatch:
        return None


def _group(
    draw: Draw, entries: list[DrawnLine] | None, members: list[TeamMember]
) -> list[TargetTeam]:
    by_target: dict[int, TargetTeam] = {}
    if entries is not None:
        for e in entries:
            by_target[e.target_id] = TargetTeam(
                target=e.target,
                stratum=stratum_label(e.stratum),
                probability=probability_text(e.pi_units),
            )
    replaced_by = {m.replaces_id: m for m in members if m.replaces_id}
    grouped: dict[int, list[TeamMember]] = defaultdict(list)
    for m in members:
        grouped[m.target_id].append(m)
    for target_id, team in grouped.items():
        row = by_target.setdefault(target_id, TargetTeam(target=team[0].target))
        for m in sorted(team, key=lambda x: x.position):
            if m.active:
                row.members.append(m)
            elif draw.state != DrawState.ABORTED:
                row.history.append((m, replaced_by.get(m.pk)))
    for row in by_target.values():
        row.documents_url = _documents_url(draw, row.target)
    return sorted(by_target.values(), key=lambda r: r.target.credit_code)


def _result_draw(user: Any, pk: int) -> Draw:
    draw = get_object_or_404(Draw.objects.select_related("task"), pk=pk)
    require(
        access.can_view_draw_result(user, draw.task),
        access.draw_result_denial(user, draw.task),
    )
    return draw


RESULTS_PAGE = 50


@dataclass
class TeamsPage:
    """One page of drawn targets with their teams. A provincial draw has 10^4 targets and
    twice as many team members: the whole list (and forms offering every one of them) took
    ~5 s to render, so the page shows 50 targets, a search, and forms offering what it shows."""

    page: Page[Any]
    page_range: list[Any]
    q: str
    entries: list[DrawnLine]
    members: list[TeamMember]

    @classmethod
    def build(cls, user: Any, draw: Draw, params: QueryDict) -> TeamsPage:
        q = str(params.get("q", "") or "").strip()[:50]
        entries = selectors.drawn_entries(user=user, draw=draw)
        if q:
            entries = entries.filter(
                Q(credit_code__icontains=q.upper()) | Q(target__name__icontains=q)
            )
        paginator = Paginator(entries, RESULTS_PAGE)
        page = paginator.get_page(params.get("page"))
        page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        shown = list(page.object_list)
        members = list(
            selectors.teams(user=user, draw=draw, include_history=True).filter(
                target_id__in=[e.target_id for e in shown]
            )
        )
        return cls(page, page_range, q, shown, members)

    @property
    def active(self) -> list[TeamMember]:
        return [m for m in self.members if m.active]

    @property
    def targets(self) -> list[Target]:
        return [e.target for e in self.entries]

    @property
    def query(self) -> str:
        return urlencode({"q": self.q}) if self.q else ""

    def url(self, draw: Draw) -> str:
        """This page again (after a successful form: the clerk stays where they were)."""
        params = {"q": self.q} if self.q else {}
        if self.page.number > 1:
            params["page"] = str(self.page.number)
        base = reverse("draws:results", args=[draw.pk])
        return f"{base}?{urlencode(params)}" if params else base


def _results_context(
    user: Any,
    draw: Draw,
    shown: TeamsPage,
    recusal_form: RecusalForm | None,
    notice_form: AdvanceNoticeForm | None,
) -> dict[str, Any]:
    can_manage = access.can_manage_team(user, draw.task) and draw.state == DrawState.EXECUTED
    return {
        "draw": draw,
        "task": draw.task,
        "teams": _group(draw, shown.entries, shown.members),
        "page": shown.page,
        "page_range": shown.page_range,
        "q": shown.q,
        "query": shown.query,
        "notices": draw.advance_notices.select_related("target", "recorded_by"),
        "recusal_form": (recusal_form or RecusalForm(members=shown.active))
        if can_manage and draw.task.state in RECUSAL_STATES
        else None,
        "notice_form": (notice_form or AdvanceNoticeForm(targets=shown.targets))
        if can_manage
        else None,
        "can_download_proof": draw.has_proof() and access.can_download_proof(user, draw.task),
        "window_open": access.window_open(draw.task),
    }


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _result_draw(user, pk)
    if draw.state == DrawState.COMMITTED:
        messages.info(request, _("该抽取尚未执行，还没有抽取结果"))
        return redirect("draws:draw_detail", pk=pk)
    confidential.log_confidential_access(actor=user, draw=draw, what="抽取名单和检查组")
    shown = TeamsPage.build(user, draw, request.GET)
    return render(request, "draws/results.html", _results_context(user, draw, shown, None, None))


@login_required
@require_POST
def recuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _result_draw(user, pk)
    require(access.can_manage_team(user, draw.task), _("只有参与部门的业务科室人员可以登记回避"))
    # The form offers the members of the page it was on (its page and search come back as
    # hidden fields), so an invalid submission shows that same page again.
    shown = TeamsPage.build(user, draw, request.POST)
    form = RecusalForm(request.POST, members=shown.active)
    if form.is_valid():
        member = form.chosen()
        new = call_service(
            form,
            lambda: services.draw_recuse(
                actor=user,
                draw=draw,
                inspector=member.inspector,
                target=member.target,
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if new is not None:
            messages.success(
                request,
                _("%(old)s 已回避，由 %(new)s 替补")
                % {"old": member.inspector.name, "new": new.inspector.name},
            )
            return redirect(shown.url(draw))
    draw.refresh_from_db()
    confidential.log_confidential_access(actor=user, draw=draw, what="抽取名单和检查组")
    return render(request, "draws/results.html", _results_context(user, draw, shown, form, None))


@login_required
@require_POST
def advance_notice(request: HttpRequest, pk: int) -> HttpResponse:
    user = current_user(request)
    draw = _result_draw(user, pk)
    require(
        access.can_manage_team(user, draw.task), _("只有参与部门的业务科室人员可以登记提前告知")
    )
    shown = TeamsPage.build(user, draw, request.POST)
    form = AdvanceNoticeForm(request.POST, targets=shown.targets)
    if form.is_valid():
        notice = call_service(
            form,
            lambda: confidential.advance_notice_record(
                actor=user,
                draw=draw,
                target=form.chosen(),
                reason=form.cleaned_data["reason"],
                notified_on=form.cleaned_data["notified_on"],
            ),
        )
        if notice is not None:
            messages.success(request, _("已登记提前告知（第十八条例外）"))
            return redirect(shown.url(draw))
    confidential.log_confidential_access(actor=user, draw=draw, what="抽取名单和检查组")
    return render(request, "draws/results.html", _results_context(user, draw, shown, None, form))


@login_required
@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    import openpyxl

    user = current_user(request)
    draw = _result_draw(user, pk)
    entries = list(selectors.drawn_entries(user=user, draw=draw))
    members = list(selectors.teams(user=user, draw=draw, include_history=True))
    confidential.log_confidential_access(
        actor=user, draw=draw, what="抽取名单和检查组（Excel 导出）"
    )
    teams = _group(draw, entries, members)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "抽取名单"
    ws.append(["统一社会信用代码", "名称", "分层", "抽查概率", "检查组成员（执法证号）"])
    for row in teams:
        ws.append(
            [
                row.target.credit_code,
                row.target.name,
                row.stratum,
                row.probability,
                "、".join(f"{m.inspector.name}（{m.inspector.cert_no}）" for m in row.members),
            ]
        )
    ws2 = wb.create_sheet("检查组")
    ws2.append(
        [
            "统一社会信用代码",
            "检查对象",
            "执法检查人员",
            "部门",
            "执法证号",
            "状态",
            "回避事由",
            "回避说明",
        ]
    )
    for m in members:
        ws2.append(
            [
                m.target.credit_code,
                m.target.name,
                m.inspector.name,
                str(m.inspector.department),
                m.inspector.cert_no,
                "在组" if m.active else "已回避" if m.recused_reason else "已作废",
                m.get_recused_reason_code_display() if m.recused_reason_code else "",
                m.recused_reason,
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=draw-{draw.pk}-teams.xlsx"
    return response


@login_required
@require_GET
def my_assignments(request: HttpRequest) -> HttpResponse:
    """An inspector's own targets and teammates, never anything else of the draw."""
    user = current_user(request)
    require(access.can_view_own_assignments(user), _("只有执法检查人员有个人检查任务"))
    mine = list(selectors.own_assignments(user=user).select_related("draw__task", "target"))
    rows = []
    for draw_id in dict.fromkeys(m.draw_id for m in mine):
        draw = next(m.draw for m in mine if m.draw_id == draw_id)
        team = list(selectors.teams(user=user, draw=draw))
        confidential.log_confidential_access(actor=user, draw=draw, what="本人检查任务及同组人员")
        for m in (x for x in mine if x.draw_id == draw_id):
            rows.append(
                {
                    "draw": draw,
                    "task": draw.task,
                    "target": m.target,
                    "team": [t for t in team if t.target_id == m.target_id],
                    "documents_url": _documents_url(draw, m.target),
                }
            )
    return render(request, "draws/my_assignments.html", {"rows": rows})
