"""Export a directory list (as filtered on its page) to xlsx, and the blank import templates.

Columns come from the same tables the importer uses (importing.columns), so an exported file
re-imports with no changes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.directory import selectors
from spotcheck.directory.importing.columns import Column, Spec, get_spec, load_context
from spotcheck.directory.importing.parsers import Context
from spotcheck.jobs import files
from spotcheck.jobs.models import Job
from spotcheck.jobs.services import Progress, dispatch, job_handler

CHUNK = 2000
# Lists longer than this are exported by the job worker (openpyxl needs ~0.2 s per 1000 rows).
EXPORT_INLINE_MAX_ROWS = 10_000
DATE_FORMAT = "yyyy-mm-dd"
# Columns that hold codes: formatted as text in templates so Excel keeps every digit.
_TEXT_FIELDS = {"credit_code", "cert_no", "code", "industry_code", "employee_no", "phone"}


@dataclass
class ExportFile:
    file: IO[bytes]
    filename: str
    rows: int


def _int_param(params: Mapping[str, Any], name: str) -> int | None:
    raw = str(params.get(name, "") or "").strip()
    return int(raw) if raw.isdigit() else None


def filtered_queryset(
    *, actor: User, kind: str, params: Mapping[str, Any]
) -> tuple[QuerySet[Any], dict[str, Any]]:
    """The same rows the list page shows for these query parameters, and the filters used."""
    if kind == "targets":
        filters, _errors = selectors.TargetFilter.from_params(params)
        # The department's own 重点行业 flag filters, as on the page (and as iter_rows shows).
        targets = selectors.target_list(
            user=actor, filters=filters, department_id=selectors.register_department(actor)
        )
        return targets, filters.as_dict()
    q = str(params.get("q", "") or "").strip()[:100]
    department = _int_param(params, "department")
    if kind == "items":
        used = {"q": q, "department": department}
        qs: QuerySet[Any] = selectors.item_list(user=actor, q=q, department=department)
    else:
        status = str(params.get("status", "") or "").strip()
        used = {"q": q, "department": department, "status": status}
        qs = selectors.inspector_list(user=actor, q=q, department=department, status=status)
    return qs, {k: v for k, v in used.items() if v not in ("", None)}


def _safe(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _m2m_map(model: type[models.Model], name: str, qs: QuerySet[Any]) -> dict[int, list[int]]:
    field = model._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    source, target = field.m2m_column_name(), field.m2m_reverse_name()  # type: ignore[union-attr]
    result: dict[int, list[int]] = {}
    rows = through.objects.filter(**{f"{source}__in": qs.values("pk")}).values_list(source, target)
    for owner, other in rows.iterator(chunk_size=CHUNK):
        result.setdefault(owner, []).append(other)
    return result


def iter_rows(spec: Spec, qs: QuerySet[Any], ctx: Context) -> Iterator[list[Any]]:
    """Rows of rendered cell values, in column order (shared by xlsx and tests)."""
    model = spec.model
    attnames = {f.name: getattr(f, "attname", f.name) for f in model._meta.get_fields()}
    scalar = [c for c in spec.columns if not c.m2m]
    m2m = {c.field: _m2m_map(model, c.field, qs) for c in spec.columns if c.m2m}
    if spec.kind == "targets":
        # The exporting department's own grade and flag where it set them, so that its
        # re-import of the file changes nothing (importing/supervision.py).
        qs, effective = selectors.as_department_sees(qs, ctx.department_id)
        attnames.update(effective)
    names = ["pk", *(attnames[c.field] for c in scalar)]
    for values in qs.values_list(*names).iterator(chunk_size=CHUNK):
        by_field = dict(zip(["pk", *(c.field for c in scalar)], values, strict=True))
        row: list[Any] = []
        for column in spec.columns:
            if column.m2m:
                value: Any = m2m[column.field].get(by_field["pk"], [])
            else:
                value = by_field[column.field]
            row.append(column.render(value, ctx))
        yield row


def _write_cell(ws: Any, value: Any) -> Any:
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        # A text that looks like a formula stays text (and no formula runs on opening).
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return _safe(value)


def export_directory(
    *,
    actor: User,
    kind: str,
    params: Mapping[str, Any],
    out: IO[bytes] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportFile:
    """Write the filtered list as xlsx (to ``out`` or a temporary file) and audit the export."""
    if not access.can_export(actor):
        raise NotAllowed(gettext("无权导出"))
    spec = get_spec(kind)
    qs, filters = filtered_queryset(actor=actor, kind=kind, params=params)
    total = qs.count() if progress else 0
    ctx = load_context(department_id=actor.department_id)
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(spec.label)
    bold = Font(bold=True)
    header_cells = []
    for header in spec.headers:
        cell = WriteOnlyCell(ws, value=header)
        cell.font = bold
        header_cells.append(cell)
    ws.append(header_cells)
    rows = 0
    for row in iter_rows(spec, qs, ctx):
        ws.append([_write_cell(ws, v) for v in row])
        rows += 1
        if progress and rows % 1000 == 0:
            progress(rows, total)
    if out is None:
        out = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes (and so deletes) it
    workbook.save(out)
    out.seek(0)
    _record_export(actor=actor, spec=spec, rows=rows, filters=filters)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return ExportFile(file=out, filename=f"{spec.label}-{stamp}.xlsx", rows=rows)


def export_size(*, actor: User, kind: str, params: Mapping[str, Any]) -> int:
    if not access.can_export(actor):
        raise NotAllowed(gettext("无权导出"))
    qs, _filters = filtered_queryset(actor=actor, kind=kind, params=params)
    return qs.count()


# --- large exports as a background job -------------------------------------------------------

EXPORT_JOB_KIND = "directory.export"
EXPORT_DIR = "exports"


def export_name(job: Job) -> str:
    """The export file's name in the default storage (see jobs/files.py)."""
    return f"{EXPORT_DIR}/{job.pk}.xlsx"


