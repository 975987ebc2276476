"""Issue 15: the README's walk-through, played in a browser by the people who do it, through
menus, 待办 links and buttons only: the one typed address is the site root.

A clerk creates a task → the leader approves it from the 待办 home → the clerk commits the draw,
enters the witnesses' dice and executes it → the drawn inspector records the result from the
待办 home and submits it → the clerk accepts it and drafts its publication → the leader approves
the publication → its public page on the portal shows the result.

It runs on a desktop and on a phone-size screen (where the menu folds behind the 菜单 button),
checks every page it passes with the accessibility scan, and saves a screenshot of each step to
``$SPOTCHECK_ARTIFACTS/walkthrough/<viewport>/NN-step.png`` (default ``var/artifacts``; CI keeps
them as artefacts). With ``UPDATE_SCREENSHOTS=1`` the desktop run also refreshes the README's
docs/img/home.png.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from spotcheck.disclosure import publications
from spotcheck.draws.models import TeamMember
from spotcheck.planning import services as planning
from tests.browser.axe import accessibility_problems
from tests.browser.conftest import PASSWORD, is_csp_violation
from tests.browser.test_full_flow import _world
from tests.conftest import Personas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
README_HOME = ROOT / "docs" / "img" / "home.png"
VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
TASK_NAME = "单用途商业预付卡随机抽查"


# A page wider than the screen (a phone then zooms out or scrolls sideways): the page's width
# and the elements that stick out of it, outside any scroll box of their own.
SIDEWAYS = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return null;
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const out = [...document.querySelectorAll("body *")].filter(
    e => e.getBoundingClientRect().right > width + 1 && !clipped(e));
  return document.documentElement.scrollWidth + "px: " + out.slice(0, 5).map(
    e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
      (e.className && typeof e.className === "string" ? "." + e.className.split(" ").join(".") : "")
  ).join(", ");
}"""


def artifacts_dir(viewport: str) -> Path:
    base = Path(os.environ.get("SPOTCHECK_ARTIFACTS") or ROOT / "var" / "artifacts")
    return base / "walkthrough" / viewport


def label(text: str) -> re.Pattern[str]:
    """A field's label as Django renders it (with or without the ： suffix)."""
    return re.compile(rf"^\s*{re.escape(text)}\s*[:：]?\s*$")


class Walk:
    """One browser tab, logged in as one person after another; numbered screenshots."""

    def __init__(self, page: Page, viewport: str, base: str) -> None:
        self.page, self.viewport, self.base = page, viewport, base
        self.step = 0
        self.problems: list[str] = []
        self.shots = artifacts_dir(viewport)
        self.shots.mkdir(parents=True, exist_ok=True)
        for old in self.shots.glob("*.png"):
            old.unlink()

    def shot(self, name: str) -> Path:
        """Screenshot of this step, and the accessibility scan of the page it shows."""
        self.step += 1
        path = self.shots / f"{self.step:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        where = f"step {self.step} ({name})"
        self.problems += accessibility_problems(self.page, where)
        wide = self.page.evaluate(SIDEWAYS)
        if wide:
            self.problems.append(f"{where} scrolls sideways: {wide}")
        return path

    def menu(self, name: str) -> None:
        """Follow a main-menu link; on a phone, open the folded menu first."""
        toggle = self.page.locator("#nav-toggle")
        if toggle.is_visible():
            toggle.click()
            expect(toggle).to_have_attribute("aria-expanded", "true")
            self.shot("menu")
        self.page.locator("#mainnav").get_by_role("link", name=name, exact=True).click()

    def todo(self, kind: str, title: str) -> None:
        """Open an item of the 待办 home (the brand link leads there from any page)."""
        self.page.locator(".topbar .brand").click()
        item = self.page.locator(".todo-item").filter(has_text=kind).filter(has_text=title)
        item.get_by_role("link").first.click()

    def log_in(self, username: str) -> None:
        self.page.get_by_label(label("用户名")).fill(username)
        self.page.get_by_label(label("密码")).fill(PASSWORD)
        self.page.get_by_role("button", name="登录").click()
        expect(self.page.get_by_role("heading", name="待办", exact=True)).to_be_visible()

    def log_out(self) -> None:
        self.page.get_by_role("button", name="退出").click()
        expect(self.page.get_by_role("heading", name="登录")).to_be_visible()

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)


