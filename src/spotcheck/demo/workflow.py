"""The demo spot-check workflow: one completed task, run through the real services, that leaves
published records of every kind for the public portal.

Everything here goes through the same service functions the web pages call (planning, the draw
ceremony, inspections, follow-ups with legal review, publications reviewed by a second user),
so the audit log, history rows, deadlines and redaction are exactly what real use produces.

Dates are relative to the load date: Art. 18 lets results out only once the inspection window
has opened, and the services refuse inspection dates in the future, so a fixed calendar date
would stop working. The window never straddles New Year (``task_window``); the finished task
belongs to the plan of its window's year, and a current-year plan is approved too, so the
README walk-through has one to work under on any day, 1 January included. The scenario itself
(task, draw sizes, results, publications and their states) is fixed; which targets the draw
picks is decided by the draw's own public randomness, as in a real draw — stratifying by target
kind guarantees individual businesses among them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model, ProtectedError, Q
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Department, User
from spotcheck.core.errors import ServiceError
from spotcheck.credit.models import CreditRecord
from spotcheck.demo import data
from spotcheck.directory.models import (
    CheckItem,
    ConflictDeclaration,
    ConflictRelation,
    Inspector,
    InspectorStatus,
    Target,
    TargetKind,
)
from spotcheck.directory.services import conflict_declare, item_update
from spotcheck.disclosure.models import Publication, PublicationKind
from spotcheck.disclosure.publications import (
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.draws import services as draws
from spotcheck.draws.models import (
    AbortRequest,
    AdvanceNotice,
    CapOverride,
    CheckSlot,
    Draw,
    DrawnLine,
    PoolEntry,
    TeamMember,
)
from spotcheck.draws.services_abort import draw_abort_decide, draw_abort_request
from spotcheck.inspections.models import (
    Evidence,
    FollowUp,
    Inspection,
    InspectionTransition,
    ItemResult,
    LegalReview,
    ResultCategory,
)
from spotcheck.inspections.services_followup import (
    legal_review_decide,
    penalty_decide,
    rectification_order,
)
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_save,
    inspection_submit,
)
from spotcheck.planning import services as planning
from spotcheck.planning.models import AnnualPlan, SpotCheckTask, TaskState

K = PublicationKind
TASK_NAME = f"{data.NAME_PREFIX}再生资源回收行业定向抽查"
PLAN_NOTES = f"{data.NAME_PREFIX}按照“双随机、一公开”实施细则编制，重点检查再生资源回收经营者备案。"
ITEM_CODE = f"{data.CODE_PREFIX}SW-03"
# Left as a draft for the leader to approve, so demo_leader's 待办 home shows work waiting. Its
# window opens two weeks after the load and lasts three: ahead of "today" on any load day.
PENDING_TASK_NAME = f"{data.NAME_PREFIX}再生资源回收行业不定向抽查（待批准）"
PENDING_WINDOW_DAYS = (14, 35)
PENDING_SAMPLE: dict[str, Any] = {"mode": "count", "values": {"*": 3}}
# Directed pool: recyclers (F5191) in 丰登镇 — a few enterprises and individual businesses.
TASK_FILTERS = {"industry": "F5191", "region": "丰登镇"}
SAMPLE: dict[str, Any] = {"mode": "count", "values": {"enterprise": 3, "individual": 2}}
WITNESSES = {"见证人：周立新": "352614", "见证人：马秀兰": "611243"}
ABORT_REASON = "见证人马秀兰临时无法到场，改期抽取"
# Window: three weeks, ending ten days ago, so results and proofs may be published (Art. 18).
WINDOW_DAYS = (31, 10)
# The five results are inspected on these days of the window; the penalty is decided two days
# before loading (after every inspection, never in the future).
INSPECTION_DAYS = (2, 3, 4, 5, 6)
PENALTY_DAYS_AGO = 2
# Fabricated identifiers that look real enough for the redaction rules to catch (ID numbers
# carry a valid check character; the mobile number is in a real-looking range).
DEMO_ID_BODY = "64010619780312271"
DEMO_MOBILE = "13909517788"


@dataclass(frozen=True)
class WorkflowResult:
    loaded: bool
    publications: int
    published: int


def _id_number(body17: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def demo_tasks() -> Any:
    return SpotCheckTask.objects.filter(name__startswith=data.NAME_PREFIX)


def workflow_present() -> bool:
    return demo_tasks().exists()


# --- loading ---------------------------------------------------------------------------------


@transaction.atomic
def load_workflow(users: dict[str, User]) -> WorkflowResult:
    """Run the demo task from annual plan to publications, unless it is already there."""
    if workflow_present():
        return _result(False)
    today = timezone.localdate()
    section, section2 = users["demo_section"], users["demo_section2"]
    # The same department's second clerk checks results (Art. 14: not the one who submitted).
    checker = users["demo_section3"]
    leader, legal = users["demo_leader"], users["demo_legal"]
    market = section.department
    trade = section2.department
    assert market is not None and trade is not None
    item = CheckItem.objects.get(code=ITEM_CODE)
    cats = {c.code: c for c in ResultCategory.objects.all()}

    start, end = task_window(today)
    # The finished task belongs to the plan of its window's year; a current-year plan is needed
    # as well for the walk-through (they differ in January, when the window was last December).
    plan = _demo_plan(section, leader, start.year)
    if not AnnualPlan.objects.filter(department=market, year=today.year).exists():
        _demo_plan(section, leader, today.year)

    task = planning.task_create(
        actor=section,
        name=TASK_NAME,
        mode="directed",
        items=[item],
        window_start=start,
        window_end=end,
        sample=SAMPLE,
        filters=TASK_FILTERS,
        stratify_by="kind",
        plan=plan,
    )
    task = planning.task_approve(actor=leader, task=task)
    # A re-draw, as the public sees it: the first commitment is voided (asked by the clerk,
    # approved by the leader) before any die was thrown, and the second chains to it.
    first = draws.draw_commit(
        actor=section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["周立新", "马秀兰"],
    )
    request = draw_abort_request(actor=section, draw=first, reason=ABORT_REASON)
    draw_abort_decide(actor=leader, request=request, approve=True, comment="同意改期")
    _declare_conflicts(section, first)
    task.refresh_from_db()
    draw = draws.draw_commit(
        actor=section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=[name.removeprefix("见证人：") for name in WITNESSES],
        reason="见证人到场后重新组织抽取",
    )
    draw = draws.draw_execute(actor=section, draw=draw, entries=WITNESSES)
    _recuse_one(section, draw)
    task = planning.task_advance(actor=section, task=task, to=TaskState.INSPECTING)

    drawn = _drawn(draw)
    enterprises = [t for t in drawn if t.kind != TargetKind.INDIVIDUAL]
    individuals = [t for t in drawn if t.kind == TargetKind.INDIVIDUAL]
    inspected = {
        "clean": enterprises[0],
        "rectified": enterprises[1],
        "withdrawn": enterprises[2],
        "penalised": individuals[0],
        "draft": individuals[1],
    }
    day = {k: start + dt.timedelta(days=d) for k, d in zip(inspected, INSPECTION_DAYS, strict=True)}
    operator = inspected["penalised"].legal_representative or "经营者"
    id_no = _id_number(DEMO_ID_BODY)
    findings = {
        "clean": ("no_problem", ""),
        "rectified": ("rectified", "回收台账未按日登记，现场责令改正并已补登。"),
        "withdrawn": ("no_problem", ""),
        "penalised": (
            "pending_follow_up",
            f"经营者{operator}（身份证号{id_no}，联系电话{DEMO_MOBILE}）未向商务主管部门备案即从事"
            "再生资源回收经营，且未建立回收台账。",
        ),
        "draft": ("no_problem", ""),
    }
    accepted: dict[str, Inspection] = {}
    for key, target in inspected.items():
        code, text = findings[key]
        inspection = inspection_save(
            actor=section,
            draw=draw,
            target=target,
            inspected_on=day[key],
            inspectors=_team(draw, target),
            overall_category=cats[code],
            summary=text or "现场检查未发现问题。",
            item_results=[ItemResultInput(item, cats[code], text)],
        )
        inspection = inspection_submit(actor=section, inspection=inspection)
        accepted[key] = inspection_review(actor=checker, inspection=inspection, accept=True)

    rectification_order(
        actor=section,
        inspection=accepted["rectified"],
        order_text="按日登记回收台账，七日内报送整改情况。",
        due_on=day["rectified"] + dt.timedelta(days=7),
    )
    decided_on = today - dt.timedelta(days=PENALTY_DAYS_AGO)
    penalty = penalty_decide(
        actor=section,
        inspection=accepted["penalised"],
        decision_no=f"金商罚〔{decided_on.year}〕演示1号",
        penalty_kind="fine",
        amount=Decimal("5000.00"),
        decided_on=decided_on,
        major=True,
        description=(
            f"当事人{operator}（身份证号{id_no}，联系电话{DEMO_MOBILE}）未备案从事再生资源回收"
            "经营，依据《再生资源回收管理办法》处罚款人民币五千元。"
        ),
    )
    legal_review_decide(
        actor=legal, follow_up=penalty, approve=True, comment="事实清楚，程序合法。"
    )
    task.refresh_from_db()
    if task.state == TaskState.INSPECTING:  # accepting the last result may have moved it on
        task = planning.task_advance(actor=section, task=task, to=TaskState.RESULTS_IN)
    task = planning.task_advance(actor=section, task=task, to=TaskState.CLOSED)

    def publish(author: User, kind: str, source: Any, reviewer: User = leader) -> Publication:
        pub = publication_draft(actor=author, kind=kind, source=source)
        pub = publication_submit(actor=author, publication=pub)
        return publication_review(actor=reviewer, publication=pub, approve=True, comment="已核")

    lists = {}
    for dept, author in ((market, section), (trade, section2)):
        lists[dept.code, K.ITEM_LIST] = publish(author, K.ITEM_LIST, dept)
        publish(author, K.INSPECTOR_LIST, dept)
    publish(section, K.ANNUAL_PLAN, plan)
    publish(section, K.TASK_ANNOUNCEMENT, task)
    publish(section, K.DRAW_PROOF, draw)
    results = {
        key: publish(section, K.INSPECTION_RESULT, accepted[key])
        for key in ("clean", "rectified", "withdrawn", "penalised")
    }
    publish(section, K.PENALTY_DECISION, FollowUp.objects.get(pk=penalty.pk))

    # A correction (v2): the item's content was made more precise after the list went out.
    item_update(
        actor=section,
        item=item,
        data={"content": f"{item.content}；核查回收台账登记及保存情况。"},
    )
    correction = publication_correct(
        actor=section,
        publication=lists[market.code, K.ITEM_LIST],
        note="补充再生资源回收经营者检查事项的检查内容（回收台账）。",
    )
    correction = publication_submit(actor=section, publication=correction)
    publication_review(actor=leader, publication=correction, approve=True, comment="已核")

    publication_withdraw(
        actor=section,
        publication=results["withdrawn"],
        reason="检查对象反映检查日期记录有误，经复核撤回，待核实后重新公示。",
    )
    # Left as a draft: shows on the dashboard with its Art. 16 deadline.
    publication_draft(actor=section, kind=K.INSPECTION_RESULT, source=accepted["draft"])
    _pending_task(section, item, today)
    return _result(True)


def _pending_task(section: User, item: CheckItem, today: dt.date) -> SpotCheckTask:
    """A draft task awaiting the leader's approval (the leader's 待办 shows it)."""
    start = today + dt.timedelta(days=PENDING_WINDOW_DAYS[0])
    end = today + dt.timedelta(days=PENDING_WINDOW_DAYS[1])
    # Under the plan of its window's year when there is one (not when it opens next January).
    plan = AnnualPlan.objects.filter(department=section.department, year=start.year).first()
    return planning.task_create(
        actor=section,
        name=PENDING_TASK_NAME,
        mode="undirected",
        items=[item],
        window_start=start,
        window_end=end,
        sample=PENDING_SAMPLE,
        plan=plan,
    )


def task_window(today: dt.date) -> tuple[dt.date, dt.date]:
    """The finished task's inspection window for a load on ``today``: three weeks ending ten
    days ago, moved back to end on 31 December when it would straddle New Year — plans, the
    two-checks-a-year cap and the yearly counts all go by the window's (start) year."""
    start = today - dt.timedelta(days=WINDOW_DAYS[0])
    end = today - dt.timedelta(days=WINDOW_DAYS[1])
    if start.year != end.year:
        end = dt.date(start.year, 12, 31)
        start = end - dt.timedelta(days=WINDOW_DAYS[0] - WINDOW_DAYS[1])
    return start, end


