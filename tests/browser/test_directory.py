"""Issue 2 acceptance in a real browser: filter, import with a bad row, fix, import; access."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from spotcheck.directory import exporting
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import Target
from tests.browser.conftest import login
from tests.conftest import Personas
from tests.factories import TargetFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

# The README screenshot; a normal test run writes a throw-away copy so the checkout stays clean.
# Refresh the README's with: UPDATE_SCREENSHOTS=1 make test PYTEST_ARGS="tests/browser -k filters"
README_SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "img" / "targets.png"
REGION = "黄河东路街道"
SHOP_NAMES = [
    "金凤区银湖百货商店",
    "宁夏塞上优品商贸有限公司",
    "金凤区阅海便利超市",
    "银川汇丰源日用品有限公司",
    "金凤区正源街惠民超市",
    "宁夏贺兰山物资商贸有限公司",
    "金凤区北京中路百货店",
    "银川鑫隆达商贸有限公司",
    "金凤区满城家电销售部",
    "宁夏佳和连锁超市有限公司",
    "金凤区丰庆路五金百货店",
    "银川宏达预付卡服务有限公司",
]


def _directory(personas: Personas) -> None:
    """A small synthetic directory: retail in the filtered region, and decoys around it."""
    for i, name in enumerate(SHOP_NAMES):
        TargetFactory(
            # Fixed codes (not the factory sequence) keep the README screenshot stable.
            credit_code=make_code("91", "640106", f"MA7JF{i:04d}"),
            name=name,
            industry_code=["F5211", "F5212", "F5219", "F5271"][i % 4],
            industry_name=["百货零售", "超级市场零售", "其他综合零售", "家用电器零售"][i % 4],
            region=REGION,
            credit_class="ABCD"[i % 4],
            key_industry=i % 3 == 0,
            abnormal_list=i % 5 == 2,
            blacklisted=i == 7,
            departments=[personas.dept],
        )
    TargetFactory(
        name="金凤区长城路餐饮店",
        industry_code="H6210",
        industry_name="正餐服务",
        region="长城中路街道",
        departments=[personas.dept],
    )
    TargetFactory(
        name="宁夏长城路百货有限公司",
        industry_code="F5211",
        industry_name="百货零售",
        region="长城中路街道",
        departments=[personas.dept],
    )


def _targets_csv(rows: list[dict[str, str]]) -> bytes:
    """A CSV laid out like the downloadable template (same Chinese headers)."""
    template = exporting.template_csv("targets")
    text = template.decode("utf-8-sig") if isinstance(template, bytes) else str(template)
    headers = next(csv.reader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=headers, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({h: row.get(h, "") for h in headers})
    return out.getvalue().encode("utf-8-sig")


NEW_A = make_code("91", "640106", "MA77AAA01")
NEW_B = make_code("91", "640106", "MA77AAA02")
GOOD_ROW = {
    "统一社会信用代码": NEW_A,
    "名称": "金凤区导入测试一号商行",
    "对象类型": "企业",
    "行业代码": "F5211",
    "行业名称": "百货零售",
    "所属区域": REGION,
}
BAD_ROW = {
    "统一社会信用代码": "91640106MA77AAA0IO",  # I and O are never used in credit codes
    "名称": "金凤区导入测试二号商行",
    "对象类型": "企业",
    "行业代码": "F5212",
    "行业名称": "超级市场零售",
    "所属区域": REGION,
}


def _upload(page: Page, filename: str, body: bytes) -> None:
    page.set_input_files(
        "#import-form input[name=file]",
        files=[{"name": filename, "mimeType": "text/csv", "buffer": body}],
    )
    page.click("#import-form button[type=submit]")


def test_section_filters_imports_and_sees_new_records(
    new_page: Callable[[], Page], live_server: object, personas: Personas, tmp_path: Path
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    _directory(personas)
    personas.section.display_name = "王科员"  # shown in the README screenshot's top bar
    personas.section.save(update_fields=["display_name"])
    page = new_page()
    login(page, base, "section")

    # Filter by industry (GB/T 4754 prefix) and region.
    page.click("nav.mainnav >> text=检查对象")
    page.fill("#target-filters input[name=industry]", "F52")
    page.select_option("#target-filters select[name=region]", REGION)
    page.click("#target-filters button[type=submit]")
    rows = page.locator("#target-table tbody tr")
    expect(rows).to_have_count(len(SHOP_NAMES))
    expect(page.locator("#target-table")).to_contain_text("宁夏塞上优品商贸有限公司")
    expect(page.locator("#target-table")).not_to_contain_text("宁夏长城路百货有限公司")
    expect(page.locator("#target-table")).not_to_contain_text("金凤区长城路餐饮店")
    assert "industry=F52" in page.url
    shot = README_SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "targets.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    # The top of the page (filters and the first rows) keeps the README's PNG under 200 KB.
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1280, "height": 700})
    assert shot.stat().st_size > 10_000

    # Import a file with one bad row: the dry run names row, column and reason; nothing is written.
    page.click("#target-import")
    _upload(page, "新增检查对象.csv", _targets_csv([GOOD_ROW, BAD_ROW]))
    problems = page.locator("#problem-table")
    expect(problems).to_be_visible()
    bad_line = problems.locator("tbody tr").filter(has_text="统一社会信用代码").first
    expect(bad_line.locator("td").nth(0)).to_have_text("3")  # header is row 1
    expect(bad_line.locator("td").nth(2)).to_contain_text("IO")
    expect(page.locator("#import-has-errors")).to_be_visible()
    expect(page.locator("#commit-form")).to_have_count(0)
    assert not Target.objects.filter(credit_code=NEW_A).exists()

    # Fix the row, upload again, confirm, and the new records are in the list.
    page.get_by_role("link", name="重新上传").click()
    fixed = {**BAD_ROW, "统一社会信用代码": NEW_B}
    _upload(page, "新增检查对象（已修正）.csv", _targets_csv([GOOD_ROW, fixed]))
    expect(page.locator("#import-summary")).to_be_visible()
    expect(page.locator("#import-has-errors")).to_have_count(0)
    page.click("#commit-form button[type=submit]")
    expect(page.locator("#import-done")).to_be_visible()
    expect(page.locator("#import-done")).to_contain_text("新增 2 条")
    page.click("#import-done >> text=返回列表")
    page.fill("#target-filters input[name=q]", "导入测试")
    page.click("#target-filters button[type=submit]")
    expect(page.locator("#target-table tbody tr")).to_have_count(2)
    expect(page.locator("#target-table")).to_contain_text(NEW_A)
    expect(page.locator("#target-table")).to_contain_text(NEW_B)
    assert set(
        Target.objects.filter(credit_code__in=[NEW_A, NEW_B]).values_list("region", flat=True)
    ) == {REGION}


def test_inspector_cannot_edit_targets(
    new_page: Callable[[], Page], live_server: object, personas: Personas
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    target = TargetFactory(name="受保护的检查对象", departments=[personas.dept])
    page = new_page()
    login(page, base, "inspector")
    expect(page.locator("nav.mainnav")).not_to_contain_text("检查对象")
    page.goto(f"{base}/directory/targets/{target.pk}/edit/")
    expect(page.locator("#forbidden")).to_be_visible()
    page.goto(f"{base}/directory/targets/")
    expect(page.locator("#forbidden")).to_contain_text("无权查看检查对象名录库")
    expect(page.locator(".edit-link")).to_have_count(0)
    # They can still read the item list and the inspector directory.
    page.click("nav.mainnav >> text=执法检查人员")
    expect(page.locator("h1")).to_have_text("执法检查人员名录库")


def test_checksum_warning_is_confirmed_in_the_form(
    new_page: Callable[[], Page], live_server: object, personas: Personas
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    good = make_code("91", "640106", "MA77BBB01")
    pilot = good[:17] + ("0" if good[17] != "0" else "1")
    page = new_page()
    login(page, base, "section")
    page.goto(f"{base}/directory/targets/new/")
    page.fill("input[name=credit_code]", pilot)
    page.fill("input[name=name]", "早期试点代码企业")
    page.select_option("select[name=kind]", "enterprise")
    page.click("main form button[type=submit]")
    confirm = page.locator("#field-confirm_code_warning")
    expect(confirm).to_contain_text("校验位不符")
    confirm.locator("input[type=checkbox]").check()
    page.click("main form button[type=submit]")
    expect(page.locator("h1")).to_have_text("早期试点代码企业")
    expect(page.locator("#history")).to_contain_text("section")
