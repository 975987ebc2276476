"""年度抽查工作计划 pages: create with sector rows, bad input, approval, who sees what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.planning.models import AnnualPlan, PlanState
from tests.conftest import Personas
from tests.factories import CheckItemFactory

pytestmark = pytest.mark.django_db


def _post_plan(client: Client, item: Any, **extra: str) -> Any:
    data = {
        "year": "2027",
        "items": [str(item.pk)],
        "notes": "按第十二条确定",
        "sectors-TOTAL_FORMS": "2",
        "sectors-INITIAL_FORMS": "0",
        "sectors-0-name": "再生资源回收",
        "sectors-0-industry": "f5191",
        "sectors-0-ratio": "5%",
        "sectors-0-rounds_per_year": "2",
        "sectors-1-name": "",
    }
    data.update(extra)
    return client.post(reverse("planning:plan_create"), data)


def test_section_creates_and_leader_approves(client: Client, personas: Personas) -> None:
    item = CheckItemFactory(department=personas.dept)
    client.force_login(personas.section)
    assert client.get(reverse("planning:plan_create")).status_code == 200
    response = _post_plan(client, item)
    plan = AnnualPlan.objects.get()
    assert response.status_code == 302
    assert plan.sectors == [
        {"name": "再生资源回收", "industry": "F5191", "ratio": "0.05", "rounds_per_year": 2}
    ]
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert "再生资源回收" in page and "plan-approve" not in page
    assert client.post(reverse("planning:plan_approve", args=[plan.pk])).status_code == 403

    client.force_login(personas.leader)
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert "plan-approve" in page
    client.post(reverse("planning:plan_approve", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.state == PlanState.APPROVED and plan.approved_by == personas.leader
    # A second approval is refused with a message, not an error page.
    response = client.post(reverse("planning:plan_approve", args=[plan.pk]), follow=True)
    assert "该计划已批准" in response.content.decode()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"sectors-0-ratio": "1.5"}, "比例应为 0 到 1 之间"),
        ({"sectors-0-rounds_per_year": "20"}, "sectors-0-rounds_per_year"),
        ({"year": "1999"}, "year"),
    ],
)
def test_bad_plan_input_changes_nothing(
    client: Client, personas: Personas, extra: dict[str, str], message: str
) -> None:
    item = CheckItemFactory(department=personas.dept)
    client.force_login(personas.section)
    response = _post_plan(client, item, **extra)
    assert response.status_code == 200
    assert not AnnualPlan.objects.exists()
    assert message in response.content.decode()


def test_duplicate_year_is_a_form_error(client: Client, personas: Personas) -> None:
    item = CheckItemFactory(department=personas.dept)
    client.force_login(personas.section)
    _post_plan(client, item)
    response = _post_plan(client, item)
    assert response.status_code == 200 and "本部门的抽查计划已存在" in response.content.decode()
    assert AnnualPlan.objects.count() == 1


def test_other_department_items_are_not_offered(client: Client, personas: Personas) -> None:
    foreign = CheckItemFactory(department=personas.other_dept)
    client.force_login(personas.section)
    response = _post_plan(client, foreign)
    assert response.status_code == 200 and not AnnualPlan.objects.exists()


def test_plan_visibility(client: Client, personas: Personas) -> None:
    item = CheckItemFactory(department=personas.dept)
    client.force_login(personas.section)
    _post_plan(client, item)
    plan = AnnualPlan.objects.get()
    url = reverse("planning:plan_detail", args=[plan.pk])
    for who, status in [
        ("other_section", 403),
        ("inspector", 403),
        ("auditor", 200),
        ("leader", 200),
    ]:
        client.force_login(getattr(personas, who))
        assert client.get(url).status_code == status, who
    client.force_login(personas.other_section)
    assert "2027" not in client.get(reverse("planning:plan_list")).content.decode()
    client.force_login(personas.auditor)
    assert client.post(reverse("planning:plan_approve", args=[plan.pk])).status_code == 403
    assert client.get(reverse("planning:plan_detail", args=[99999])).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