def _demo_plan(section: User, leader: User, year: int) -> AnnualPlan:
    """The demo's approved plan of 市场建设科 for ``year`` (recognised by its notes)."""
    department = section.department
    assert department is not None
    if AnnualPlan.objects.filter(department=department, year=year).exists():
        raise ServiceError(
            f"{department.name} {year} 年度已有抽查计划，演示抽查任务（检查时间在 {year} 年）"
            "需要编制该年度的演示计划，无法加载；可用 load_demo --no-workflow 只加载名录库"
        )
    plan = planning.plan_create(
        actor=section,
        year=year,
        items=list(CheckItem.objects.filter(department=department, active=True).order_by("code")),
        sectors=[
            {"name": "再生资源回收", "ratio": "0.05", "rounds_per_year": 1},
            {"name": "报废机动车回收拆解", "ratio": "0.10", "rounds_per_year": 2},
            {"name": "二手车交易", "ratio": "0.05", "rounds_per_year": 1},
        ],
        notes=PLAN_NOTES,
    )
    return planning.plan_approve(actor=leader, plan=plan)


def _drawn(draw: Draw) -> list[Target]:
    entries = DrawnLine.objects.filter(draw=draw).select_related("target")
    return [e.target for e in entries.order_by("credit_code")]


CONFLICT_NOTE = "演示：其配偶在该企业担任财务负责人。"
CONFLICTED_ENTERPRISES = int(SAMPLE["values"]["enterprise"]) + 1


