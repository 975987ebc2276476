"""Result categories: seeded by the data migration, editable by administrators only."""

from __future__ import annotations

from typing import Any

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.inspections.models import ResultCategory
from spotcheck.inspections.services_reference import result_category_save

pytestmark = pytest.mark.django_db


def test_national_platform_categories_are_seeded() -> None:
    names = list(ResultCategory.objects.values_list("name", flat=True))
    assert names == [
        "未发现问题",
        "未按规定公示应当公示的信息",
        "公示信息隐瞒真实情况、弄虚作假",
        "通过登记的住所（经营场所）无法联系",
        "不予配合检查情节严重",
        "发现问题已责令改正",
        "发现问题待后续处理",
        "未发现开展本次抽查涉及的经营活动",
        "已注销/被吊销/被撤销",
    ]
    assert not ResultCategory.objects.get(code="no_problem").problem_found
    assert ResultCategory.objects.get(code="pending_follow_up").problem_found


def test_admin_edits_and_adds_categories(personas: Any) -> None:
    cat = result_category_save(
        actor=personas.admin,
        code="no_activity",
        name="未发现开展本次抽查涉及的经营活动",
        problem_found=False,
        active=False,
        order=80,
    )
    assert not cat.active
    event = AuditEvent.objects.get(event_type="inspections.result_category_saved")
    assert event.payload["changes"] == {"active": [True, False]}
    new = result_category_save(
        actor=personas.admin,
        code="other_problem",
        name="发现其他问题",
        problem_found=True,
        order=95,
    )
    assert new.pk and new.problem_found


@pytest.mark.parametrize("who", ["section", "leader", "auditor", "inspector", "legal_reviewer"])
def test_only_admins_edit_categories(personas: Any, who: str) -> None:
    with pytest.raises(NotAllowed):
        result_category_save(
            actor=getattr(personas, who), code="x_y", name="x", problem_found=False
        )


def test_bad_category_input(personas: Any) -> None:
    with pytest.raises(ServiceError, match="类别编码"):
        result_category_save(actor=personas.admin, code="Bad Code", name="x", problem_found=False)
    with pytest.raises(ServiceError, match="已存在"):
        result_category_save(
            actor=personas.admin, code="dup", name="未发现问题", problem_found=False
        )
