"""The demo workflow: one task run through the real services to published records of every kind,
a correction, a withdrawal and a draft with its Art. 16 deadline; idempotent and wiped by reset."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.accounts.models import User
from spotcheck.audit.verify import verify_chain
from spotcheck.demo import workflow
from spotcheck.demo.loader import load_demo, wipe_demo
from spotcheck.directory.models import ConflictDeclaration, Target
from spotcheck.disclosure import selectors
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.draws.models import Draw
from spotcheck.draws.pool import pool_shortfall
from spotcheck.draws.snapshot import proof_document
from spotcheck.engine.verify import verify_proof
from spotcheck.inspections.models import FollowUp, Inspection, InspectionState
from spotcheck.planning.models import AnnualPlan, PlanState, SpotCheckTask, TaskState
from spotcheck.planning.services import plan_create, task_create
from spotcheck.reports.todo import todo_list
from tests.inspections.conftest import ensure_result_categories

pytestmark = pytest.mark.django_db
S = PublicationState


@pytest.fixture(autouse=True)
def _categories() -> None:
    ensure_result_categories()


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", "--no-logins", *args, stdout=out)
    return out.getvalue()


def _check_scenario() -> None:
    task = SpotCheckTask.objects.get(name=workflow.TASK_NAME)
    assert task.state == TaskState.CLOSED
    assert task.plan is not None and task.plan.state == PlanState.APPROVED
    today = timezone.localdate()
    assert task.window_end < today
    assert task.plan.year == task.window_start.year == task.window_end.year
    # A current-year plan, approved, for the walk-through (the same one but in January).
    assert AnnualPlan.objects.get(department__code="market", year=today.year).state == (
        PlanState.APPROVED
    )
    draw = Draw.objects.get(task=task, state="executed")
    assert draw.proof and draw.commitment
    errors, _summary = verify_proof(proof_document(draw))
    assert errors == []
    # The demo shows a re-draw: the first commitment voided (clerk asked, leader approved).
    first = Draw.objects.get(task=task, state="aborted")
    assert draw.commitment["previous"]["commitment_digest"] == first.commitment_digest
    assert [h["draw_id"] for h in draw.proof["history"]] == [str(first.pk)]
    assert first.abort_requests.get().decided_by.username == "demo_leader"

    inspections = Inspection.objects.filter(draw=draw)
    assert inspections.count() == 5
    assert set(inspections.values_list("state", flat=True)) == {InspectionState.ACCEPTED}
    assert inspections.filter(target__kind="individual").count() == 2
    penalty = FollowUp.objects.get(inspection__draw=draw, kind="penalty")
    assert penalty.major and penalty.state == "effective"
    assert penalty.legal_reviews.filter(decision="approved").exists()

    published = selectors.published()
    assert set(published.values_list("kind", flat=True)) == set(PublicationKind.values)
    assert published.filter(kind=PublicationKind.INSPECTION_RESULT).count() >= 3
    for kind in (PublicationKind.ITEM_LIST, PublicationKind.INSPECTOR_LIST):
        # 金凤区's two sections and 兴庆区's 市场建设科.
        assert published.filter(kind=kind).values("department").distinct().count() == 3

    corrected = Publication.objects.get(state=S.CORRECTED)
    v2 = Publication.objects.get(supersedes=corrected)
    assert (v2.version, v2.state) == (2, S.PUBLISHED) and v2.correction_note
    assert v2.payload != corrected.payload
    withdrawn = Publication.objects.get(state=S.WITHDRAWN)
    assert withdrawn.withdrawal_reason and withdrawn not in published

    draft = Publication.objects.get(state=S.DRAFT)
    assert draft.due_on is not None
    section = User.objects.get(username="demo_section")
    rows = selectors.upcoming_and_overdue(user=section)
    assert [r.publication for r in rows] == [draft]
    # Reviewed by someone other than the author (Art. 14).
    assert not Publication.objects.filter(reviewer=F("author")).exists()


def _check_redaction() -> None:
    penalised = Inspection.objects.get(
        draw__task__name=workflow.TASK_NAME, follow_ups__kind="penalty"
    )
    operator = penalised.target.legal_representative
    assert operator
    secrets = [operator, workflow._id_number(workflow.DEMO_ID_BODY), workflow.DEMO_MOBILE]
    # The source record really holds them, so the masking below is what keeps them out.
    findings = penalised.item_results.get().findings
    assert all(s in findings for s in secrets)
    dumped = json.dumps(
        [{"title": p.title, "payload": p.payload} for p in Publication.objects.all()],
        ensure_ascii=False,
    )
    for secret in secrets:
        assert secret not in dumped, secret
    result = Publication.objects.get(
        kind=PublicationKind.INSPECTION_RESULT, source_id=str(penalised.pk)
    )
    assert {"id_number", "mobile_phone", "person_name"} <= set(result.redactions)


def test_workflow_loads_every_kind_and_is_idempotent(client: Client) -> None:
    output = _load()
    assert "演示抽查任务" in output
    _check_scenario()
    _check_redaction()
    # The draft's deadline is on the section's dashboard (工作概览).
    client.force_login(User.objects.get(username="demo_section"))
    draft = Publication.objects.get(state=S.DRAFT)
    page = client.get(reverse("reports:dashboard"))
    assert page.status_code == 200 and draft.title in page.content.decode()
    counts = (Publication.objects.count(), Inspection.objects.count(), Draw.objects.count())

    output = _load()
    assert "已存在" in output and "演示抽查任务" not in output
    assert (Publication.objects.count(), Inspection.objects.count(), Draw.objects.count()) == (
        counts
    )
    assert list(verify_chain()) == []


def test_the_leader_has_a_task_to_approve() -> None:
    """The leader's 待办 home shows work after a demo load: a draft task whose window lies
    ahead of the load day and whose pool can supply its sample."""
    _load()
    task = SpotCheckTask.objects.get(name=workflow.PENDING_TASK_NAME)
    assert task.state == TaskState.DRAFT and task.window_start > timezone.localdate()
    assert pool_shortfall(task) == ""
    leader = User.objects.get(username="demo_leader")
    waiting = [i for i in todo_list(user=leader) if i.kind == "task_approval"]
    assert [i.title for i in waiting] == [task.name]


def test_reset_wipes_and_reloads_the_workflow() -> None:
    _load()
    first_task = SpotCheckTask.objects.get(name=workflow.TASK_NAME).pk
    _load("--reset")
    task = SpotCheckTask.objects.get(name=workflow.TASK_NAME)
    assert task.pk != first_task
    # The finished task and the draft left for the leader to approve.
    assert SpotCheckTask.objects.count() == 2
    # The window's year's plan, and this year's too when the window lay in last December.
    years = {task.window_start.year, timezone.localdate().year}
    assert set(AnnualPlan.objects.values_list("year", flat=True)) == years
    # 14 drafted records and 2 draw commitments of 金凤区, and 兴庆区's item and inspector lists.
    assert Publication.objects.count() == 18
    _check_scenario()
    assert list(verify_chain()) == []


def test_wipe_leaves_no_demo_rows_behind() -> None:
    load_demo()
    workflow.wipe_workflow()
    assert not SpotCheckTask.objects.exists()
    assert not Draw.objects.exists() and not Inspection.objects.exists()
    assert not Publication.objects.exists()
    assert not AnnualPlan.objects.exists()
    assert not SpotCheckTask.history.exists()
    # The directory itself can now be wiped: nothing PROTECTs it any more.
    wipe_demo()
    assert not Target.objects.exists()


def test_no_workflow_flag_loads_only_the_directory_and_a_later_run_adds_it() -> None:
    _load("--no-workflow")
    assert Target.objects.exists() and not SpotCheckTask.objects.exists()
    output = _load()
    assert "演示抽查任务" in output
    # 11 reviewed records plus the two draw commitments, published as they were made, and
    # 兴庆区's item and inspector lists.
    assert selectors.published().count() == 15


def test_a_users_plan_for_the_windows_year_makes_the_workflow_refuse_clearly() -> None:
    # The finished task belongs to the plan of its window's year; the demo never files it under
    # a plan someone else drew up (it would publish that plan), nor under another year's plan.
    _load("--no-workflow")
    section = User.objects.get(username="demo_section")
    year = workflow.task_window(timezone.localdate())[0].year
    mine = plan_create(actor=section, year=year, items=[], sectors=[], notes="科室自己的计划")
    with pytest.raises(CommandError, match="年度已有抽查计划"):
        _load()
    assert not SpotCheckTask.objects.exists()
    assert list(AnnualPlan.objects.all()) == [mine]
    assert Target.objects.exists()  # the directory loaded earlier is untouched


def test_reset_refuses_clearly_when_a_user_task_hangs_off_the_demo_plan() -> None:
    _load()
    demo_plan = SpotCheckTask.objects.get(name=workflow.TASK_NAME).plan
    section = User.objects.get(username="demo_section")
    task_create(
        actor=section,
        name="科室自建任务",
        mode="undirected",
        items=list(demo_plan.items.all()[:1]),  # type: ignore[union-attr]
        window_start=timezone.localdate(),
        window_end=timezone.localdate(),
        sample={"mode": "count", "values": {"*": 1}},
        plan=demo_plan,
    )
    with pytest.raises(CommandError, match="不能重置"):
        _load("--reset")
    assert SpotCheckTask.objects.filter(name=workflow.TASK_NAME).exists()  # rolled back


def test_public_proof_of_the_demo_draw_reveals_no_notes_and_no_undrawn_conflicts() -> None:
    """Issue 12: the published proof carries reason codes, not notes, and the conflicts of the
    drawn targets only; the conflict salt key is never published."""
    _load()
    draw = Draw.objects.get(task__name=workflow.TASK_NAME, state="executed")
    assert draw.proof is not None and draw.conflict_key
    published = Publication.objects.get(kind=PublicationKind.DRAW_PROOF, source_id=str(draw.pk))
    proof = published.payload["document"]
    dumped = json.dumps([p.payload for p in Publication.objects.all()], ensure_ascii=False)
    # The recusal: recorded with its note internally, published as a code.
    recused = draw.team_members.get(active=False)
    assert recused.recused_reason == workflow.RECUSAL_NOTE
    assert [r["reason"] for r in proof["recusals"]] == [recused.recused_reason_code]
    assert recused.recused_reason_code == "prior_involvement"
    assert workflow.RECUSAL_NOTE not in dumped
    # Conflicts: one entry per drawn target, nothing about the others, and no key.
    selected = [s["id"] for s in proof["result"]["selected"]]
    assert [e["target"] for e in proof["conflicts"]] == selected
    undrawn = {c["target"] for c in draw.conflict_lines} - set(selected)
    assert undrawn, "the demo should commit a conflict of a target that was not drawn"
    revealed = {e["target"] for e in proof["conflicts"]}
    assert not undrawn & revealed
    notes = set(ConflictDeclaration.objects.exclude(note="").values_list("note", flat=True))
    assert notes and not any(note in dumped for note in notes)
    assert draw.conflict_key not in dumped
    assert proof["commitment"]["conflicts"]["count"] == len(draw.conflict_lines)
    assert verify_proof(proof)[0] == []