def _declare_conflicts(section: User, first: Draw) -> None:
    """Declared conflicts of one inspector with more of the pool's enterprises than the draw
    takes, so at least one belongs to a target that is not drawn: the public proof must show
    the conflicts of drawn targets only. Kept across a reset of the workflow (directory data)."""
    inspector = (
        Inspector.objects.filter(
            department=section.department, user__isnull=True, status=InspectorStatus.ACTIVE
        )
        .order_by("cert_no")
        .first()
    )
    if inspector is None:
        return
    lines = PoolEntry.objects.filter(draw=first, target__kind=TargetKind.ENTERPRISE)
    for line in lines.select_related("target").order_by("credit_code")[:CONFLICTED_ENTERPRISES]:
        if not ConflictDeclaration.objects.filter(
            inspector=inspector, target=line.target, withdrawn_at__isnull=True
        ).exists():
            conflict_declare(
                actor=section,
                inspector=inspector,
                target=line.target,
                relation=ConflictRelation.KIN,
                note=CONFLICT_NOTE,
            )


RECUSAL_NOTE = "该执法人员曾参与对该经营者的投诉核查，本人申请回避。"


def _recuse_one(section: User, draw: Draw) -> None:
    """A recusal after the draw, as the public sees it: the proof names the reason code and the
    replacement; the note stays on the staff pages. An inspector without a login is chosen, so
    the demo users' own assignments stay as drawn."""
    member = (
        TeamMember.objects.filter(draw=draw, active=True, inspector__user__isnull=True)
        .select_related("inspector", "target")
        .order_by("target__credit_code", "position")
        .first()
    )
    if member is None:
        return
    draws.draw_recuse(
        actor=section,
        draw=draw,
        inspector=member.inspector,
        target=member.target,
        reason_code="prior_involvement",
        reason=RECUSAL_NOTE,
    )


