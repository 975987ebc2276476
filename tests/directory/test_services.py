from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory import services
from spotcheck.directory.models import ConflictDeclaration, Target
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def _target_data(code: str = "91640106MA76ABCD1X") -> dict[str, Any]:
    from spotcheck.directory.creditcode import make_code

    return {
        "credit_code": make_code("91", "640106", "MA76ABCD1"),
        "name": "（演示）金凤测试商贸有限公司",
        "kind": "enterprise",
        "region": "黄河东路街道",
        "credit_class": "C",
    }


def test_create_target_records_history_and_audit(personas: Any) -> None:
    target = services.target_create(actor=personas.section, data=_target_data())
    assert list(target.departments.all()) == [personas.dept]
    history = target.history.first()
    assert history.history_user == personas.section
    event = AuditEvent.objects.get()
    assert event.event_type == "directory.created"
    assert event.actor == personas.section


def test_update_records_only_changed_fields(personas: Any) -> None:
    target = services.target_create(actor=personas.section, data=_target_data())
    before = target.history.count()
    services.target_update(
        actor=personas.section, target=target, data={"credit_class": "D", "name": target.name}
    )
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.payload["changes"] == {"credit_class": ["C", "D"]}
    assert target.history.count() == before + 1
    assert target.history.first().history_user == personas.section


def test_noop_update_writes_nothing(personas: Any) -> None:
    target = services.target_create(actor=personas.section, data=_target_data())
    before = target.history.count()
    services.target_update(actor=personas.section, target=target, data={"credit_class": "C"})
    assert AuditEvent.objects.count() == 1
    assert target.history.count() == before


@pytest.mark.parametrize("who", ["other_section", "inspector", "auditor", "leader", "admin"])
def test_only_own_section_edits_target(personas: Any, who: str) -> None:
    target = TargetFactory(departments=[personas.dept])
    with pytest.raises(NotAllowed):
        services.target_update(actor=getattr(personas, who), target=target, data={"name": "x"})
    assert Target.objects.get(pk=target.pk).name == target.name
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["inspector", "auditor", "leader", "legal_reviewer"])
def test_non_sections_cannot_create(personas: Any, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.target_create(actor=getattr(personas, who), data=_target_data())
    assert not Target.objects.exists()


def test_duplicate_credit_code_refused(personas: Any) -> None:
    services.target_create(actor=personas.section, data=_target_data())
    with pytest.raises(ServiceError, match="已在名录库中"):
        services.target_create(actor=personas.section, data=_target_data())


def test_section_cannot_drop_its_own_department(personas: Any) -> None:
    target = services.target_create(actor=personas.section, data=_target_data())
    with pytest.raises(ServiceError):
        services.target_update(
            actor=personas.section, target=target, data={}, departments=[personas.other_dept]
        )


def test_inspector_cert_dates_checked(personas: Any) -> None:
    with pytest.raises(ServiceError, match="有效期"):
        services.inspector_create(
            actor=personas.section,
            data={
                "cert_no": "X1",
                "name": "张三",
                "cert_valid_from": dt.date(2026, 1, 1),  # fixed-date: only the order is checked
                "cert_valid_to": dt.date(2025, 1, 1),  # fixed-date: only the order is checked
            },
        )


def test_inspector_qualified_on() -> None:
    inspector = InspectorFactory.build(
        cert_valid_from=dt.date(2024, 1, 1),  # fixed-date: qualified_on takes the day as input
        cert_valid_to=dt.date(2026, 6, 30),  # fixed-date: qualified_on takes the day as input
        status="active",
    )
    assert inspector.qualified_on(dt.date(2026, 6, 30))  # fixed-date: last valid day
    assert not inspector.qualified_on(dt.date(2026, 7, 1))  # fixed-date: first day after
    inspector.status = "leave"
    assert not inspector.qualified_on(dt.date(2025, 1, 1))  # fixed-date: inside the validity


def test_item_update_scoped_to_department(personas: Any) -> None:
    item = CheckItemFactory(department=personas.dept)
    services.item_update(actor=personas.section, item=item, data={"name": "新名称"})
    with pytest.raises(NotAllowed):
        services.item_update(actor=personas.other_section, item=item, data={"name": "x"})


def test_conflict_declare_and_withdraw(personas: Any) -> None:
    inspector = InspectorFactory(department=personas.dept, user=personas.inspector)
    target = TargetFactory()
    conflict = services.conflict_declare(
        actor=personas.inspector, inspector=inspector, target=target, relation="kin"
    )
    with pytest.raises(ServiceError):
        services.conflict_declare(
            actor=personas.section, inspector=inspector, target=target, relation="other"
        )
    services.conflict_withdraw(actor=personas.inspector, conflict=conflict)
    assert ConflictDeclaration.objects.get().withdrawn_at is not None
    # After withdrawal a new declaration is possible again.
    services.conflict_declare(
        actor=personas.section, inspector=inspector, target=target, relation="other"
    )
    types = list(AuditEvent.objects.order_by("seq").values_list("event_type", flat=True))
    assert types == [
        "directory.conflict_declared",
        "directory.conflict_withdrawn",
        "directory.conflict_declared",
    ]


def test_other_department_cannot_declare_for_inspector(personas: Any) -> None:
    inspector = InspectorFactory(department=personas.dept)
    with pytest.raises(NotAllowed):
        services.conflict_declare(
            actor=personas.other_section,
            inspector=inspector,
            target=TargetFactory(),
            relation="kin",
        )
