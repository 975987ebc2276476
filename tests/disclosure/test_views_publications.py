"""Staff pages of publications: draft from a source, submit, review (never by the author),
correct, withdraw; Art. 17 restriction input; deadlines with the unknown-calendar warning;
wrong roles and bad input answered in Chinese, never a 500 or half-written data."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.disclosure.publications import (
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.inspections.models import Inspection
from spotcheck.inspections.services_inspection import inspection_review, inspection_submit
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db
S = PublicationState


def drafted() -> QuerySet[Publication]:
    """The publications the test drafted: committing the scene's draw already published its
    commitment (no draft, no review), which these tests leave alone."""
    return Publication.objects.exclude(kind=PublicationKind.DRAW_COMMITMENT)


def _accepted(scene: Scene) -> Inspection:
    inspection = scene.save()
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    return inspection_review(actor=scene.p.section, inspection=inspection, accept=True)


def _new_url(kind: str, pk: int) -> str:
    return reverse("disclosure:publication_new", args=[kind, pk])


def _detail(pub: Publication) -> str:
    return reverse("disclosure:publication_detail", args=[pub.pk])


def _draft(scene: Scene) -> Publication:
    return publication_draft(
        actor=scene.p.section, kind="inspection_result", source=_accepted(scene)
    )


def _published(scene: Scene) -> Publication:
    pub = publication_submit(actor=scene.p.section, publication=_draft(scene))
    return publication_review(actor=scene.section2, publication=pub, approve=True)


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


# --- draft -----------------------------------------------------------------------------------


def test_section_drafts_a_result_from_an_accepted_inspection(client: Client, scene: Scene) -> None:
    inspection = _accepted(scene)
    _login(client, scene.p.section)
    page = client.get(_new_url("inspection_result", inspection.pk))
    assert page.status_code == 200
    assert scene.target.credit_code in page.content.decode()
    response = client.post(_new_url("inspection_result", inspection.pk), {})
    pub = drafted().get()
    assert response.status_code == 302 and response["Location"] == _detail(pub)
    assert (pub.state, pub.author, pub.department) == (S.DRAFT, scene.p.section, scene.p.dept)
    detail = client.get(_detail(pub)).content.decode()
    assert "提交审核" in detail and pub.title in detail
    assert f"{pub.due_on:%Y-%m-%d}" in detail


def test_the_record_page_offers_publishing_to_its_department(client: Client, scene: Scene) -> None:
    inspection = _accepted(scene)
    url = reverse("inspections:record", args=[scene.draw.pk, scene.target.pk])
    page = _login(client, scene.p.section).get(url).content.decode()
    assert _new_url("inspection_result", inspection.pk) in page
    # A partner department with no items in the inspection has nothing to publish of it.
    client.force_login(scene.p.leader)
    assert _new_url("inspection_result", inspection.pk) not in client.get(url).content.decode()


def test_restriction_without_reason_is_refused_and_nothing_is_written(
    client: Client, scene: Scene
) -> None:
    inspection = _accepted(scene)
    url = _new_url("inspection_result", inspection.pk)
    response = _login(client, scene.p.section).post(url, {"withheld_fields": ["inspected_on"]})
    assert response.status_code == 200
    assert "须说明限制公开的理由" in response.content.decode()
    later = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    response = client.post(url, {"delayed_until": later})
    assert "须说明限制公开的理由" in response.content.decode()
    assert not drafted().exists()


def test_restricted_draft_keeps_reason_withheld_fields_and_delay(
    client: Client, scene: Scene
) -> None:
    inspection = _accepted(scene)
    later = timezone.localdate() + dt.timedelta(days=5)
    _login(client, scene.p.section).post(
        _new_url("inspection_result", inspection.pk),
        {
            "restriction_reason": "涉及商业秘密",
            "withheld_fields": ["inspected_on"],
            "delayed_until": later.isoformat(),
        },
    )
    pub = drafted().get()
    assert pub.restricted and pub.withheld_fields == ["inspected_on"]
    assert pub.delayed_until == later and "inspected_on" not in pub.payload
    detail = client.get(_detail(pub)).content.decode()
    assert "涉及商业秘密" in detail and "检查日期" in detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # An int is a day relative to today: today itself and yesterday are not "later".
        ({"restriction_reason": "x", "delayed_until": 0}, "暂缓公开的日期须晚于今天"),
        ({"restriction_reason": "x", "delayed_until": -1}, "暂缓公开的日期须晚于今天"),
        ({"restriction_reason": "x", "delayed_until": "明天"}, "请输入有效日期"),
        ({"restriction_reason": "x", "withheld_fields": ["salary"]}, "公示内容中没有字段"),
    ],
)
def test_bad_restriction_input_is_explained(
    client: Client, scene: Scene, data: dict[str, Any], message: str, today: dt.date
) -> None:
    if isinstance(data.get("delayed_until"), int):
        data = {
            **data,
            "delayed_until": (today + dt.timedelta(days=data["delayed_until"])).isoformat(),
        }
    inspection = _accepted(scene)
    url = _new_url("inspection_result", inspection.pk)
    response = _login(client, scene.p.section).post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not drafted().exists()


def test_a_result_not_yet_accepted_cannot_be_drafted(client: Client, scene: Scene) -> None:
    inspection = inspection_submit(actor=scene.p.inspector, inspection=scene.save())
    url = _new_url("inspection_result", inspection.pk)
    page = _login(client, scene.p.section).get(url)
    assert "检查结果审核通过后才能公示" in page.content.decode()
    client.post(url, {})
    assert not drafted().exists()


@pytest.mark.parametrize("who", ["other_section", "leader", "inspector", "auditor", "admin"])
def test_only_the_departments_section_drafts(client: Client, scene: Scene, who: str) -> None:
    inspection = _accepted(scene)
    url = _new_url("inspection_result", inspection.pk)
    _login(client, getattr(scene.p, who))
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert not drafted().exists()


def test_unknown_kind_or_source_is_a_404(client: Client, scene: Scene) -> None:
    _login(client, scene.p.section)
    assert client.get(_new_url("gossip", scene.p.dept.pk)).status_code == 404
    assert client.get(_new_url("inspection_result", 999999)).status_code == 404


def test_item_list_is_drafted_from_the_item_page(client: Client, scene: Scene) -> None:
    _login(client, scene.p.section)
    page = client.get(reverse("directory:item_list")).content.decode()
    assert _new_url("item_list", scene.p.dept.pk) in page
    client.post(_new_url("item_list", scene.p.dept.pk), {})
    pub = drafted().get()
    assert pub.kind == "item_list" and pub.payload["items"][0]["name"] == scene.item.name
    assert pub.title in client.get(reverse("directory:item_list")).content.decode()


# --- submit and review -----------------------------------------------------------------------


def test_submit_then_a_second_clerk_approves(client: Client, scene: Scene) -> None:
    pub = _draft(scene)
    _login(client, scene.p.section)
    response = client.post(reverse("disclosure:publication_submit", args=[pub.pk]))
    assert response.status_code == 302
    pub.refresh_from_db()
    assert pub.state == S.SUBMITTED
    # The author sees why there is no review form.
    detail = client.get(_detail(pub)).content.decode()
    assert "不能审核自己起草的公示" in detail and 'id="review-form"' not in detail
    client.force_login(scene.section2)
    assert 'id="review-form"' in client.get(_detail(pub)).content.decode()
    response = client.post(
        reverse("disclosure:publication_review", args=[pub.pk]),
        {"decision": "approve", "comment": "已审查，无涉密内容"},
    )
    assert response.status_code == 302
    pub.refresh_from_db()
    assert (pub.state, pub.reviewer) == (S.PUBLISHED, scene.section2)


def test_the_author_cannot_review(client: Client, scene: Scene) -> None:
    pub = publication_submit(actor=scene.p.section, publication=_draft(scene))
    response = _login(client, scene.p.section).post(
        reverse("disclosure:publication_review", args=[pub.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert "不能审核自己起草的公示" in response.content.decode()
    pub.refresh_from_db()
    assert pub.state == S.SUBMITTED


@pytest.mark.parametrize("who", ["other_section", "inspector", "auditor", "admin"])
def test_wrong_roles_cannot_review(client: Client, scene: Scene, who: str) -> None:
    pub = publication_submit(actor=scene.p.section, publication=_draft(scene))
    response = _login(client, getattr(scene.p, who)).post(
        reverse("disclosure:publication_review", args=[pub.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    pub.refresh_from_db()
    assert pub.state == S.SUBMITTED


def test_returning_needs_a_comment_and_the_leader_may_return(client: Client, scene: Scene) -> None:
    pub = publication_submit(actor=scene.p.section, publication=_draft(scene))
    url = reverse("disclosure:publication_review", args=[pub.pk])
    _login(client, scene.p.leader)
    response = client.post(url, {"decision": "return", "comment": "  "})
    assert response.status_code == 200 and "退回公示须填写审核意见" in response.content.decode()
    response = client.post(url, {"decision": "maybe"})
    assert "审核结论只能是" in response.content.decode()
    pub.refresh_from_db()
    assert pub.state == S.SUBMITTED
    client.post(url, {"decision": "return", "comment": "名称有误"})
    pub.refresh_from_db()
    assert (pub.state, pub.review_comment) == (S.RETURNED, "名称有误")
    # Back with the author: resubmit.
    client.force_login(scene.p.section)
    assert "名称有误" in client.get(_detail(pub)).content.decode()
    client.post(reverse("disclosure:publication_submit", args=[pub.pk]))
    pub.refresh_from_db()
    assert pub.state == S.SUBMITTED


def test_a_wrong_state_is_a_message_not_a_500(client: Client, scene: Scene) -> None:
    pub = _published(scene)
    _login(client, scene.p.section)
    response = client.post(reverse("disclosure:publication_submit", args=[pub.pk]), follow=True)
    assert "的公示不能提交" in response.content.decode()
    client.force_login(scene.p.leader)
    response = client.post(
        reverse("disclosure:publication_review", args=[pub.pk]), {"decision": "approve"}
    )
    assert response.status_code == 200 and "只有待审核的公示可以审核" in response.content.decode()
    pub.refresh_from_db()
    assert pub.state == S.PUBLISHED


# --- correct and withdraw --------------------------------------------------------------------


def test_correction_makes_v2_and_the_history_shows_both(client: Client, scene: Scene) -> None:
    pub = _published(scene)
    url = reverse("disclosure:publication_correct", args=[pub.pk])
    _login(client, scene.p.section)
    assert client.get(url).status_code == 200
    response = client.post(url, {"note": " "})
    assert response.status_code == 200 and "请填写更正原因" in response.content.decode()
    assert drafted().count() == 1
    response = client.post(url, {"note": "检查日期录入错误"})
    v2 = Publication.objects.get(supersedes=pub)
    assert response["Location"] == _detail(v2) and (v2.version, v2.state) == (2, S.DRAFT)
    client.post(reverse("disclosure:publication_submit", args=[v2.pk]))
    client.force_login(scene.section2)
    client.post(reverse("disclosure:publication_review", args=[v2.pk]), {"decision": "approve"})
    pub.refresh_from_db()
    v2.refresh_from_db()
    assert (pub.state, v2.state) == (S.CORRECTED, S.PUBLISHED)
    history = client.get(_detail(v2)).content.decode()
    assert 'data-version="1"' in history and 'data-version="2"' in history
    assert "检查日期录入错误" in history
    # A second correction of the superseded version is refused, with the reason.
    client.force_login(scene.p.section)
    response = client.get(url, follow=True)
    assert "只有已公示的记录可以更正" in response.content.decode()


def test_correction_of_a_draft_is_refused(client: Client, scene: Scene) -> None:
    pub = _draft(scene)
    response = _login(client, scene.p.section).post(
        reverse("disclosure:publication_correct", args=[pub.pk]), {"note": "x"}, follow=True
    )
    assert "只有已公示的记录可以更正" in response.content.decode()
    assert drafted().count() == 1


@pytest.mark.parametrize("who", ["other_section", "leader", "auditor"])
def test_wrong_roles_cannot_correct(client: Client, scene: Scene, who: str) -> None:
    pub = _published(scene)
    url = reverse("disclosure:publication_correct", args=[pub.pk])
    _login(client, getattr(scene.p, who))
    assert client.post(url, {"note": "x"}).status_code == 403
    assert drafted().count() == 1


def test_withdraw_needs_a_reason(client: Client, scene: Scene) -> None:
    pub = _published(scene)
    url = reverse("disclosure:publication_withdraw", args=[pub.pk])
    _login(client, scene.p.leader)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "请填写撤回理由" in response.content.decode()
    pub.refresh_from_db()
    assert pub.state == S.PUBLISHED
    client.post(url, {"reason": "处罚决定已被撤销"})
    pub.refresh_from_db()
    assert (pub.state, pub.withdrawal_reason, pub.withdrawn_by) == (
        S.WITHDRAWN,
        "处罚决定已被撤销",
        scene.p.leader,
    )
    assert "处罚决定已被撤销" in client.get(_detail(pub)).content.decode()


def test_a_mistaken_draft_is_discarded_and_the_source_can_be_drafted_again(
    client: Client, scene: Scene
) -> None:
    pub = _draft(scene)
    page = _login(client, scene.p.section).get(_detail(pub)).content.decode()
    assert "放弃草稿" in page and "撤回公示" not in page
    client.post(reverse("disclosure:publication_withdraw", args=[pub.pk]), {"reason": "选错了记录"})
    pub.refresh_from_db()
    assert pub.state == S.WITHDRAWN and pub.published_at is None
    again = publication_draft(
        actor=scene.p.section,
        kind=pub.kind,
        source=pub.source_type.get_object_for_this_type(pk=pub.source_id),
    )
    assert again.version == 1


@pytest.mark.parametrize("who", ["other_section", "inspector", "auditor", "admin"])
def test_wrong_roles_cannot_withdraw(client: Client, scene: Scene, who: str) -> None:
    pub = _published(scene)
    url = reverse("disclosure:publication_withdraw", args=[pub.pk])
    assert _login(client, getattr(scene.p, who)).post(url, {"reason": "x"}).status_code == 403
    pub.refresh_from_db()
    assert pub.state == S.PUBLISHED


def test_the_draw_commitment_is_neither_corrected_nor_withdrawn(
    client: Client, scene: Scene
) -> None:
    commitment = draw_publication(PublicationKind.DRAW_COMMITMENT, scene.draw)
    assert commitment is not None and commitment.state == S.PUBLISHED
    assert commitment.author == scene.p.section and commitment.reviewer is None
    page = _login(client, scene.p.section).get(_detail(commitment)).content.decode()
    assert "撤回公示" not in page
    withdraw = reverse("disclosure:publication_withdraw", args=[commitment.pk])
    correct = reverse("disclosure:publication_correct", args=[commitment.pk])
    # Nobody may withdraw it, not even the department's clerks and leaders.
    for who in ("section", "leader"):
        _login(client, getattr(scene.p, who))
        response = client.post(withdraw, {"reason": "想重新抽取"})
        assert response.status_code == 403
        assert "申请作废本次抽取" in response.content.decode()
    # The clerk who may correct other records is told why this one cannot be.
    _login(client, scene.p.section)
    response = client.post(correct, {"note": "承诺有误"}, follow=True)
    assert response.status_code == 200
    assert "抽取承诺公示后不能撤回或更正" in response.content.decode()
    commitment.refresh_from_db()
    assert commitment.state == S.PUBLISHED and commitment.withdrawn_at is None
    assert not Publication.objects.filter(supersedes=commitment).exists()


# --- list, detail, deadlines -----------------------------------------------------------------


def test_list_is_scoped_to_the_users_departments(client: Client, scene: Scene) -> None:
    pub = _draft(scene)
    url = reverse("disclosure:publication_list")
    assert pub.title in _login(client, scene.p.section).get(url).content.decode()
    assert pub.title in _login(client, scene.p.auditor).get(url).content.decode()
    assert pub.title not in _login(client, scene.p.other_section).get(url).content.decode()
    assert client.get(_detail(pub)).status_code == 403
    for who in ("inspector", "admin", "legal_reviewer"):
        client.force_login(getattr(scene.p, who))
        assert client.get(url).status_code == 403
        assert client.get(_detail(pub)).status_code == 403


def test_list_filters_and_bad_filters(client: Client, scene: Scene) -> None:
    pub = _draft(scene)
    url = reverse("disclosure:publication_list")
    row = f'data-publication="{pub.pk}"'
    _login(client, scene.p.section)
    assert row in client.get(url, {"state": "draft"}).content.decode()
    assert row not in client.get(url, {"state": "published"}).content.decode()
    assert row not in client.get(url, {"kind": "penalty_decision"}).content.decode()
    assert row in client.get(url, {"department": scene.p.dept.pk}).content.decode()
    response = client.get(url, {"state": "bogus", "kind": "x", "department": "abc", "page": "z"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "未知的状态" in body and "未知的公示类型" in body


def test_auditor_reads_but_has_no_actions(client: Client, scene: Scene) -> None:
    pub = publication_submit(actor=scene.p.section, publication=_draft(scene))
    body = _login(client, scene.p.auditor).get(_detail(pub)).content.decode()
    assert pub.title in body and 'id="review-form"' not in body and "提交审核" not in body
    assert "起草公示" in body  # the audit trail lists the drafted event


def test_unknown_calendar_year_warning_on_detail_list_and_dashboard(
    client: Client, scene: Scene, settings: Any
) -> None:
    settings.RESULT_PUBLICATION_WORKDAYS = 1500
    pub = _draft(scene)
    assert pub.due_uncertain
    _login(client, scene.p.section)
    assert 'id="uncertain-deadline"' in client.get(_detail(pub)).content.decode()
    for name in ("disclosure:publication_list", "reports:dashboard"):
        body = client.get(reverse(name)).content.decode()
        assert "放假安排未知" in body and pub.title in body


def test_overdue_is_highlighted_for_sections_and_leaders(client: Client, scene: Scene) -> None:
    pub = _draft(scene)
    Publication.objects.filter(pk=pub.pk).update(
        due_on=timezone.localdate() - dt.timedelta(days=3), due_uncertain=False
    )
    for user in (scene.p.section, scene.p.leader):
        client.force_login(user)
        body = client.get(reverse("reports:dashboard")).content.decode()
        assert "已逾期 3 天" in body and 'class="overdue"' in body
    assert 'id="overdue"' in client.get(_detail(pub)).content.decode()
    # Oversight without a department of its own has no deadlines to meet.
    client.force_login(scene.p.auditor)
    assert "已逾期" not in client.get(reverse("reports:dashboard")).content.decode()


def test_nav_link_for_roles_that_use_it(client: Client, scene: Scene) -> None:
    for who, shown in (("section", True), ("leader", True), ("auditor", True), ("admin", False)):
        client.force_login(getattr(scene.p, who))
        body = client.get(reverse("core:home")).content.decode()
        assert ('id="nav-publications"' in body) is shown, who


def test_a_record_is_not_drafted_twice(client: Client, scene: Scene) -> None:
    pub = _draft(scene)
    record = reverse("inspections:record", args=[scene.draw.pk, scene.target.pk])
    new = _new_url("inspection_result", int(pub.source_id))
    _login(client, scene.p.section)
    page = client.get(record).content.decode()
    assert pub.title in page and new not in page
    response = client.post(new, {})
    assert "该记录已有公示" in response.content.decode()
    assert drafted().count() == 1
    # Once withdrawn, the record may be published afresh.
    pub = publication_review(
        actor=scene.section2,
        publication=publication_submit(actor=scene.p.section, publication=pub),
        approve=True,
    )
    client.post(reverse("disclosure:publication_withdraw", args=[pub.pk]), {"reason": "重发"})
    assert new in client.get(record).content.decode()


def test_entry_points_on_the_source_pages(client: Client, scene: Scene) -> None:
    from spotcheck.inspections.services_followup import penalty_decide
    from spotcheck.planning import services as planning

    today = timezone.localdate()
    _login(client, scene.p.section)
    plan = planning.plan_create(
        actor=scene.p.section, year=today.year + 1, items=[scene.item], sectors=[]
    )
    url = reverse("planning:plan_detail", args=[plan.pk])
    page = client.get(url).content.decode()
    assert "年度抽查工作计划批准后才能公示" in page
    assert _new_url("annual_plan", plan.pk) not in page
    planning.plan_approve(actor=scene.p.leader, plan=plan)
    assert _new_url("annual_plan", plan.pk) in client.get(url).content.decode()
    page = client.get(reverse("planning:task_detail", args=[scene.task.pk])).content.decode()
    assert _new_url("task_announcement", scene.task.pk) in page
    page = client.get(reverse("draws:draw_detail", args=[scene.draw.pk])).content.decode()
    # The commitment went public when the draw was committed: the box links to it and offers
    # no draft; the proof is drafted by hand.
    commitment = draw_publication(PublicationKind.DRAW_COMMITMENT, scene.draw)
    assert commitment is not None and commitment.state == S.PUBLISHED
    assert _detail(commitment) in page
    assert _new_url("draw_commitment", scene.draw.pk) not in page
    assert _new_url("draw_proof", scene.draw.pk) in page
    page = client.get(reverse("directory:inspector_list")).content.decode()
    assert _new_url("inspector_list", scene.p.dept.pk) in page
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=_accepted(scene),
        decision_no="金商罚〔2026〕9号",
        penalty_kind="warning",
        decided_on=today,
    )
    record = reverse("inspections:record", args=[scene.draw.pk, scene.target.pk])
    assert _new_url("penalty_decision", penalty.pk) in client.get(record).content.decode()
    # The leader sees the same boxes but drafts nothing; the inspector sees no box at all.
    client.force_login(scene.p.leader)
    assert _new_url("penalty_decision", penalty.pk) not in client.get(record).content.decode()
    client.force_login(scene.p.inspector)
    assert "publication-box" not in client.get(record).content.decode()


def test_the_list_does_not_query_per_row(client: Client, scene: Scene) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("disclosure:publication_list")
    _login(client, scene.p.section)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    pub = publication_draft(actor=scene.p.section, kind="item_list", source=scene.p.dept)
    count()  # the first request fills per-process caches (e.g. whether there are bureaus)
    one = count()
    for _ in range(4):
        publication_withdraw(actor=scene.p.section, publication=pub, reason="重新起草")
        pub = publication_draft(actor=scene.p.section, kind="item_list", source=scene.p.dept)
    assert count() == one


def test_the_correction_form_starts_from_the_current_restriction(
    client: Client, scene: Scene
) -> None:
    later = timezone.localdate() + dt.timedelta(days=5)
    pub = publication_draft(
        actor=scene.p.section,
        kind="inspection_result",
        source=_accepted(scene),
        restriction_reason="涉及个人隐私",
        withheld_fields=["inspected_on"],
        delayed_until=later,
    )
    pub = publication_submit(actor=scene.p.section, publication=pub)
    pub = publication_review(actor=scene.section2, publication=pub, approve=True)
    assert pub.state == S.SCHEDULED
    url = reverse("disclosure:publication_correct", args=[pub.pk])
    page = _login(client, scene.p.section).get(url).content.decode()
    assert "涉及个人隐私" in page and later.isoformat() in page
    assert re.search(r'value="inspected_on"[^>]*checked', page)