def _team(draw: Draw, target: Target) -> list[Any]:
    members = TeamMember.objects.filter(draw=draw, target=target, active=True)
    return [m.inspector for m in members.select_related("inspector").order_by("position")]


def _result(loaded: bool) -> WorkflowResult:
    pubs = _demo_publications()
    return WorkflowResult(
        loaded=loaded,
        publications=pubs.count(),
        published=pubs.filter(state="published").count(),
    )


# --- wiping ----------------------------------------------------------------------------------


def _demo_publications() -> Any:
    """Publications of demo sources: department lists of the demo departments and records
    whose source belongs to a demo task (plans, tasks, draws, inspections, follow-ups)."""
    tasks = demo_tasks()
    draws_ = Draw.objects.filter(task__in=tasks)
    inspections = Inspection.objects.filter(draw__in=draws_)
    sources: list[tuple[type[Model], Any]] = [
        (Department, Department.objects.filter(code__in=[d.code for d in data.DEPARTMENTS])),
        (AnnualPlan, AnnualPlan.objects.filter(tasks__in=tasks)),
        (SpotCheckTask, tasks),
        (Draw, draws_),
        (Inspection, inspections),
        (FollowUp, FollowUp.objects.filter(inspection__in=inspections)),
    ]
    match = Q(pk__in=[])
    for model, qs in sources:
        ids = [str(pk) for pk in qs.values_list("pk", flat=True)]
        ctype = ContentType.objects.get_for_model(model)
        match |= Q(source_type=ctype, source_id__in=ids)
    return Publication.objects.filter(match)


