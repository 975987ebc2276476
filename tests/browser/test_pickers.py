"""Issue 15: the task form's choice pickers. Items are checkboxes with a filter box, only the
department's own (a partner's appear once it is ticked for a joint task); region and industry
are the directory's values; a task the pool cannot supply is flagged on its page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import login
from tests.conftest import Personas
from tests.factories import CheckItemFactory, TargetFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_task_form_pickers(
    new_page: Callable[[], Page], live_server: object, personas: Personas
) -> None:
    CheckItemFactory(department=personas.dept, code="SC-001", name="单用途商业预付卡检查")
    CheckItemFactory(department=personas.dept, code="SC-002", name="报废机动车回收拆解检查")
    CheckItemFactory(department=personas.other_dept, code="TR-001", name="拍卖企业经营检查")
    for region in ("黄河东路街道", "长城中路街道"):
        TargetFactory(region=region, departments=[personas.dept])
    page = new_page()
    base = str(live_server)
    login(page, base, "section")
    page.goto(f"{base}/planning/tasks/new/")

    items = page.get_by_role("group", name="抽查事项")
    search = items.get_by_role("searchbox")
    expect(search).to_be_visible()
    expect(items.get_by_label("SC-001 单用途商业预付卡检查")).to_be_visible()
    # Another department's items stay out of sight unless it joins a joint task.
    expect(items.get_by_label("TR-001 拍卖企业经营检查")).to_be_hidden()
    search.fill("预付卡")
    expect(items.get_by_label("SC-002 报废机动车回收拆解检查")).to_be_hidden()
    items.get_by_label("SC-001 单用途商业预付卡检查").check()
    search.fill("报废")
    # A ticked item never disappears behind the filter.
    expect(items.get_by_label("SC-001 单用途商业预付卡检查")).to_be_visible()
    search.fill("")
    page.get_by_label("抽查方式").select_option("joint")
    page.get_by_role("group", name="联合抽查的其他参与部门").get_by_label("商贸流通科").check()
    expect(items.get_by_label("TR-001 拍卖企业经营检查")).to_be_visible()
    page.get_by_label("抽查方式").select_option("directed")
    expect(items.get_by_label("TR-001 拍卖企业经营检查")).to_be_hidden()
    page.get_by_role("group", name="联合抽查的其他参与部门").get_by_label("商贸流通科").uncheck()

    # Region: a <select> of the directory's regions, with its own filter box.
    region = page.get_by_label("所属区域")
    expect(region.locator("option", has_text="长城中路街道")).to_have_count(1)
    region.select_option("黄河东路街道")
    page.get_by_label("任务名称").fill("预付卡定向抽查")
    page.get_by_label("抽取方式").select_option("count")
    page.get_by_label("各层（未单列的分层）比例或数量").fill("5")
    start = timezone.localdate() + dt.timedelta(days=30)
    page.get_by_label("检查开始日期").fill(start.isoformat())
    page.get_by_label("检查结束日期").fill((start + dt.timedelta(days=30)).isoformat())
    # Enter in a filter box must not submit the half-filled form.
    search.press("Enter")
    expect(page).to_have_url(f"{base}/planning/tasks/new/")
    page.click("#task-submit")
    # One target in 黄河东路街道, five wanted: saved as a draft, flagged before approval.
    shortfall = page.locator("#task-shortfall")
    expect(shortfall).to_be_visible()
    expect(shortfall).to_contain_text("要求抽取 5 个，但只有 1 个符合条件")
