"""Filters, pagination caps, bad input (400), unknown ids (404) and the same rows as the UI."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from spotcheck.directory import selectors
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory
from tests.workflow_fixtures import World


@pytest.fixture
def section(api: APIClient, personas: Personas) -> APIClient:
    api.force_login(personas.section)
    return api


def test_targets_use_the_art8_filters(section: APIClient, personas: Personas) -> None:
    TargetFactory(departments=[personas.dept], credit_class="A", key_industry=True)
    TargetFactory(departments=[personas.dept], credit_class="D", key_industry=True)
    TargetFactory(departments=[personas.dept], credit_class="D", key_industry=False)
    response = section.get(
        reverse("api:target-list"), {"credit_class": "D", "flag": "key_industry"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0]["credit_class"] == "D"
    # Exactly what the page's selector returns for the same query.
    filters, _ = selectors.TargetFilter.from_params({"credit_class": "D", "flag": ["key_industry"]})
    expected = selectors.target_list(user=personas.section, filters=filters)
    assert [r["credit_code"] for r in body["results"]] == [t.credit_code for t in expected]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"credit_class": "Z"}, "信用风险分类的取值“Z”无效"),
        ({"flag": "rich"}, "标记“rich”无效"),
        ({"department": "abc"}, "监管部门的取值“abc”无效"),
        ({"kind": "alien"}, "对象类型的取值“alien”无效"),
    ],
)
def test_invalid_target_filter_is_400_in_chinese(
    section: APIClient, params: dict[str, str], message: str
) -> None:
    response = section.get(reverse("api:target-list"), params)
    assert response.status_code == 400
    assert message in response.json()["filters"]


def test_inspector_role_gets_403_on_targets_even_with_bad_filters(
    api: APIClient, personas: Personas
) -> None:
    api.force_login(personas.inspector)
    assert api.get(reverse("api:target-list"), {"kind": "alien"}).status_code == 403


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("api:item-list", {"department": "x"}),
        ("api:inspector-list", {"department": "1.5"}),
        ("api:inspector-list", {"status": "retired-ish"}),
        ("api:item-list", {"page_size": "abc"}),
        ("api:item-list", {"page_size": "0"}),
        ("api:item-list", {"page_size": "-5"}),
        ("api:item-list", {"page_size": "201"}),
        ("api:item-list", {"page_size": "99999999999999999999999"}),
        ("api:task-list", {"page": "abc"}),
        ("api:task-list", {"page": "0"}),
    ],
)
def test_malformed_params_are_400(section: APIClient, name: str, params: dict[str, str]) -> None:
    response = section.get(reverse(name), params)
    assert response.status_code == 400, response.content
    assert response.json()


def test_page_size_cap_message(section: APIClient) -> None:
    response = section.get(reverse("api:target-list"), {"page_size": "100000"})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["page_size 不能超过 200"]}


def test_pagination(section: APIClient, personas: Personas) -> None:
    for _ in range(5):
        CheckItemFactory(department=personas.dept)
    first = section.get(reverse("api:item-list"), {"page_size": "2"}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"] and first["previous"] is None
    last = section.get(reverse("api:item-list"), {"page_size": "2", "page": "3"}).json()
    assert len(last["results"]) == 1
    assert section.get(reverse("api:item-list"), {"page_size": "200"}).status_code == 200
    # Past the end is "no such page".
    assert section.get(reverse("api:item-list"), {"page": "99"}).status_code == 404


def test_details_and_unknown_ids(section: APIClient, personas: Personas) -> None:
    item = CheckItemFactory(department=personas.dept)
    target = TargetFactory(departments=[personas.dept])
    inspector = InspectorFactory(department=personas.dept)
    for name, obj in (
        ("api:item-detail", item),
        ("api:target-detail", target),
        ("api:inspector-detail", inspector),
    ):
        response = section.get(reverse(name, args=[obj.pk]))
        assert response.status_code == 200
        assert response.json()["id"] == obj.pk
        assert section.get(reverse(name, args=[999999])).status_code == 404
    # Not an id at all: no route, still a 404 and never a 500.
    assert section.get("/api/v1/items/abc/").status_code == 404
    assert section.get("/api/v1/items/99999999999999999999999999/").status_code == 404


def test_inspector_phone_is_not_exposed(section: APIClient, personas: Personas) -> None:
    InspectorFactory(department=personas.dept, phone="13800138000")
    response = section.get(reverse("api:inspector-list"))
    assert "13800138000" not in response.content.decode()
    assert "phone" not in response.json()["results"][0]


def test_tasks_follow_the_task_list_selector(api: APIClient, world: World) -> None:
    p = world.p
    task = world.task()
    api.force_login(p.section)
    body = api.get(reverse("api:task-list")).json()
    assert [t["id"] for t in body["results"]] == [task.pk]
    assert api.get(reverse("api:task-detail", args=[task.pk])).status_code == 200
    # Another department's section: not in its list, and 403 on the record as on the page.
    api.force_login(p.other_section)
    assert api.get(reverse("api:task-list")).json()["count"] == 0
    assert api.get(reverse("api:task-detail", args=[task.pk])).status_code == 403
    assert api.get(reverse("api:task-detail", args=[999999])).status_code == 404
    api.force_login(p.inspector)
    assert api.get(reverse("api:task-detail", args=[task.pk])).status_code == 403


def test_item_search(section: APIClient, personas: Personas) -> None:
    CheckItemFactory(department=personas.dept, name="单用途预付卡检查")
    CheckItemFactory(department=personas.dept, name="电梯安全检查")
    body = section.get(reverse("api:item-list"), {"q": "预付卡"}).json()
    assert [r["name"] for r in body["results"]] == ["单用途预付卡检查"]


def test_unsupported_format_is_404_not_500(section: APIClient, db: Any) -> None:
    response = section.get(reverse("api:item-list"), {"format": "xml"})
    assert response.status_code == 404


def test_targets_carry_each_departments_own_attributes(
    section: APIClient, personas: Personas
) -> None:
    """The API shows what the target page shows: each supervising department's own grade and
    key-industry flag (null: the entity's applies) and the values in effect for it."""
    from spotcheck.directory.models import Supervision
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(code="other-dept")
    target = TargetFactory(
        departments=[personas.dept, other], supervision_grade=2, key_industry=False
    )
    Supervision.objects.filter(target=target, department=other).update(
        supervision_grade=4, key_industry=True
    )
    body = section.get(reverse("api:target-detail", args=[target.pk])).json()
    rows = {row["department"]: row for row in body["supervisions"]}
    assert rows[other.code] == {
        "department": other.code,
        "supervision_grade": 4,
        "key_industry": True,
        "effective_grade": 4,
        "effective_key_industry": True,
    }
    assert rows[personas.dept.code] == {
        "department": personas.dept.code,
        "supervision_grade": None,
        "key_industry": None,
        "effective_grade": 2,
        "effective_key_industry": False,
    }
    # The entity's own values are unchanged beside them.
    assert (body["supervision_grade"], body["key_industry"]) == (2, False)
    listed = section.get(reverse("api:target-list")).json()["results"]
    assert {r["department"] for r in listed[0]["supervisions"]} >= {personas.dept.code}
