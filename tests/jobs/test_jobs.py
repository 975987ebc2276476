"""The job runner and the polling status partial."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from spotcheck.jobs import services
from spotcheck.jobs.models import Job, JobState
from spotcheck.jobs.services import JobRefused, Progress, dispatch, job_handler, run

pytestmark = pytest.mark.django_db


@job_handler
def ok_handler(job, progress):
    progress(5, 10)
    return {"answer": 42}


@job_handler
def refusing_handler(job, progress):
    raise JobRefused("文件已损坏")


@job_handler
def crashing_handler(job, progress):
    raise ZeroDivisionError


def plain_function(job, progress):
    return {}


def _job(owner, **kwargs) -> Job:
    return Job.objects.create(owner=owner, kind="test", label="测试任务", **kwargs)


@pytest.mark.django_db(transaction=True)  # progress is written as the job runs, not at the end
def test_run_marks_done_and_merges_result(personas):
    job = _job(personas.section, result={"before": 1})
    run(str(job.pk), f"{__name__}.ok_handler")
    job.refresh_from_db()
    assert job.state == JobState.DONE and job.finished_at is not None
    assert job.result == {"before": 1, "answer": 42}
    assert (job.done, job.total) == (5, 10)


def test_refusal_and_crash_end_as_failed_with_a_message(personas):
    job = _job(personas.section)
    run(str(job.pk), f"{__name__}.refusing_handler")
    job.refresh_from_db()
    assert (job.state, job.message) == (JobState.FAILED, "文件已损坏")
    job = _job(personas.section)
    run(str(job.pk), f"{__name__}.crashing_handler")
    job.refresh_from_db()
    assert job.state == JobState.FAILED and "内部错误" in job.message and str(job.pk) in job.message


def test_only_marked_handlers_run(personas):
    job = _job(personas.section)
    with pytest.raises(ValueError):
        run(str(job.pk), f"{__name__}.plain_function")
    with pytest.raises(ValueError):
        run(str(job.pk), "os.getcwd")


def test_dispatch_background_goes_through_django_q(personas, monkeypatch):
    from django_q import tasks

    calls = []
    monkeypatch.setattr(tasks, "async_task", lambda *a, **k: calls.append(a))
    job = _job(personas.section)
    dispatch(job, f"{__name__}.ok_handler", background=True)
    assert calls == [("spotcheck.jobs.services.run", str(job.pk), f"{__name__}.ok_handler")]
    dispatch(job, f"{__name__}.ok_handler", background=False)
    assert len(calls) == 1
    job.refresh_from_db()
    assert job.state == JobState.DONE


@pytest.mark.django_db(transaction=True)
def test_progress_is_throttled_but_always_writes_the_end(personas):
    job = _job(personas.section)
    progress = Progress(job.pk)
    progress(1, 100)
    progress(2, 100)  # within the interval: skipped
    job.refresh_from_db()
    assert job.done == 1
    progress(100, 100)
    job.refresh_from_db()
    assert (job.done, job.total, job.percent) == (100, 100, 100)
    progress.close()
    assert services.Progress.interval > 0


def test_status_partial_polls_until_done(client, personas):
    job = _job(
        personas.section, state=JobState.RUNNING, done=3, total=4, params={"result_url": "/done/"}
    )
    client.force_login(personas.section)
    url = reverse("jobs:job_status", args=[job.pk])
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="3"' in html and "75%" in html
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "/done/"
    html = response.content.decode()
    assert "every 1s" not in html and 'href="/done/"' in html


def test_status_is_only_for_the_owner(client, personas):
    job = _job(personas.section)
    for user in (personas.other_section, personas.auditor, personas.inspector):
        client.force_login(user)
        assert client.get(reverse("jobs:job_status", args=[job.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("jobs:job_status", args=[job.pk]))
    assert response.status_code == 302 and "login" in response.url


def test_a_running_job_without_heartbeat_past_the_timeout_is_failed(client, personas, settings):
    # The worker died mid-job: without this the page would poll "进行中" forever.
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 600}
    now = timezone.now()
    dead = _job(personas.section, state=JobState.RUNNING, heartbeat_at=now - dt.timedelta(hours=1))
    alive = _job(
        personas.section, state=JobState.RUNNING, heartbeat_at=now - dt.timedelta(minutes=5)
    )
    client.force_login(personas.section)
    response = client.get(reverse("jobs:job_status", args=[dead.pk]))
    assert services.STALE_MESSAGE in response.content.decode()
    dead.refresh_from_db()
    assert dead.state == JobState.FAILED and dead.finished_at is not None
    client.get(reverse("jobs:job_status", args=[alive.pk]))
    alive.refresh_from_db()
    assert alive.state == JobState.RUNNING


def test_a_job_that_moved_on_meanwhile_is_not_failed(personas, settings):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 600}
    old = timezone.now() - dt.timedelta(hours=1)
    job = _job(personas.section, state=JobState.RUNNING, heartbeat_at=old)
    # The slow worker writes a heartbeat between our read and our update.
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    assert services.fail_if_stale(job).state == JobState.RUNNING


@pytest.mark.django_db(transaction=True)  # on PostgreSQL progress goes through a second connection
def test_progress_writes_refresh_the_heartbeat(personas):
    job = _job(personas.section, state=JobState.RUNNING)
    Progress(job.pk)(1, 1)
    job.refresh_from_db()
    assert job.heartbeat_at is not None


counted_runs: list[str] = []


@job_handler
def counting_handler(job, progress):
    counted_runs.append(str(job.pk))
    return {"runs": len(counted_runs)}


def test_a_second_delivery_of_the_same_job_runs_nothing(personas, caplog):
    # Two workers (or a broker re-offering a task) may call run() twice for one job: only the
    # caller that moves it from queued to running runs the handler.
    counted_runs.clear()
    job = _job(personas.section)
    run(str(job.pk), f"{__name__}.counting_handler")
    job.refresh_from_db()
    finished = (job.state, job.finished_at, job.result)
    run(str(job.pk), f"{__name__}.counting_handler")
    job.refresh_from_db()
    assert counted_runs == [str(job.pk)]
    assert (
        (job.state, job.finished_at, job.result)
        == finished
        == (
            JobState.DONE,
            finished[1],
            {"runs": 1},
        )
    )
    assert "duplicate delivery ignored" in caplog.text


def test_a_job_already_running_elsewhere_is_left_alone(personas):
    counted_runs.clear()
    job = _job(personas.section, state=JobState.RUNNING, done=2, total=9)
    run(str(job.pk), f"{__name__}.counting_handler")
    job.refresh_from_db()
    assert counted_runs == [] and (job.state, job.done, job.total) == (JobState.RUNNING, 2, 9)
