from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from spotcheck.jobs.models import JobState
from spotcheck.jobs.services import job_for


@login_required
@require_GET
def job_status(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """htmx partial: a progress bar that polls itself until the job ends."""
    job = job_for(request.user, job_id)  # type: ignore[arg-type]
    if job is None:
        raise Http404
    finished = job.state in (JobState.DONE, JobState.FAILED)
    result_url = str(job.params.get("result_url", ""))
    response = render(
        request,
        "jobs/_status.html",
        {"job": job, "finished": finished, "result_url": result_url},
    )
    if finished and result_url and request.headers.get("HX-Request"):
        response["HX-Redirect"] = result_url
    return response
