"""The large-directory preview in a browser: the button, the progress bar polling the job,
and the stored pool shown when the job ends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import override_settings
from playwright.sync_api import Page, expect

from spotcheck.draws import preview as stored
from spotcheck.jobs.services import job_create, run
from tests.browser.conftest import login
from tests.workflow_fixtures import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


@override_settings(PREVIEW_INLINE_MAX=0)
def test_clerk_computes_the_preview_and_pages_through_it(
    new_page: Callable[[], Page], live_server: object, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    task = world.task(stratify_by="credit_class")
    page = new_page()
    login(page, base, "section")
    page.goto(f"{base}/planning/tasks/{task.pk}/")
    expect(page.locator("#preview-none")).to_be_visible()
    expect(page.locator("#preview-table")).to_have_count(0)
    page.click("#preview-refresh-form button")
    expect(page.locator("#stored-preview")).to_contain_text("计算于")
    expect(page.locator("#preview-table tbody tr")).to_have_count(30)
    expect(page.locator("#strata-table tbody tr")).to_have_count(4)
    expect(page.locator("#preview-refresh-form button")).to_have_text("重新计算预览")


@override_settings(PREVIEW_INLINE_MAX=0)
def test_progress_bar_gives_way_to_the_result(
    new_page: Callable[[], Page], live_server: object, world: World
) -> None:
    base = str(live_server.url)  # type: ignore[attr-defined]
    task = world.task()
    # A job the worker has not picked up yet: the page polls it.
    job = job_create(
        owner=world.p.section, kind=stored.JOB_KIND, label="预览", params={"task": task.pk}
    )
    job.params["result_url"] = stored.task_url(task, job)
    job.save(update_fields=["params"])
    page = new_page()
    login(page, base, "section")
    page.goto(f"{base}/planning/tasks/{task.pk}/")
    expect(page.locator(f"#job-{job.pk} progress")).to_be_visible()
    expect(page.locator("#preview-refresh-form")).to_have_count(0)
    run(str(job.pk), "spotcheck.draws.preview.preview_job")
    # The bar's next poll sees the job done and the page reloads with the stored pool.
    expect(page.locator("#preview-table tbody tr")).to_have_count(30, timeout=15_000)
    expect(page.locator("#stored-preview")).to_contain_text("计算于")