def _pick_item(page: Page, code: str, name: str) -> None:
    """The task form's item picker as a clerk uses it: type part of the name, tick the box."""
    items = page.get_by_role("group", name=re.compile("抽查事项"))
    items.get_by_role("searchbox").fill(name[:4])
    items.get_by_label(f"{code} {name}").check()


@pytest.fixture(params=list(VIEWPORTS))
def walk(
    request: pytest.FixtureRequest, browser: Browser, live_server: Any, csp_violations: list[str]
) -> Iterator[Walk]:
    context = browser.new_context(locale="zh-CN", **VIEWPORTS[request.param])
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: csp_violations.append(msg.text) if is_csp_violation(msg.text) else None,
    )
    walk = Walk(page, request.param, str(live_server.url))
    yield walk
    # Where the walk ended: the page a failed step left behind, for whoever reads the artefacts.
    page.screenshot(path=str(walk.shots / "zz-last-page.png"), full_page=True)
    context.close()
    assert csp_violations == [], "pages broke the Content-Security-Policy"


def test_walkthrough_from_task_to_public_result(
    walk: Walk, personas: Personas, today: dt.date
) -> None:
    world = _world(personas)
    item = world["item"]
    # Two more things wait for the leader, so that the 待办 home (and the README's picture of
    # it) shows a list: next year's plan, and the clerk's inspector list to publish.
    planning.plan_create(actor=personas.section, year=today.year + 1, items=[item], sectors=[])
    roster = publications.publication_draft(
        actor=personas.section, kind="inspector_list", source=personas.dept
    )
    publications.publication_submit(actor=personas.section, publication=roster)
    personas.section.display_name = "王科员"  # the names the screenshots show
    personas.section.save(update_fields=["display_name"])
    personas.leader.display_name = "李局长"
    personas.leader.save(update_fields=["display_name"])
    page = walk.page

    # The one typed address: the site root, which asks for a login.
    page.goto(walk.base + "/")
    walk.shot("login")

    # 1. The clerk creates the task: 抽查任务 → 制定抽查任务, and saves it for approval.
    walk.log_in("section")
    walk.shot("home-section")
    walk.menu("抽查任务")
    page.get_by_role("link", name="制定抽查任务").click()
    page.get_by_label(label("任务名称")).fill(TASK_NAME)
    page.get_by_label(label("抽查方式")).select_option(label="不定向抽查")
    _pick_item(page, item.code, item.name)
    page.get_by_label(label("抽取方式")).select_option(label="按数量")
    page.get_by_label(label("各层（未单列的分层）比例或数量")).fill("2")
    # The inspection window opens today: the results can be recorded in this same walk.
    page.get_by_label(label("检查开始日期")).fill(today.isoformat())
    page.get_by_label(label("检查结束日期")).fill((today + dt.timedelta(days=14)).isoformat())
    walk.shot("task-form")
    walk.button("保存为草稿").click()
    expect(page.locator("#task-state")).to_have_text("草稿")
    walk.shot("task-draft")
    walk.log_out()

    # 2. The leader finds it on the 待办 home and approves it.
    walk.log_in("leader")
    expect(page.locator(".todo-item").filter(has_text=TASK_NAME)).to_contain_text("抽查任务待批准")
    expect(page.locator(".todo-item")).to_have_count(3)
    home = walk.shot("home-leader")
    if walk.viewport == "desktop" and os.environ.get("UPDATE_SCREENSHOTS"):
        page.screenshot(path=str(README_HOME), clip={"x": 0, "y": 0, "width": 1280, "height": 660})
    walk.todo("抽查任务待批准", TASK_NAME)
    walk.button("批准抽查任务").click()
    expect(page.locator("#task-state")).to_have_text("已批准")
    walk.shot("task-approved")
    walk.log_out()

    # 3. The clerk commits the draw with two witnesses, enters their dice and executes it.
    walk.log_in("section")
    walk.todo("待承诺抽取", TASK_NAME)
    page.get_by_label(label("见证人姓名 / 随机信标轮次 / 彩票期号")).fill("王五\n赵六")
    walk.button("承诺抽取").click()
    expect(page.locator("#commitment-digest")).not_to_be_empty()
    walk.shot("draw-committed")
    page.get_by_label(re.compile("王五 的 6 枚骰子点数")).fill("352614")
    page.get_by_label(re.compile("赵六 的 6 枚骰子点数")).fill("611243")
    walk.shot("dice")
    walk.button("执行抽取").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("抽取结果与检查组")
    expect(page.locator("#results-table tbody tr")).to_have_count(2)
    walk.shot("draw-results")
    walk.log_out()

    # 4. A drawn inspector records the visit from the 待办 home and submits it.
    member = (
        TeamMember.objects.filter(active=True, draw__task__name=TASK_NAME)
        .select_related("inspector__user", "target")
        .order_by("target__credit_code", "position")
        .first()
    )
    assert member is not None and member.inspector.user is not None
    target = member.target
    walk.log_in(member.inspector.user.username)
    walk.shot("home-inspector")
    walk.todo("检查结果待录入", target.name)
    page.get_by_label(label("检查日期")).fill(today.isoformat())
    page.get_by_label(f"{item.code} {item.name} 检查结果").select_option(label="未发现问题")
    page.get_by_label(label("总体检查结果")).select_option(label="未发现问题")
    page.get_by_label(label("检查情况说明")).fill("现场核查预付卡发行备案和资金存管，未发现问题")
    walk.button("保存草稿").click()
    expect(page.locator(".messages")).to_contain_text("检查结果草稿已保存")
    walk.shot("result-recorded")
    walk.button("提交审核").click()
    expect(page.locator("#inspection-state")).to_have_text("已提交待审核")
    walk.shot("result-submitted")
    walk.log_out()

    # 5. The clerk accepts it and drafts its publication (检查结果 → the target → 发起公示).
    walk.log_in("section")
    walk.todo("检查结果待审核", target.name)
    page.get_by_label("通过", exact=True).check()
    walk.shot("result-review")
    walk.button("提交审核意见").click()
    expect(page.locator(".messages")).to_contain_text("已审核通过")
    walk.menu("检查结果")
    page.locator("main").get_by_role("link", name=target.name).click()
    page.locator(".publication-box").get_by_role("link", name="发起公示").click()
    walk.shot("publication-new")
    walk.button("起草公示").click()
    expect(page.locator("#publication-state")).to_have_text("草稿")
    walk.button("提交审核").click()
    expect(page.locator("#publication-state")).to_have_text("待审核")
    walk.shot("publication-submitted")
    walk.log_out()

    # 6. The leader reviews the publication from the 待办 home and publishes it.
    walk.log_in("leader")
    walk.todo("公示待审核", target.name)
    page.get_by_label("同意公示").check()
    walk.button("提交审核结论").click()
    expect(page.locator("#publication-state")).to_have_text("已公示")
    walk.shot("published")

    # 7. Its public page on the portal shows the result (the link on the publication page).
    page.get_by_role("link", name="在公示平台查看").click()
    expect(page.locator("main")).to_contain_text(target.name)
    expect(page.locator("main")).to_contain_text("未发现问题")
    walk.shot("portal-result")

    assert home.stat().st_size > 10_000
    assert walk.problems == [], "accessibility violations:\n" + "\n".join(walk.problems)
