"""Issue 15: the task form offers the directory's values (regions, industries, the department's
own items) instead of free text, and a task whose pool cannot supply its sample is refused
approval with the counts, and warned about on its page before anyone tries."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.core.errors import ServiceError
from spotcheck.planning import services as planning
from spotcheck.planning.models import SpotCheckTask, TaskState
from tests.factories import CheckItemFactory
from tests.planning.test_views_tasks import task_data
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def test_region_and_industry_are_choices_from_the_directory(client: Client, world: World) -> None:
    client.force_login(world.p.section)
    page = client.get(reverse("planning:task_create")).content.decode()
    assert '<option value="黄河东路街道">' in page
    assert '<select name="region"' in page and '<select name="industry"' in page
    # Every prefix that selects something: section letter, division and the full code.
    for prefix in ("F", "F52", "F5211"):
        assert f'<option value="{prefix}">' in page


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"credit_class": "", "region": "黄河东路"}, "所属区域“黄河东路”不在检查对象名录库中"),
        ({"credit_class": "", "industry": "Q99"}, "行业代码“Q99”在检查对象名录库中没有对应"),
    ],
)
def test_a_value_not_in_the_directory_is_refused(
    client: Client, world: World, extra: dict[str, str], message: str
) -> None:
    client.force_login(world.p.section)
    response = client.post(reverse("planning:task_create"), task_data(world, **extra))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "data-error-summary" in page
    assert not SpotCheckTask.objects.exists()


def test_the_service_refuses_an_unknown_region_too(world: World) -> None:
    """The API and commands reach the service, not the form: it says the same."""
    with pytest.raises(ServiceError, match="所属区域“黄河东路”不在检查对象名录库中"):
        world.task(mode="directed", filters={"region": "黄河东路"})
    with pytest.raises(ServiceError, match="行业代码“Q99”"):
        world.task(mode="directed", filters={"industry": "Q99"})
    task = world.task(mode="directed", filters={"region": "黄河东路街道", "industry": "F52"})
    assert task.filters == {"region": "黄河东路街道", "industry": "F52"}


def test_item_picker_lists_only_items_the_departments_may_use(client: Client, world: World) -> None:
    partner_item = CheckItemFactory(department=world.p.other_dept, name="拍卖企业检查")
    retired = CheckItemFactory(department=world.p.dept, name="已停用的事项", active=False)
    client.force_login(world.p.section)
    page = client.get(reverse("planning:task_create")).content.decode()
    assert world.item.name in page
    # A partner's items sit in their own group, shown by the script once that partner is ticked.
    assert partner_item.name in page
    assert f'data-picker-department="{world.p.other_dept.pk}"' in page
    assert retired.name not in page
    # A department that cannot take part (inactive) has no items on offer.
    world.p.other_dept.active = False
    world.p.other_dept.save()
    page = client.get(reverse("planning:task_create")).content.decode()
    assert partner_item.name not in page
    response = client.post(
        reverse("planning:task_create"), task_data(world, items=[str(partner_item.pk)])
    )
    assert "不是本部门（或联合抽查参与部门）可用的抽查事项" in response.content.decode()
    assert not SpotCheckTask.objects.exists()


def test_an_empty_pool_is_warned_about_and_cannot_be_approved(client: Client, world: World) -> None:
    # Every target in the fixture is in 黄河东路街道 with credit class A–D; none is "D" *and*
    # an individual business, so this directed scope is empty.
    client.force_login(world.p.section)
    response = client.post(
        reverse("planning:task_create"),
        task_data(world, kind="individual"),
        follow=True,
    )
    page = response.content.decode()
    task = SpotCheckTask.objects.get()
    assert "暂不能报批" in page and "符合条件的检查对象为 0 个" in page
    assert 'id="task-shortfall"' in page
    client.force_login(world.p.leader)
    page = client.get(reverse("planning:task_detail", args=[task.pk])).content.decode()
    assert 'id="task-shortfall"' in page and 'id="task-approve"' not in page
    page = client.post(reverse("planning:task_approve", args=[task.pk]), follow=True)
    assert "该任务不能批准" in page.content.decode()
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT


def test_a_sample_larger_than_the_pool_says_how_many(world: World) -> None:
    # 30 targets, seven of them class D (every fourth from the fourth), 20 wanted.
    task = world.task(
        mode="directed",
        filters={"credit_class": "D"},
        sample={"mode": "count", "values": {"*": 20}},
    )
    with pytest.raises(ServiceError) as exc:
        planning.task_approve(actor=world.p.leader, task=task)
    assert "要求抽取 20 个，但只有 7 个符合条件" in exc.value.message
    task.refresh_from_db()
    assert task.state == TaskState.DRAFT
    # A sample the pool can supply goes through.
    ok = world.task(mode="directed", filters={"credit_class": "D"})
    assert planning.task_approve(actor=world.p.leader, task=ok).state == TaskState.APPROVED
