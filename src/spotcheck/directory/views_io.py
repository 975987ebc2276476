"""Import/export pages. Thin: check access, call importing/exporting, render the result."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from spotcheck.core import access
from spotcheck.directory import exporting
from spotcheck.directory.importing.columns import SPECS
from spotcheck.directory.importing.jobs import JOB_KIND, commit_start, import_start
from spotcheck.directory.importing.problems import ImportRefused
from spotcheck.jobs import files
from spotcheck.jobs.models import Job, JobState
from spotcheck.jobs.services import job_for

LIST_URLS = {
    "items": "directory:item_list",
    "targets": "directory:target_list",
    "inspectors": "directory:inspector_list",
}
PROBLEMS_PER_PAGE = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _spec_or_404(kind: str) -> Any:
    try:
        return SPECS[kind]
    except KeyError:
        raise Http404 from None


def _import_job(request: HttpRequest, job_id: uuid.UUID) -> Job:
    if not access.can_import(request.user):
        raise PermissionDenied
    job = job_for(request.user, job_id)  # type: ignore[arg-type]
    if job is None or job.kind != JOB_KIND:
        raise Http404
    return job


@login_required
@require_http_methods(["GET", "POST"])
def import_start_view(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec_or_404(kind)
    if not access.can_import(request.user):
        raise PermissionDenied
    error = ""
    if request.method == "POST" and _declared_size(request) > settings.IMPORT_MAX_BYTES + 65536:
        # Refuse before Django spools a huge body to disk.
        error = _("文件过大，上限为 %(mb)d MB，请拆分后分批导入") % {
            "mb": settings.IMPORT_MAX_BYTES // 1048576
        }
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要上传的文件")
        else:
            try:
                job = import_start(actor=request.user, kind=kind, upload=upload)  # type: ignore[arg-type]
            except ImportRefused as exc:
                error = exc.message
            else:
                return redirect("directory:import_preview", job_id=job.pk)
    return render(
        request,
        "directory/io/start.html",
        {"spec": spec, "kind": kind, "error": error, "list_url": reverse(LIST_URLS[kind])},
        status=400 if error else 200,
    )


@login_required
@require_GET
def import_preview(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _import_job(request, job_id)
    kind = job.params.get("kind", "targets")
    spec = _spec_or_404(kind)
    validation = job.result.get("validation") or {}
    problems = Paginator(validation.get("problems", []), PROBLEMS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    running = job.state in (JobState.QUEUED, JobState.RUNNING)
    return render(
        request,
        "directory/io/preview.html",
        {
            "job": job,
            "spec": spec,
            "kind": kind,
            "running": running,
            "validation": validation,
            "problems": problems,
            "committed": job.result.get("commit"),
            "blocked": job.result.get("blocked", ""),
            "stage": job.params.get("stage", "validate"),
            "list_url": reverse(LIST_URLS[kind]),
        },
    )


@login_required
@require_POST
def import_commit(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    job = _import_job(request, job_id)
    try:
        commit_start(
            actor=request.user,  # type: ignore[arg-type]
            job=job,
            confirm_warnings=request.POST.get("confirm_warnings") == "1",
        )
    except ImportRefused as exc:
        messages.error(request, exc.message)
    return redirect("directory:import_preview", job_id=job.pk)


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    spec = _spec_or_404(kind)
    if not access.can_import(request.user):
        raise PermissionDenied
    if fmt == "xlsx":
        body = exporting.template_xlsx(kind)
        content_type = XLSX_TYPE
    elif fmt == "csv":
        body = exporting.template_csv(kind)
        content_type = "text/csv; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    filename = f"{spec.label}导入模板.{fmt}"
    response["Content-Disposition"] = _attachment(filename)
    return response


@login_required
@require_GET
def export(request: HttpRequest, kind: str) -> HttpResponseBase:
    _spec_or_404(kind)
    if not access.can_export(request.user):
        raise PermissionDenied
    actor = request.user
    size = exporting.export_size(actor=actor, kind=kind, params=request.GET)  # type: ignore[arg-type]
    if size > exporting.EXPORT_INLINE_MAX_ROWS:
        job = exporting.export_start(actor=actor, kind=kind, params=dict(request.GET.lists()))  # type: ignore[arg-type]
        return redirect("directory:export_download", job_id=job.pk)
    result = exporting.export_directory(actor=actor, kind=kind, params=request.GET)  # type: ignore[arg-type]
    return FileResponse(
        result.file,
        as_attachment=True,
        filename=result.filename,
        content_type=XLSX_TYPE,
    )


@login_required
@require_GET
def export_download(request: HttpRequest, job_id: uuid.UUID) -> HttpResponseBase:
    """Progress of a large export, then the file itself."""
    if not access.can_export(request.user):
        raise PermissionDenied
    job = job_for(request.user, job_id)  # type: ignore[arg-type]
    if job is None or job.kind != exporting.EXPORT_JOB_KIND:
        raise Http404
    name = exporting.export_name(job)
    if job.state == JobState.DONE and files.exists(name):
        return FileResponse(
            default_storage.open(name, "rb"),
            as_attachment=True,
            filename=job.result.get("filename", f"{job.pk}.xlsx"),
            content_type=XLSX_TYPE,
        )
    kind = job.params.get("kind", "targets")
    return render(
        request,
        "directory/io/export.html",
        {
            "job": job,
            "spec": _spec_or_404(kind),
            "running": job.state in (JobState.QUEUED, JobState.RUNNING),
            "list_url": reverse(LIST_URLS[kind]),
        },
    )


def _declared_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _attachment(filename: str) -> str:
    from urllib.parse import quote

    return f"attachment; filename*=UTF-8''{quote(filename)}"