def export_start(*, actor: User, kind: str, params: Mapping[str, list[str]]) -> Job:
    """Queue the export of a long list; the page polls the job and then downloads the file."""
    if not access.can_export(actor):
        raise NotAllowed(gettext("无权导出"))
    spec = get_spec(kind)
    job = Job(
        id=uuid.uuid4(),
        owner=actor,
        kind=EXPORT_JOB_KIND,
        label=gettext("导出%(what)s") % {"what": gettext(spec.label)},
        params={
            "kind": kind,
            "query": {k: list(v) for k, v in params.items()},
            "language": get_language() or settings.LANGUAGE_CODE,
        },
    )
    job.params["result_url"] = reverse("directory:export_download", args=[job.pk])
    job.save(force_insert=True)
    dispatch(job, f"{__name__}.export_job", background=True)
    return job


@job_handler
def export_job(job: Job, progress: Progress) -> dict[str, Any]:
    params = QueryDict(mutable=True)
    for key, values in job.params.get("query", {}).items():
        params.setlist(key, values)
    # Written on local disk, then stored where the web host that serves the download finds it.
    with tempfile.TemporaryDirectory(prefix="spotcheck-export-") as tmp:
        path = Path(tmp) / f"{job.pk}.xlsx"
        with path.open("wb") as out:
            result = export_directory(
                actor=job.owner, kind=job.params["kind"], params=params, out=out, progress=progress
            )
        files.store(export_name(job), path)
    return {"rows": result.rows, "filename": result.filename}


@transaction.atomic
def _record_export(*, actor: User, spec: Spec, rows: int, filters: dict[str, Any]) -> None:
    record(
        events.ExportMade(
            summary=f"导出{spec.label} {rows} 条",
            model=spec.model.__name__,
            rows=rows,
            filters={k: list(v) if isinstance(v, tuple) else v for k, v in filters.items()},
        ),
        actor=actor,
    )


# --- blank templates -------------------------------------------------------------------------


def _column_help(column: Column) -> str:
    return column.file_help()


def template_xlsx(kind: str) -> bytes:
    spec = get_spec(kind)
    workbook = Workbook()
    ws = workbook.active
    ws.title = spec.label[:31]
    ws.append(spec.headers)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = header_fill
        letter = cell.column_letter
        ws.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
        if column.field in _TEXT_FIELDS:
            # Pre-format the data cells as text so Excel does not turn codes into 6.4E+13.
            for row in range(2, 1002):
                ws.cell(row=row, column=index).number_format = "@"
    ws.freeze_panes = "A2"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明"])
    for column in spec.columns:
        notes.append([column.header, "必填" if column.required else "选填", _column_help(column)])
    notes.append([])
    notes.append(
        ["说明", "", "只读取第一个工作表；第1行为表头，请勿修改列名；不要使用公式和合并单元格。"]
    )
    notes.column_dimensions["A"].width = 20
    notes.column_dimensions["C"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv(kind: str) -> bytes:
    spec = get_spec(kind)
    out = io.StringIO()
    csv.writer(out).writerow(spec.headers)
    # UTF-8 with BOM: Excel on Chinese Windows then opens it without garbling.
    return out.getvalue().encode("utf-8-sig")
