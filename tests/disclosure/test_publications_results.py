"""Results, penalties and draw records: per-department results, Art. 16 deadlines (including
years whose calendar is unknown), Art. 18 timing of proofs, and no unmasked personal data in
what the public selector returns."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest

from spotcheck.core.errors import ServiceError
from spotcheck.directory.models import Target
from spotcheck.disclosure import selectors
from spotcheck.disclosure.models import PublicationState
from spotcheck.disclosure.publications import (
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.disclosure.services import calendar_year_import
from spotcheck.disclosure.workdays import publication_deadline
from spotcheck.draws.snapshot import proof_document
from spotcheck.inspections.models import Inspection
from spotcheck.inspections.services_followup import penalty_decide
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_submit,
)
from spotcheck.planning import services as planning
from tests.factories import InspectorFactory
from tests.inspections.conftest import Scene, run_draw
from tests.portal.helpers import approve, publish

pytestmark = pytest.mark.django_db
S = PublicationState

ID_NO = "640106199001011234"
MOBILE = "13812345678"
SECRETS = ["张三", ID_NO, MOBILE, "168号", "3号楼", "13987654321"]


def _accepted(scene: Scene) -> Inspection:
    Target.objects.filter(pk=scene.target.pk).update(
        kind="individual",
        name="银川市金凤区张三便利店",
        legal_representative="张三",
        address="银川市金凤区北京中路168号3号楼301室",
    )
    scene.target.refresh_from_db()
    scene.item.target_kinds = ["enterprise", "individual"]
    scene.item.save()
    problem = scene.cats["pending_follow_up"]
    inspection = scene.save(
        overall_category=problem,
        item_results=[
            ItemResultInput(scene.item, problem, f"经营者张三（身份证{ID_NO}，电话{MOBILE}）未备案")
        ],
    )
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    return inspection_review(actor=scene.p.section, inspection=inspection, accept=True)


def test_result_payload_is_redacted_and_has_its_deadline(scene: Scene, today: dt.date) -> None:
    inspection = _accepted(scene)
    pub = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    target = pub.payload["target"]
    assert target["name"] == "银川市金凤区张*便利店"
    assert target["legal_representative"] == "张*"
    assert target["address"] == "银川市金凤区北京中路***"
    assert target["credit_code"] == scene.target.credit_code
    assert (
        pub.payload["items"][0]["findings"]
        == "经营者张*（身份证6****************4，电话138****5678）未备案"
    )
    assert set(pub.redactions) == {
        "person_name",
        "home_address",
        "id_number",
        "mobile_phone",
    }
    expected = publication_deadline(decided_on=today, kind="result")
    assert (pub.decided_on, pub.due_on, pub.due_uncertain) == (
        today,
        expected.date,
        expected.uncertain,
    )
    assert pub.title == "银川市金凤区张*便利店抽查检查结果"


def test_enterprise_representative_is_not_masked(scene: Scene) -> None:
    Target.objects.filter(pk=scene.target.pk).update(legal_representative="王五")
    problem = scene.cats["no_problem"]
    inspection = scene.save(item_results=[ItemResultInput(scene.item, problem)])
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    inspection = inspection_review(actor=scene.p.section, inspection=inspection, accept=True)
    pub = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    assert pub.payload["target"]["legal_representative"] == "王五"
    assert pub.redactions == []


def test_a_department_publishes_only_its_own_items(scene: Scene) -> None:
    inspection = _accepted(scene)
    # The other department has no items in this inspection: nothing of it to publish.
    with pytest.raises(ServiceError, match="没有检查事项"):
        publication_draft(actor=scene.p.other_section, kind="inspection_result", source=inspection)


def test_penalty_deadline_is_seven_working_days(scene: Scene, today: dt.date) -> None:
    inspection = _accepted(scene)
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=inspection,
        decision_no="金商罚〔2026〕7号",
        penalty_kind="fine",
        amount=Decimal("5000.00"),
        decided_on=today,
        description=f"张三（电话{MOBILE}）未备案经营",
    )
    pub = publication_draft(actor=scene.p.section, kind="penalty_decision", source=penalty)
    assert pub.due_on == publication_deadline(decided_on=today, kind="penalty").date
    assert pub.payload["facts"] == "张*（电话138****5678）未备案经营"
    assert pub.payload["amount"] == "5000.00"


def test_deadline_in_unknown_year_is_flagged_until_admin_enters_it(
    scene: Scene, settings: Any, today: dt.date
) -> None:
    # Far enough to run into a year chinese-calendar does not ship.
    settings.RESULT_PUBLICATION_WORKDAYS = 1500
    inspection = _accepted(scene)
    pub = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    deadline = publication_deadline(decided_on=today, kind="result")
    assert deadline.uncertain and pub.due_uncertain and pub.due_on == deadline.date
    rows = selectors.upcoming_and_overdue(user=scene.p.leader, today=today)
    assert [(r.publication, r.uncertain, r.overdue) for r in rows] == [(pub, True, False)]
    # Entering every unknown year's schedule makes later deadlines certain.
    for year in deadline.unknown_years:
        calendar_year_import(
            actor=scene.p.admin, year=year, holidays=[dt.date(year, 1, 1)], workdays=[]
        )
    # One current publication per record: the old draft is discarded before a new one.
    publication_withdraw(actor=scene.p.section, publication=pub, reason="按新放假安排重新起草")
    again = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    assert not again.due_uncertain


def test_upcoming_and_overdue_for_sections_and_leaders_only(scene: Scene) -> None:
    inspection = _accepted(scene)
    pub = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    assert pub.due_on is not None
    later = pub.due_on + dt.timedelta(days=1)
    (row,) = selectors.upcoming_and_overdue(user=scene.p.section, today=later)
    assert row.overdue and row.days_left == -1
    for outsider in (scene.p.other_section, scene.p.inspector, scene.p.auditor):
        assert selectors.upcoming_and_overdue(user=outsider, today=later) == []
    approve(scene, pub)
    assert selectors.upcoming_and_overdue(user=scene.p.section, today=later) == []


def test_draw_proof_only_after_window_opens_commitment_any_time(
    scene: Scene, today: dt.date
) -> None:
    future = planning.task_create(
        actor=scene.p.section,
        name="下月预付卡抽查",
        mode="undirected",
        items=[scene.item],
        window_start=today + dt.timedelta(days=5),
        window_end=today + dt.timedelta(days=15),
        sample={"mode": "count", "values": {"*": 2}},
    )
    draw = run_draw(scene.p.section, future)
    # Published by draw_commit itself, by the committing clerk, with no reviewer.
    commitment = publish(scene, "draw_commitment", draw)
    assert commitment.state == S.PUBLISHED
    assert commitment.author == scene.p.section and commitment.reviewer is None
    assert commitment.published_at == draw.committed_at
    assert commitment.payload["commitment_digest"] == draw.commitment_digest
    pub = publication_draft(actor=scene.p.section, kind="draw_proof", source=draw)
    pub = publication_submit(actor=scene.p.section, publication=pub)
    with pytest.raises(ServiceError, match="第十八条"):
        publication_review(actor=scene.section2, publication=pub, approve=True)
    proof = publish(scene, "draw_proof", scene.draw)
    assert proof.payload["document"] == proof_document(scene.draw)


def test_no_unmasked_personal_data_in_published_output(scene: Scene, today: dt.date) -> None:
    """Demo-like data: an individual business with ID, phone and home address everywhere."""
    InspectorFactory(department=scene.p.dept, name="李建国", phone="13987654321")
    inspection = _accepted(scene)
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=inspection,
        decision_no="金商罚〔2026〕8号",
        penalty_kind="warning",
        decided_on=today,
        description=f"经营者张三，身份证 {ID_NO}，联系电话 {MOBILE}",
    )
    for kind, source in [
        ("inspection_result", inspection),
        ("penalty_decision", penalty),
        ("inspector_list", scene.p.dept),
        ("item_list", scene.p.dept),
        ("task_announcement", scene.task),
        ("draw_proof", scene.draw),
        ("draw_commitment", scene.draw),  # published when the draw was committed
    ]:
        publish(scene, kind, source)
    rows = list(selectors.published())
    assert len(rows) == 7
    dumped = json.dumps(
        [{"title": r.title, "payload": r.payload} for r in rows], ensure_ascii=False
    )
    for secret in SECRETS:
        assert secret not in dumped, secret
    assert "李建国" in dumped  # inspectors are published by name on purpose
    hits = selectors.search_published(selectors.PublicFilters(q=scene.target.credit_code))
    assert {r.kind for r in hits} == {"inspection_result", "penalty_decision"}


def test_a_withheld_target_is_not_left_in_the_title(scene: Scene) -> None:
    inspection = _accepted(scene)
    pub = publication_draft(
        actor=scene.p.section,
        kind="inspection_result",
        source=inspection,
        restriction_reason="涉及个人隐私",
        withheld_fields=["target"],
    )
    assert "target" not in pub.payload
    assert "便利店" not in pub.title and "张" not in pub.title
    assert "便利店" not in pub.search_text


def test_the_service_refuses_unfinished_sources_and_second_drafts(
    scene: Scene, today: dt.date
) -> None:
    # Checked in the service, not only on the pages: commands and any other caller too.
    problem = scene.cats["no_problem"]
    pending = scene.save(item_results=[ItemResultInput(scene.item, problem)])
    with pytest.raises(ServiceError, match="审核通过后才能公示"):
        publication_draft(actor=scene.p.section, kind="inspection_result", source=pending)
    plan = planning.plan_create(
        actor=scene.p.section, year=today.year, items=[scene.item], sectors=[], notes=""
    )
    with pytest.raises(ServiceError, match="批准后才能公示"):
        publication_draft(actor=scene.p.section, kind="annual_plan", source=plan)
    first = publication_draft(actor=scene.p.section, kind="item_list", source=scene.p.dept)
    with pytest.raises(ServiceError, match="已有公示"):
        publication_draft(actor=scene.p.section, kind="item_list", source=scene.p.dept)
    publication_withdraw(actor=scene.p.section, publication=first, reason="起草有误")
    again = publication_draft(actor=scene.p.section, kind="item_list", source=scene.p.dept)
    assert again.state == S.DRAFT and again.pk != first.pk


def test_discarding_a_correction_draft_frees_the_version_for_a_new_correction(
    scene: Scene,
) -> None:
    first = publish(scene, "item_list", scene.p.dept)
    wrong = publication_correct(actor=scene.p.section, publication=first, note="更正事项名称")
    publication_withdraw(actor=scene.p.section, publication=wrong, reason="更正稿有误")
    wrong.refresh_from_db()
    assert wrong.supersedes is None and wrong.state == S.WITHDRAWN
    right = publication_correct(actor=scene.p.section, publication=first, note="更正事项名称")
    assert right.supersedes == first and right.version == 2


def test_a_decision_nobody_drafted_is_due_all_the_same(scene: Scene, client: Any) -> None:
    # Art. 16 counts from the decision: an accepted result with no draft must not be forgotten.
    from spotcheck.disclosure.selectors_staff import due_context, undrafted_decisions

    inspection = _accepted(scene)
    (row,) = undrafted_decisions(user=scene.p.section)
    assert (row.kind, row.source_pk, row.department) == (
        "inspection_result",
        inspection.pk,
        scene.p.dept,
    )
    assert row.due_on == publication_deadline(decided_on=row.decided_on, kind="result").date
    assert undrafted_decisions(user=scene.p.other_section) == []
    assert [r.source_pk for r in undrafted_decisions(user=scene.p.leader)] == [inspection.pk]
    for outsider in (scene.p.inspector, scene.p.auditor, scene.p.admin):
        assert undrafted_decisions(user=outsider) == []
    client.force_login(scene.p.section)
    page = client.get("/reports/").content.decode()
    assert f'data-undrafted="inspection_result-{inspection.pk}"' in page
    assert f"/disclosure/publications/new/inspection_result/{inspection.pk}/" in page
    # Once drafted, the draft carries the deadline instead (one row, not two).
    pub = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    assert undrafted_decisions(user=scene.p.section) == []
    assert [r.publication for r in due_context(scene.p.section)["due"]] == [pub]
    # A discarded draft puts the decision back on the list.
    publication_withdraw(actor=scene.p.section, publication=pub, reason="起草有误")
    assert [r.source_pk for r in undrafted_decisions(user=scene.p.section)] == [inspection.pk]
    # Published: nothing is due any more, nor after a later withdrawal (the deadline was met).
    public = publish(scene, "inspection_result", inspection)
    assert due_context(scene.p.section)["due"] == []
    publication_withdraw(actor=scene.p.section, publication=public, reason="处罚决定已撤销")
    assert due_context(scene.p.section)["due"] == []


def test_a_penalty_in_effect_without_a_draft_is_due_in_seven_working_days(
    scene: Scene, today: dt.date
) -> None:
    from spotcheck.disclosure.selectors_staff import undrafted_decisions

    inspection = _accepted(scene)
    publish(scene, "inspection_result", inspection)
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=inspection,
        decision_no="金商罚〔2026〕9号",
        penalty_kind="warning",
        amount=None,
        decided_on=today,
        description="未备案",
    )
    deadline = publication_deadline(decided_on=today, kind="penalty").date
    after = deadline + dt.timedelta(days=1)
    (row,) = undrafted_decisions(user=scene.p.section, today=after)
    assert (row.kind, row.source_pk) == ("penalty_decision", penalty.pk)
    assert row.due_on == deadline and row.overdue and row.days_left == -1
