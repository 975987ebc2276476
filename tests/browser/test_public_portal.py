"""Issue 5, public side, in a real browser and without logging in: a member of the public
opens /public/, finds an inspection result by the target's credit code, opens it, goes on to
that task's draw proof, downloads it, and the standalone verifier accepts the downloaded file.
The same walk on a phone-sized screen must never scroll the page sideways."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from spotcheck.disclosure.models import Publication
from tests.browser.conftest import VIEWPORT
from tests.inspections.conftest import Scene, scene  # noqa: F401  (the drawn scene fixture)
from tests.portal.helpers import MASKED_SHOP, OPERATOR, accepted_individual, publish

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]

SRC = Path(__file__).resolve().parents[2] / "src"
README_SCREENSHOT = SRC.parent / "docs" / "img" / "portal-result.png"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": VIEWPORT["width"], "height": VIEWPORT["height"]}


@pytest.fixture(params=["desktop", "phone"])
def visitor(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """An anonymous visitor: a fresh browser context with no cookies at all."""
    phone = request.param == "phone"
    context = browser.new_context(
        viewport=PHONE if phone else DESKTOP,
        locale="zh-CN",
        accept_downloads=True,
        is_mobile=phone,
        has_touch=phone,
    )
    context.set_default_timeout(20_000)
    yield context.new_page()
    context.close()


def _no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def test_public_finds_result_downloads_proof_and_verifies_it(
    visitor: Page,
    live_server: object,
    scene: Scene,  # noqa: F811
    tmp_path: Path,
) -> None:
    base = str(live_server)
    result = publish(scene, "inspection_result", accepted_individual(scene))
    publish(scene, "task_announcement", scene.task)
    publish(scene, "draw_commitment", scene.draw)
    proof = publish(scene, "draw_proof", scene.draw)
    page = visitor

    page.goto(f"{base}/public/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("双随机、一公开 公示平台")
    _no_sideways_scroll(page)
    # Keyboard users can jump past the navigation.
    page.keyboard.press("Tab")
    expect(page.locator("a.skip")).to_be_focused()

    page.get_by_label("查询企业或个体工商户的抽查结果").fill(scene.target.credit_code.lower())
    page.get_by_role("button", name="查询").click()
    page.wait_for_url("**/public/search/**")
    expect(page.locator(".p-count")).to_contain_text("共 1 条公示")
    _no_sideways_scroll(page)
    page.get_by_role("link", name=result.title).click()

    page.wait_for_url(f"**/public/records/{result.pk}/")
    content = page.locator("#main")
    expect(content).to_contain_text(MASKED_SHOP)
    expect(content).to_contain_text("发现问题待后续处理")
    expect(content).not_to_contain_text(OPERATOR)
    expect(page.locator(".p-timeline")).to_contain_text("公示")
    _no_sideways_scroll(page)
    # Refresh the README's with: UPDATE_SCREENSHOTS=1 make test PYTEST_ARGS="tests/browser -k verifies"
    desktop = (page.viewport_size or PHONE)["width"] == DESKTOP["width"]
    if desktop:
        shot = README_SCREENSHOT if os.environ.get("UPDATE_SCREENSHOTS") else tmp_path / "p.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
    page.locator("#task-draws").click()

    page.wait_for_url("**/public/draws/**")
    _no_sideways_scroll(page)
    page.get_by_role("link", name=proof.title).first.click()
    page.wait_for_url("**/public/records/*/")
    expect(page.locator("#commitment-digest")).to_have_text(scene.draw.commitment_digest)
    _no_sideways_scroll(page)

    with page.expect_download() as info:
        page.locator("#proof-download").click()
    download = info.value
    assert download.suggested_filename == f"draw-{scene.draw.pk}-proof.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    run = subprocess.run(
        [sys.executable, "-m", "spotcheck.engine.verify", str(saved)],
        capture_output=True,
        text=True,
        cwd=SRC,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith(f"OK: draw {scene.draw.pk}")

    page.goto(f"{base}/public/verify/")
    expect(page.locator("h1")).to_have_text("如何验证抽取结果")
    _no_sideways_scroll(page)
    assert Publication.objects.filter(pk=proof.pk).exists()
