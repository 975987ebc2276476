"""Review by the lead section, follow-ups on accepted results and legal review, through the pages:
the happy path of each, and every wrong role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.credit.models import CreditRecord
from spotcheck.inspections.models import (
    FollowUp,
    FollowUpState,
    Inspection,
    InspectionState,
)
from spotcheck.inspections.services_inspection import inspection_review, inspection_submit
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db


def _submitted(scene: Scene) -> Inspection:
    inspection = scene.save(actor=scene.p.inspector)
    return inspection_submit(actor=scene.p.inspector, inspection=inspection)


def _accepted(scene: Scene) -> Inspection:
    return inspection_review(actor=scene.p.section, inspection=_submitted(scene), accept=True)


def _penalty_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "decision_no": "金商合罚〔2026〕7号",
        "penalty_kind": "fine",
        "amount": "200000",
        "decided_on": timezone.localdate().isoformat(),
        "major": "on",
        "description": "未按规定存管预收资金",
    }
    data.update(overrides)
    return data


def test_review_queue_and_accept(client: Client, scene: Scene) -> None:
    inspection = _submitted(scene)
    client.force_login(scene.p.section)
    queue = client.get(reverse("inspections:review_queue")).content.decode()
    assert scene.target.name in queue
    url = reverse("inspections:review", args=[inspection.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"decision": "accept", "comment": ""})
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.ACCEPTED
    assert CreditRecord.objects.filter(target=scene.target, source="inspection").exists()
    queue = client.get(reverse("inspections:review_queue")).content.decode()
    assert f'data-target="{scene.target.credit_code}"' not in queue


def test_return_needs_a_comment(client: Client, scene: Scene) -> None:
    inspection = _submitted(scene)
    client.force_login(scene.p.section)
    url = reverse("inspections:review", args=[inspection.pk])
    response = client.post(url, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "退回时请填写审核意见" in response.content.decode()
    client.post(url, {"decision": "return", "comment": "请补充存管账户信息"})
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RETURNED
    # Returned: the team can edit again.
    client.force_login(scene.p.inspector)
    page = client.get(reverse("inspections:record", args=[scene.draw.pk, scene.target.pk]))
    assert 'id="record-form"' in page.content.decode()
    assert "请补充存管账户信息" in page.content.decode()


def test_submitter_cannot_review_own(client: Client, scene: Scene) -> None:
    inspection = scene.save()
    inspection = inspection_submit(actor=scene.p.section, inspection=inspection)
    client.force_login(scene.p.section)
    url = reverse("inspections:review", args=[inspection.pk])
    assert 'id="own-note"' in client.get(url).content.decode()
    assert client.post(url, {"decision": "accept"}).status_code == 403
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED


@pytest.mark.parametrize(
    "who", ["inspector", "other_section", "leader", "auditor", "legal_reviewer", "admin"]
)
def test_only_the_lead_section_reviews(client: Client, scene: Scene, who: str) -> None:
    inspection = _submitted(scene)
    client.force_login(getattr(scene.p, who))
    url = reverse("inspections:review", args=[inspection.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "accept"}).status_code == 403
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED


def test_review_queue_is_for_sections(client: Client, scene: Scene) -> None:
    _submitted(scene)
    client.force_login(scene.p.other_section)
    content = client.get(reverse("inspections:review_queue")).content.decode()
    assert scene.target.name not in content  # not its department's task
    for who in ("inspector", "leader", "auditor", "legal_reviewer", "admin"):
        client.force_login(getattr(scene.p, who))
        assert client.get(reverse("inspections:review_queue")).status_code == 403


def test_follow_ups_through_the_record_page(client: Client, scene: Scene) -> None:
    inspection = _accepted(scene)
    client.force_login(scene.p.section)
    record = reverse("inspections:record", args=[scene.draw.pk, scene.target.pk])
    assert 'id="penalty-form"' in client.get(record).content.decode()
    response = client.post(
        reverse("inspections:rectification_add", args=[inspection.pk]),
        {"order_text": "限期存管预收资金", "due_on": scene.today.isoformat()},
    )
    assert response.status_code == 302
    order = FollowUp.objects.get(kind="rectification")
    response = client.post(
        reverse("inspections:rectification_verify", args=[order.pk]),
        {"rectified": "yes", "note": "已存管"},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == FollowUpState.VERIFIED and order.rectified is True
    response = client.post(
        reverse("inspections:transfer_add", args=[inspection.pk]),
        {
            "transfer_to": "judicial",
            "receiving_body": "金凤区公安分局",
            "transferred_on": scene.today.isoformat(),
            "description": "涉嫌非法集资",
        },
    )
    assert response.status_code == 302
    response = client.post(
        reverse("inspections:penalty_add", args=[inspection.pk]),
        _penalty_data(major="", penalty_kind="warning", amount=""),
    )
    assert response.status_code == 302
    content = client.get(record).content.decode()
    for text in ("责令改正", "整改到位", "金凤区公安分局", "金商合罚〔2026〕7号", "已生效"):
        assert text in content


def test_follow_up_refusals_are_messages(client: Client, scene: Scene) -> None:
    inspection = _accepted(scene)
    client.force_login(scene.p.section)
    url = reverse("inspections:penalty_add", args=[inspection.pk])
    response = client.post(url, _penalty_data(amount=""))
    assert response.status_code == 200 and "罚款须填写金额" in response.content.decode()
    before_any_inspection = "2000-01-01"  # fixed-date: decades before the scene's inspection
    response = client.post(url, _penalty_data(decided_on=before_any_inspection))
    assert response.status_code == 200 and "不能早于检查日期" in response.content.decode()
    response = client.post(url, _penalty_data(amount="-5"))
    assert response.status_code == 200
    assert not FollowUp.objects.exists()


def test_no_follow_up_before_acceptance(client: Client, scene: Scene) -> None:
    inspection = _submitted(scene)
    client.force_login(scene.p.section)
    response = client.post(
        reverse("inspections:penalty_add", args=[inspection.pk]), _penalty_data()
    )
    assert response.status_code == 200 and "审核通过后才能登记后续处置" in response.content.decode()


@pytest.mark.parametrize(
    "who", ["inspector", "other_section", "leader", "auditor", "legal_reviewer", "admin"]
)
def test_wrong_roles_cannot_add_follow_ups(client: Client, scene: Scene, who: str) -> None:
    inspection = _accepted(scene)
    client.force_login(getattr(scene.p, who))
    for name in ("rectification_add", "penalty_add", "transfer_add"):
        url = reverse(f"inspections:{name}", args=[inspection.pk])
        assert client.post(url, _penalty_data()).status_code == 403, name
    assert not FollowUp.objects.exists()


def test_major_penalty_legal_review_return_resubmit_approve(client: Client, scene: Scene) -> None:
    inspection = _accepted(scene)
    client.force_login(scene.p.section)
    client.post(reverse("inspections:penalty_add", args=[inspection.pk]), _penalty_data())
    penalty = FollowUp.objects.get(kind="penalty")
    assert penalty.state == FollowUpState.PENDING_LEGAL_REVIEW
    # The section cannot open the legal reviewers' pages.
    assert client.get(reverse("inspections:legal_queue")).status_code == 403
    review_url = reverse("inspections:legal_review", args=[penalty.pk])
    assert client.post(review_url, {"decision": "approve"}).status_code == 403

    client.force_login(scene.p.legal_reviewer)
    assert "金商合罚〔2026〕7号" in client.get(reverse("inspections:legal_queue")).content.decode()
    page = client.get(review_url).content.decode()
    assert scene.target.name in page and "未按规定存管预收资金" in page
    # The legal reviewer may read the record behind the decision now.
    record = reverse("inspections:record", args=[scene.draw.pk, scene.target.pk])
    assert client.get(record).status_code == 200
    response = client.post(review_url, {"decision": "return", "comment": ""})
    assert response.status_code == 200 and "退回时请填写审核意见" in response.content.decode()
    client.post(review_url, {"decision": "return", "comment": "罚款金额依据不足"})
    penalty.refresh_from_db()
    assert penalty.state == FollowUpState.RETURNED

    client.force_login(scene.p.section)
    assert "罚款金额依据不足" in client.get(record).content.decode()
    resubmit = reverse("inspections:penalty_resubmit", args=[penalty.pk])
    response = client.post(resubmit, _penalty_data(amount="100000"))
    assert response.status_code == 302
    penalty.refresh_from_db()
    assert penalty.state == FollowUpState.PENDING_LEGAL_REVIEW

    client.force_login(scene.p.legal_reviewer)
    client.post(review_url, {"decision": "approve", "comment": "事实清楚，依据充分"})
    penalty.refresh_from_db()
    assert penalty.state == FollowUpState.EFFECTIVE
    assert CreditRecord.objects.filter(target=scene.target, source="penalty").exists()
    # Already decided: no form, and a second POST is a message, not a 500.
    assert 'id="legal-form"' not in client.get(review_url).content.decode()
    assert client.post(review_url, {"decision": "approve"}).status_code == 200

    client.force_login(scene.p.section)
    target_page = client.get(reverse("directory:target_detail", args=[scene.target.pk]))
    assert "金商合罚〔2026〕7号" in target_page.content.decode()


@pytest.mark.parametrize(
    "who", ["inspector", "section", "other_section", "leader", "auditor", "admin"]
)
def test_legal_pages_only_for_legal_reviewers(client: Client, scene: Scene, who: str) -> None:
    inspection = _accepted(scene)
    client.force_login(scene.p.section)
    client.post(reverse("inspections:penalty_add", args=[inspection.pk]), _penalty_data())
    penalty = FollowUp.objects.get()
    client.force_login(getattr(scene.p, who))
    assert client.get(reverse("inspections:legal_queue")).status_code == 403
    url = reverse("inspections:legal_review", args=[penalty.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "approve"}).status_code == 403
    penalty.refresh_from_db()
    assert penalty.state == FollowUpState.PENDING_LEGAL_REVIEW


def test_resubmit_only_by_the_deciding_department(client: Client, scene: Scene) -> None:
    inspection = _accepted(scene)
    client.force_login(scene.p.section)
    client.post(reverse("inspections:penalty_add", args=[inspection.pk]), _penalty_data())
    penalty = FollowUp.objects.get()
    client.force_login(scene.p.legal_reviewer)
    client.post(
        reverse("inspections:legal_review", args=[penalty.pk]),
        {"decision": "return", "comment": "补充证据"},
    )
    url = reverse("inspections:penalty_resubmit", args=[penalty.pk])
    for who in ("other_section", "inspector", "legal_reviewer", "auditor"):
        client.force_login(getattr(scene.p, who))
        assert client.post(url, _penalty_data()).status_code == 403, who
    client.force_login(scene.p.section)
    assert client.post(reverse("inspections:legal_review", args=[99999])).status_code == 403
    client.force_login(scene.p.legal_reviewer)
    assert client.get(reverse("inspections:legal_review", args=[99999])).status_code == 404
