"""Many bureaus in a real browser: the province's administrator adds a bureau to the tree and
opens its portal; a second district's clerk joins an entity another district registered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from spotcheck.accounts.models import Bureau
from spotcheck.audit.models import AuditEvent
from tests.browser.conftest import login
from tests.bureaus.conftest import Tree, publish_item_list
from tests.bureaus.conftest import tree as tree  # the fixture, re-exported
from tests.factories import TargetFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_admin_adds_a_bureau_and_opens_its_portal(
    new_page: Callable[[], Page], live_server: Any, tree: Tree
) -> None:
    publish_item_list(tree.section_b, tree.leader_b, tree.dept_b)
    page = new_page()
    login(page, live_server.url, "admin")
    page.click("#nav-users")
    page.click("#bureau-nav")
    expect(page.locator("h1")).to_have_text("机关设置")
    form = page.locator("#bureau-create-form")
    form.locator("input[name=code]").fill("district-c")
    form.locator("input[name=name]").fill("丙区商务局")
    form.locator("select[name=level]").select_option("district")
    form.locator("select[name=parent]").select_option(str(tree.city.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已创建机关 丙区商务局")
    expect(page.locator("#bureau-table")).to_contain_text("丙区商务局")
    assert Bureau.objects.get(code="district-c").parent == tree.city
    assert AuditEvent.objects.filter(event_type="accounts.bureau_created").exists()

    # A bureau that does not fit the tree is refused in Chinese, beside the field.
    form = page.locator("#bureau-create-form")
    form.locator("input[name=code]").fill("town")
    form.locator("input[name=name]").fill("某镇")
    form.locator("select[name=level]").select_option("city")
    form.locator("select[name=parent]").select_option(str(tree.city.pk))
    form.locator("button[type=submit]").click()
    expect(page.locator("#field-parent .errorlist")).to_contain_text("层级必须更高")

    page.click("a[href='/b/district-b/public/']")
    expect(page.locator(".p-brand")).to_contain_text("乙区商务局")
    page.click("a[href='/b/district-b/public/items/']")
    expect(page.locator("main")).to_contain_text("市场建设科随机抽查事项清单")
    assert "/b/district-b/public/items/" in page.url


def test_a_clerk_joins_an_entity_registered_by_another_district(
    new_page: Callable[[], Page], live_server: Any, tree: Tree
) -> None:
    target = TargetFactory(departments=[tree.p.dept])
    page = new_page()
    login(page, live_server.url, "section_b")
    page.goto(f"{live_server.url}/directory/targets/")
    expect(page.locator("main")).not_to_contain_text(target.credit_code)
    join = page.locator("#target-join-form")
    join.locator("input[name=credit_code]").fill("91640000000000000X")
    join.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("名录库中没有统一社会信用代码")
    join = page.locator("#target-join-form")
    join.locator("input[name=credit_code]").fill(target.credit_code)
    join.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("纳入本部门监管")
    expect(page.locator("h1")).to_contain_text(target.name)
    assert set(target.departments.all()) == {tree.p.dept, tree.dept_b}


def test_a_clerk_sets_its_department_grade_on_the_target_page(
    new_page: Callable[[], Page], live_server: Any, tree: Tree
) -> None:
    from spotcheck.directory.models import Supervision

    target = TargetFactory(departments=[tree.p.dept, tree.dept_b], supervision_grade=2)
    page = new_page()
    login(page, live_server.url, "section_b")
    page.goto(f"{live_server.url}/directory/targets/{target.pk}/")
    block = page.locator("#supervisions")
    expect(block).to_contain_text("本部门监管属性")
    expect(page.locator(f"#supervision-form-{tree.p.dept.pk}")).to_have_count(0)
    form = page.locator(f"#supervision-form-{tree.dept_b.pk}")
    form.locator("select[name$=supervision_grade]").select_option("4")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    row = page.locator(f"#supervision-{tree.dept_b.pk}")
    expect(row).to_contain_text("四级（高）")
    expect(page.locator(f"#supervision-{tree.p.dept.pk}")).to_contain_text("（沿用主体）")
    link = Supervision.objects.get(target=target, department=tree.dept_b)
    assert link.supervision_grade == 4
    # Back to the entity's grade.
    form = page.locator(f"#supervision-form-{tree.dept_b.pk}")
    form.locator("select[name$=supervision_grade]").select_option("")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#supervision-{tree.dept_b.pk}")).to_contain_text("二级（一般）")
    link.refresh_from_db()
    assert link.supervision_grade is None
