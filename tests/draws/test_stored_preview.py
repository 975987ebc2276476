"""The task page's preview for a large directory: computed by a job and stored, never rebuilt
inside a page view; the same figures and lines as the live preview."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from spotcheck.core.errors import ServiceError
from spotcheck.draws import preview as stored
from spotcheck.draws import services as draws
from spotcheck.draws.models import CapOverride, PoolPreview, PreviewLine
from spotcheck.draws.services_cap import cap_override_approve, cap_override_request
from spotcheck.jobs.models import Job, JobState
from spotcheck.jobs.services import job_create
from spotcheck.planning import views_preview
from tests.factories import TargetFactory
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db
LARGE = override_settings(PREVIEW_INLINE_MAX=0)
DICE = {"见证人：王五": "352614", "见证人：赵六": "611243"}


def _page(client: Client, task: Any, query: str = "") -> Any:
    response = client.get(reverse("planning:task_detail", args=[task.pk]) + query)
    assert response.status_code == 200
    return response


def _no_live_build(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the page built the whole pool")

    monkeypatch.setattr(views_preview, "build_pool", refuse)


def _rows(response: Any) -> list[Any]:
    return [
        (r.credit_code, r.weight, r.probability, r.excluded)
        for r in response.context["preview"]["rows"]
    ]


def _strata(response: Any) -> list[Any]:
    return [vars(s) for s in response.context["preview"]["strata"]]


def test_large_directory_page_does_not_build_the_pool(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    task = world.task(stratify_by="credit_class")
    client.force_login(world.p.section)
    _no_live_build(monkeypatch)
    with LARGE:
        page = _page(client, task).content.decode()
    assert 'id="preview-none"' in page and 'id="preview-refresh-form"' in page
    assert 'id="preview-table"' not in page
    assert not PoolPreview.objects.exists()


def test_stored_preview_matches_the_live_one_page_by_page(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(150):
        TargetFactory(departments=[world.p.dept], credit_class="B")
    task = world.task(stratify_by="credit_class", sample={"mode": "count", "values": {"*": 5}})
    client.force_login(world.p.section)
    live = [_page(client, task), _page(client, task, "?page=2")]
    with LARGE:
        response = client.post(reverse("planning:preview_refresh", args=[task.pk]))
        assert response.status_code == 302 and "preview_job=" in response["Location"]
        _no_live_build(monkeypatch)
        got = [_page(client, task), _page(client, task, "?page=2")]
    preview = PoolPreview.objects.get()
    assert preview.lines == 180 and preview.requested_by == world.p.section
    assert PreviewLine.objects.filter(preview=preview).count() == 180
    positions = list(
        PreviewLine.objects.order_by("position").values_list("position", "credit_code")
    )
    assert [p for p, _c in positions] == list(range(180))
    assert [c for _p, c in positions] == sorted(c for _p, c in positions)
    for a, b in zip(live, got, strict=True):
        assert _rows(a) and _rows(a) == _rows(b)
        assert _strata(a) == _strata(b)
        assert a.context["preview"]["page"].paginator.num_pages == 2
        assert b.context["preview"]["page"].paginator.num_pages == 2
    page = got[0].content.decode()
    assert 'id="stored-preview"' in page and "计算于" in page and 'id="preview-table"' in page
    assert "重新计算预览" in page
    job = Job.objects.get(kind=stored.JOB_KIND)
    assert job.state == JobState.DONE and job.result["lines"] == 180


def test_a_new_preview_replaces_the_old_one(client: Client, world: World) -> None:
    task = world.task()
    client.force_login(world.p.section)
    url = reverse("planning:preview_refresh", args=[task.pk])
    with LARGE:
        client.post(url)
        first = PoolPreview.objects.get()
        TargetFactory(departments=[world.p.dept], credit_class="A")
        client.post(url)
    second = PoolPreview.objects.get()
    assert second.pk != first.pk and second.lines == first.lines + 1
    assert not PreviewLine.objects.filter(preview_id=first.pk).exists()
    assert PreviewLine.objects.filter(preview=second).count() == second.lines


def test_one_job_at_a_time_per_task(world: World) -> None:
    task = world.task()
    queued = job_create(
        owner=world.p.leader, kind=stored.JOB_KIND, label="x", params={"task": task.pk}
    )
    with LARGE:
        assert stored.preview_start(task=task, actor=world.p.section) == queued
    assert Job.objects.filter(kind=stored.JOB_KIND).count() == 1
    assert not PoolPreview.objects.exists()


def test_someone_elses_running_job_is_named_not_duplicated(client: Client, world: World) -> None:
    task = world.task()
    job_create(owner=world.p.leader, kind=stored.JOB_KIND, label="x", params={"task": task.pk})
    client.force_login(world.p.section)
    with LARGE:
        page = _page(client, task).content.decode()
    assert 'id="preview-running"' in page and 'id="preview-refresh-form"' not in page


def test_shortfall_and_error_are_stored_and_shown(client: Client, world: World) -> None:
    task = world.task(sample={"mode": "count", "values": {"*": 31}})
    client.force_login(world.p.section)
    with LARGE:
        client.post(reverse("planning:preview_refresh", args=[task.pk]))
        page = _page(client, task).content.decode()
    preview = PoolPreview.objects.get()
    assert "只有 30 个符合条件" in preview.error and preview.lines == 0
    assert 'id="preview-error"' in page and "只有 30 个符合条件" in page
    # Before approval the page says why the task cannot go forward.
    assert "符合条件的检查对象不足" in page


def test_capped_targets_come_from_the_stored_preview_and_go_stale_on_override(
    client: Client, world: World
) -> None:
    world.fill_yearly_cap()
    task = world.task(sample={"mode": "count", "values": {"*": 1}})
    client.force_login(world.p.section)
    target = world.targets[0]
    with LARGE:
        client.post(reverse("planning:preview_refresh", args=[task.pk]))
        page = _page(client, task).content.decode()
        assert "override-form" in page and target.credit_code in page
        assert 'id="preview-stale"' not in page
        cap_override_request(actor=world.p.section, task=task, target=target, reason="群众投诉")
        cap_override_approve(actor=world.p.leader, override=CapOverride.objects.get())
        page = _page(client, task).content.decode()
    assert 'id="preview-stale"' in page


def test_after_commitment_there_is_nothing_to_preview(client: Client, world: World) -> None:
    task = world.approved_task()
    world.staff_for_full_draws()
    draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    task.refresh_from_db()
    with pytest.raises(ServiceError):
        stored.preview_start(task=task, actor=world.p.section)
    client.force_login(world.p.section)
    with LARGE:
        response = client.post(reverse("planning:preview_refresh", args=[task.pk]), follow=True)
        page = response.content.decode()
    assert "该任务已承诺抽取" in page and 'id="stored-preview"' not in page
    assert not Job.objects.filter(kind=stored.JOB_KIND).exists()


def test_a_job_for_a_task_committed_meanwhile_stores_nothing(world: World) -> None:
    task = world.approved_task()
    world.staff_for_full_draws()
    job = job_create(
        owner=world.p.section, kind=stored.JOB_KIND, label="x", params={"task": task.pk}
    )
    draws.draw_commit(
        actor=world.p.section,
        task=task,
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    from spotcheck.jobs.services import run

    run(str(job.pk), "spotcheck.draws.preview.preview_job")
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "已承诺抽取" in job.message
    assert not PoolPreview.objects.exists()


def test_a_failed_job_is_reported_to_its_owner(client: Client, world: World) -> None:
    task = world.task()
    job = job_create(
        owner=world.p.section, kind=stored.JOB_KIND, label="x", params={"task": task.pk}
    )
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED, message="数据库连接中断")
    client.force_login(world.p.section)
    with LARGE:
        page = _page(client, task, f"?preview_job={job.pk}").content.decode()
        assert "预览计算失败" in page and "数据库连接中断" in page
        # Someone else's job id, or garbage, says nothing.
        client.force_login(world.p.leader)
        assert "预览计算失败" not in _page(client, task, f"?preview_job={job.pk}").content.decode()
        assert _page(client, task, "?preview_job=not-a-uuid").status_code == 200


def test_refresh_access(client: Client, world: World) -> None:
    task = world.task()
    url = reverse("planning:preview_refresh", args=[task.pk])
    assert client.post(url).status_code == 302 and not Job.objects.exists()  # to the login
    with LARGE:
        for who in ("other_section", "inspector", "legal_reviewer"):
            client.force_login(getattr(world.p, who))
            assert client.post(url).status_code == 403, who
        assert not Job.objects.exists()
        client.force_login(world.p.section)
        assert client.get(url).status_code == 405
        assert client.post(reverse("planning:preview_refresh", args=[999999])).status_code == 404
        client.force_login(world.p.auditor)
        assert client.post(url).status_code == 302
    assert Job.objects.get().owner == world.p.auditor


def test_small_directories_keep_the_live_preview(client: Client, world: World) -> None:
    task = world.task()
    client.force_login(world.p.section)
    page = _page(client, task).content.decode()
    assert 'id="stored-preview"' not in page and 'id="preview-table"' in page


def test_directory_size_uses_statistics_once_analysed(world: World) -> None:
    from spotcheck.directory.models import Target

    if connection.vendor != "postgresql":
        assert stored.directory_size() == Target.objects.count() >= 30
        return
    # ANALYZE writes pg_class in place (rollback does not undo it), so earlier tests leave
    # statistics behind: analyse here, then the estimate is the count.
    with connection.cursor() as cur:
        cur.execute("ANALYZE directory_target")
    # An estimate: ANALYZE also meets the dead rows earlier tests rolled back.
    assert abs(stored.directory_size() - Target.objects.count()) <= 2


def test_preview_lines_survive_copy_escaping(client: Client, world: World) -> None:
    """Region strata are free text: a tab or backslash must reach the page as entered."""
    odd = "东区\t一\\街"
    for t in world.targets[:3]:
        t.region = odd
        t.save()
    task = world.task(stratify_by="region", sample={"mode": "count", "values": {"*": 1}})
    client.force_login(world.p.section)
    with LARGE:
        client.post(reverse("planning:preview_refresh", args=[task.pk]))
    strata = set(PreviewLine.objects.values_list("stratum", flat=True))
    assert any(odd in s for s in strata), strata
    assert re.search("东区", str(PoolPreview.objects.get().strata))


def test_stored_preview_in_english(client: Client, world: World) -> None:
    from django.conf import settings

    task = world.task()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(world.p.section)
    with LARGE:
        page = _page(client, task).content.decode()
        assert "Compute the inclusion probability preview" in page
        client.post(reverse("planning:preview_refresh", args=[task.pk]))
        page = _page(client, task).content.decode()
    assert "computed in the background and stored" in page and "Compute the preview again" in page
    assert "计算于" not in page and "名录较大" not in page


def test_purge_previews_removes_only_those_of_committed_tasks(world: World) -> None:
    from django.core.management import call_command

    keep = world.task()
    gone = world.approved_task()
    with LARGE:
        stored.preview_start(task=keep, actor=world.p.section)
        stored.preview_start(task=gone, actor=world.p.section)
    world.staff_for_full_draws()
    draws.draw_commit(
        actor=world.p.section, task=gone, randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )  # fmt: skip
    lines = PreviewLine.objects.filter(preview__task=gone).count()
    assert lines > 0
    out = io.StringIO()
    call_command("purge_previews", "--dry-run", stdout=out)
    assert f"将删除 1 份预览（{lines} 行）" in out.getvalue()
    assert PoolPreview.objects.count() == 2
    call_command("purge_previews", stdout=out)
    assert list(PoolPreview.objects.values_list("task_id", flat=True)) == [keep.pk]
    assert not PreviewLine.objects.filter(preview__task=gone).exists()
    assert PreviewLine.objects.filter(preview__task=keep).exists()