def _delete_with_history(qs: Any) -> None:
    """Delete rows and their simple_history rows (demo rows leave no trace but the audit log)."""
    ids = list(qs.values_list("pk", flat=True))
    history = getattr(qs.model, "history", None)
    qs.model.objects.filter(pk__in=ids).delete()
    if history is not None:
        history.model.objects.filter(id__in=ids).delete()


@transaction.atomic
def wipe_workflow() -> None:
    """Delete the demo task and everything hanging off it, children before parents (the
    foreign keys are PROTECT on purpose, so the order matters)."""
    tasks = demo_tasks()
    task_ids = list(tasks.values_list("pk", flat=True))
    # Only the plan the demo drew up (recognised by its notes), never a plan a user made.
    plan_ids = list(AnnualPlan.objects.filter(notes=PLAN_NOTES).values_list("pk", flat=True))
    pubs = list(_demo_publications().order_by("-version", "-pk"))
    draw_ids = list(Draw.objects.filter(task__in=task_ids).values_list("pk", flat=True))
    inspection_ids = list(Inspection.objects.filter(draw__in=draw_ids).values_list("pk", flat=True))
    try:
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            _delete_workflow_rows(pubs, task_ids, plan_ids, draw_ids, inspection_ids)
    except ProtectedError as exc:
        raise ServiceError(
            gettext(
                "演示抽查任务已被其他记录（如用户自建的任务、公示）引用，不能重置；请换一个空数据库重新加载"
            )
        ) from exc
    # Results and penalties of demo targets fed credit records (Art. 19); they go with them.
    CreditRecord.objects.filter(target__name__startswith=data.NAME_PREFIX).delete()


def _delete_workflow_rows(
    pubs: list[Publication],
    task_ids: list[int],
    plan_ids: list[int],
    draw_ids: list[int],
    inspection_ids: list[int],
) -> None:
    # Newest versions first: a correction PROTECTs the version it supersedes.
    for pub in pubs:
        Publication.objects.filter(pk=pub.pk).delete()
    follow_ups = FollowUp.objects.filter(inspection__in=inspection_ids)
    LegalReview.objects.filter(follow_up__in=follow_ups).delete()
    _delete_with_history(follow_ups)
    Evidence.objects.filter(inspection__in=inspection_ids).delete()
    _delete_with_history(ItemResult.objects.filter(inspection__in=inspection_ids))
    InspectionTransition.objects.filter(inspection__in=inspection_ids).delete()
    Inspection.inspectors.through.objects.filter(inspection__in=inspection_ids).delete()
    _delete_with_history(Inspection.objects.filter(pk__in=inspection_ids))
    CheckSlot.objects.filter(draw__in=draw_ids).delete()
    CapOverride.objects.filter(task__in=task_ids).delete()
    AdvanceNotice.objects.filter(draw__in=draw_ids).delete()
    # Replacements first: a recused member is PROTECTed by the row that replaced it.
    members = TeamMember.objects.filter(draw__in=draw_ids)
    while members.exists():
        members.exclude(replaced_by__isnull=False).delete()
    DrawnLine.objects.filter(draw__in=draw_ids).delete()
    PoolEntry.objects.filter(draw__in=draw_ids).delete()
    AbortRequest.objects.filter(draw__in=draw_ids).delete()
    for draw_id in sorted(draw_ids, reverse=True):
        Draw.objects.filter(pk=draw_id).delete()
    SpotCheckTask.departments.through.objects.filter(spotchecktask__in=task_ids).delete()
    SpotCheckTask.items.through.objects.filter(spotchecktask__in=task_ids).delete()
    _delete_with_history(SpotCheckTask.objects.filter(pk__in=task_ids))
    AnnualPlan.items.through.objects.filter(annualplan__in=plan_ids).delete()
    _delete_with_history(AnnualPlan.objects.filter(pk__in=plan_ids))
