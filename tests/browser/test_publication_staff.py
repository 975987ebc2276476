"""Issue 5, staff side, in a real browser: a section clerk drafts the result publication of an
accepted inspection from the inspection page and submits it; a second clerk of the department
approves it; it shows as published; a correction produces v2, approved in turn, and the version
history shows both (v1 corrected, v2 published)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from spotcheck.disclosure.models import Publication, PublicationState
from spotcheck.inspections.services_inspection import inspection_review, inspection_submit
from tests.browser.conftest import login
from tests.inspections.conftest import Scene, scene  # noqa: F401  (the drawn scene fixture)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_draft_submit_approve_and_correct(
    new_page: Callable[[], Page],
    live_server: object,
    scene: Scene,  # noqa: F811
) -> None:
    base = str(live_server)
    inspection = inspection_submit(actor=scene.p.inspector, inspection=scene.save())
    inspection_review(actor=scene.p.section, inspection=inspection, accept=True)

    clerk = new_page()
    login(clerk, base, "section")
    clerk.goto(f"{base}/inspections/draws/{scene.draw.pk}/targets/{scene.target.pk}/")
    box = clerk.locator(".publication-box[data-kind=inspection_result]")
    expect(box).to_contain_text("尚未公示")
    box.locator("a[data-action=publish-inspection_result]").click()
    expect(clerk.locator("#payload-preview")).to_contain_text(scene.target.credit_code)
    clerk.click("#draft-submit")
    expect(clerk.locator("#publication-state")).to_have_text("草稿")
    expect(clerk.locator("#publication-deadline")).to_contain_text("最迟于")
    clerk.click("#publication-submit")
    expect(clerk.locator("#publication-state")).to_have_text("待审核")
    # The author is told why they cannot review their own publication (Art. 14).
    expect(clerk.locator("#review-blocked")).to_contain_text("不能审核自己起草的公示")
    v1_url = clerk.url

    reviewer = new_page()
    login(reviewer, base, "section2")
    reviewer.goto(v1_url)
    reviewer.check("#review-form input[name=decision][value=approve]")
    reviewer.fill("#review-form textarea[name=comment]", "保密审查通过")
    reviewer.click("#review-submit")
    expect(reviewer.locator("#publication-state")).to_have_text("已公示")
    expect(reviewer.locator("#publication-meta")).to_contain_text("保密审查通过")

    clerk.goto(v1_url)
    expect(clerk.locator("#publication-state")).to_have_text("已公示")
    clerk.click("#publication-correct")
    clerk.fill("#correct-form textarea[name=note]", "检查日期更正")
    clerk.click("#correct-submit")
    expect(clerk.locator("h1")).to_contain_text("v2")
    clerk.click("#publication-submit")
    expect(clerk.locator("#publication-state")).to_have_text("待审核")

    reviewer.goto(clerk.url)
    reviewer.check("#review-form input[name=decision][value=approve]")
    reviewer.click("#review-submit")
    expect(reviewer.locator("#publication-state")).to_have_text("已公示")
    history = reviewer.locator("#publication-history")
    expect(history.locator("tr[data-version='1']")).to_contain_text("已更正")
    expect(history.locator("tr[data-version='2']")).to_contain_text("已公示")
    expect(history.locator("tr[data-version='2']")).to_contain_text("检查日期更正")

    # (The draw's commitment was published when the draw was committed; not part of this story.)
    v1, v2 = Publication.objects.exclude(kind="draw_commitment").order_by("version")
    assert (v1.state, v2.state) == (PublicationState.CORRECTED, PublicationState.PUBLISHED)
    assert v2.supersedes == v1 and v2.reviewer == scene.section2
