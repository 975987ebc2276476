"""Publications: who drafts and reviews (Art. 14), restrictions (Art. 17), timing (Art. 18),
corrections and withdrawals, and what the public selector returns."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from spotcheck.accounts.models import Role, User
from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.disclosure import selectors
from spotcheck.disclosure.models import Publication, PublicationState
from spotcheck.disclosure.publications import (
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from tests.factories import InspectorFactory, UserFactory
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db
S = PublicationState


@pytest.fixture
def clerk2(personas: Any) -> User:
    return UserFactory(username="clerk2", role=Role.SECTION, department=personas.dept)


def _published(world: World, reviewer: User, kind: str = "inspector_list", **kw: Any) -> Any:
    p = world.p
    pub = publication_draft(actor=p.section, kind=kind, source=kw.pop("source", p.dept), **kw)
    pub = publication_submit(actor=p.section, publication=pub)
    return publication_review(actor=reviewer, publication=pub, approve=True, comment="核对无误")


def test_inspector_list_publishes_name_department_cert_only(world: World, clerk2: User) -> None:
    InspectorFactory(department=world.p.dept, name="李建国", phone="13912345678")
    pub = _published(world, clerk2)
    assert pub.state == S.PUBLISHED and pub.published_at is not None
    rows = pub.payload["inspectors"]
    assert any(r["name"] == "李建国" for r in rows)  # inspectors' names are NOT masked
    assert all(set(r) == {"name", "department", "cert_no"} for r in rows)
    assert "13912345678" not in str(pub.payload)
    assert list(selectors.published(kind="inspector_list")) == [pub]


def test_author_cannot_review_own_publication(world: World) -> None:
    pub = publication_draft(actor=world.p.section, kind="item_list", source=world.p.dept)
    pub = publication_submit(actor=world.p.section, publication=pub)
    with pytest.raises(NotAllowed, match="起草人以外"):
        publication_review(actor=world.p.section, publication=pub, approve=True)


@pytest.mark.parametrize(
    "who", ["other_section", "inspector", "auditor", "admin", "legal_reviewer"]
)
def test_outsiders_cannot_review(world: World, who: str) -> None:
    pub = publication_draft(actor=world.p.section, kind="item_list", source=world.p.dept)
    pub = publication_submit(actor=world.p.section, publication=pub)
    with pytest.raises(NotAllowed):
        publication_review(actor=getattr(world.p, who), publication=pub, approve=True)


@pytest.mark.parametrize("who", ["other_section", "inspector", "auditor", "admin", "leader"])
def test_only_own_department_sections_draft(world: World, who: str) -> None:
    with pytest.raises(NotAllowed):
        publication_draft(actor=getattr(world.p, who), kind="item_list", source=world.p.dept)


def test_leader_reviews_and_return_needs_a_comment(world: World) -> None:
    pub = publication_draft(actor=world.p.section, kind="item_list", source=world.p.dept)
    pub = publication_submit(actor=world.p.section, publication=pub)
    with pytest.raises(ServiceError, match="意见"):
        publication_review(actor=world.p.leader, publication=pub, approve=False)
    pub = publication_review(actor=world.p.leader, publication=pub, approve=False, comment="改")
    assert pub.state == S.RETURNED and pub.reviewer == world.p.leader
    assert not selectors.published().exists()
    pub = publication_submit(actor=world.p.section, publication=pub)
    pub = publication_review(actor=world.p.leader, publication=pub, approve=True)
    assert pub.state == S.PUBLISHED
    with pytest.raises(ServiceError, match="待审核"):
        publication_review(actor=world.p.leader, publication=pub, approve=True)


def test_each_step_is_audited(world: World, clerk2: User) -> None:
    pub = _published(world, clerk2)
    types = list(
        AuditEvent.objects.filter(object_id=str(pub.pk), object_type="disclosure.Publication")
        .order_by("pk")
        .values_list("event_type", flat=True)
    )
    assert types == [
        "disclosure.publication_drafted",
        "disclosure.publication_transition",
        "disclosure.publication_transition",
    ]


def test_task_announcement_waits_for_the_inspection_window(
    world: World, clerk2: User, today: dt.date
) -> None:
    future = world.approved_task(
        window_start=today + dt.timedelta(days=3), window_end=today + dt.timedelta(days=20)
    )
    pub = publication_draft(actor=world.p.section, kind="task_announcement", source=future)
    pub = publication_submit(actor=world.p.section, publication=pub)
    with pytest.raises(ServiceError, match="第十八条"):
        publication_review(actor=clerk2, publication=pub, approve=True)
    assert Publication.objects.get(pk=pub.pk).state == S.SUBMITTED
    started = world.approved_task(window_start=today, window_end=today + dt.timedelta(days=9))
    pub = _published(world, clerk2, kind="task_announcement", source=started)
    assert pub.payload["window_start"] == today.isoformat()
    assert pub.payload["items"][0]["code"] == world.item.code


def test_restriction_needs_reason_and_field_must_exist(world: World, today: dt.date) -> None:
    with pytest.raises(ServiceError, match="理由"):
        publication_draft(
            actor=world.p.section,
            kind="item_list",
            source=world.p.dept,
            delayed_until=today + dt.timedelta(days=5),
        )
    with pytest.raises(ServiceError, match="没有字段"):
        publication_draft(
            actor=world.p.section,
            kind="item_list",
            source=world.p.dept,
            withheld_fields=["nope"],
            restriction_reason="商业秘密",
        )


def test_delayed_publication_is_scheduled_until_its_date(
    world: World, clerk2: User, today: dt.date
) -> None:
    until = today + dt.timedelta(days=5)
    pub = _published(world, clerk2, delayed_until=until, restriction_reason="涉及商业秘密，暂缓")
    assert pub.state == S.SCHEDULED and pub.restricted
    assert not selectors.published().exists()
    assert not selectors.published(today=until - dt.timedelta(days=1)).exists()
    assert list(selectors.published(today=until)) == [pub]


def test_withheld_fields_never_stored(world: World, clerk2: User) -> None:
    pub = _published(world, clerk2, withheld_fields=["inspectors"], restriction_reason="个人隐私")
    assert "inspectors" not in pub.payload and pub.withheld_fields == ["inspectors"]
    event = AuditEvent.objects.get(
        object_id=str(pub.pk), event_type="disclosure.publication_drafted"
    )
    assert event.payload["withheld_fields"] == ["inspectors"]


def test_correction_is_a_new_version_and_keeps_history(world: World, clerk2: User) -> None:
    first = _published(world, clerk2)
    InspectorFactory(department=world.p.dept, name="新来的")
    with pytest.raises(ServiceError, match="原因"):
        publication_correct(actor=world.p.section, publication=first, note=" ")
    second = publication_correct(actor=world.p.section, publication=first, note="补录人员")
    assert second.version == 2 and second.supersedes == first and second.state == S.DRAFT
    with pytest.raises(ServiceError, match="已有更正版本"):
        publication_correct(actor=world.p.section, publication=first, note="再改")
    # Until the correction is reviewed the old version stays public.
    assert list(selectors.published()) == [first]
    second = publication_submit(actor=world.p.section, publication=second)
    second = publication_review(actor=clerk2, publication=second, approve=True)
    first.refresh_from_db()
    assert first.state == S.CORRECTED
    assert list(selectors.published()) == [second]
    assert any(r["name"] == "新来的" for r in second.payload["inspectors"])
    assert not any(r["name"] == "新来的" for r in first.payload["inspectors"])
    assert selectors.history(first) == [first, second] == selectors.history(second)


def test_withdrawal_keeps_the_record_with_its_reason(world: World, clerk2: User) -> None:
    pub = _published(world, clerk2)
    with pytest.raises(NotAllowed):
        publication_withdraw(actor=world.p.other_section, publication=pub, reason="x")
    with pytest.raises(ServiceError, match="理由"):
        publication_withdraw(actor=world.p.section, publication=pub, reason="")
    pub = publication_withdraw(actor=world.p.leader, publication=pub, reason="信息有误")
    assert pub.state == S.WITHDRAWN and pub.withdrawal_reason == "信息有误"
    assert Publication.objects.filter(pk=pub.pk).exists()
    assert not selectors.published().exists()
    with pytest.raises(ServiceError):
        publication_correct(actor=world.p.section, publication=pub, note="改")


def test_unknown_kind_and_mismatched_source_refused(world: World) -> None:
    with pytest.raises(ServiceError):
        publication_draft(actor=world.p.section, kind="gossip", source=world.p.dept)
    with pytest.raises(ServiceError, match="无法从该记录生成公示"):
        publication_draft(actor=world.p.section, kind="task_announcement", source=world.p.dept)
