"""Export of the filtered lists, and export → import round-trips with no changes."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from spotcheck.audit.models import AuditEvent
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import CheckItem, Inspector, Target
from tests.directory.test_import_support import commit, validate, write
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory

pytestmark = pytest.mark.django_db


def code(n: int) -> str:
    return make_code("91", "640106", f"{n:09d}")


def _sheet(response) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]


def _directory(personas):
    """Records of every kind, incl. awkward values, in both departments."""
    mine = personas.dept
    other = personas.other_dept
    item_a = CheckItemFactory(
        code="SW-001",
        department=mine,
        content="第一行\n第二行",
        legal_basis="=SUM(A1) 不是公式",
        target_kinds=["individual", "enterprise"],
        category="key",
    )
    CheckItemFactory(code="SW-002", department=other, active=False, target_kinds=[])
    TargetFactory(
        credit_code=code(1), departments=[mine], scale="micro", project_progress="building",
        kind="project", credit_class="D", supervision_grade=4, key_industry=True,
        complaint_count=12, blacklisted=True, abnormal_list=True, serious_violation=True,
        status="revoked", legal_representative="王五", address="金凤区 1 号",
    )  # fmt: skip
    TargetFactory(credit_code=code(2), departments=[mine, other], name="两个部门监管的公司")
    TargetFactory(credit_code=code(3), departments=[other], region="良田镇")
    TargetFactory(credit_code="640106000012345", departments=[mine], name="旧注册号企业")
    bad = code(4)[:17] + ("0" if code(4)[17] != "0" else "1")
    TargetFactory(credit_code=bad, departments=[mine], code_warning_confirmed=True)
    zhang = InspectorFactory(
        cert_no="64010620000001", department=mine, employee_no="00123", phone="0951-1234567",
        expertise_industries="F52,O80", status="leave",
        cert_valid_from=dt.date(2023, 2, 28), cert_valid_to=dt.date(2029, 12, 31),  # fixed-date: round-trip data, never compared with today
    )  # fmt: skip
    zhang.expertise_items.set([item_a, CheckItem.objects.get(code="SW-002")])
    InspectorFactory(cert_no="64010620000002", department=other)


@pytest.mark.parametrize("kind", ["items", "targets", "inspectors"])
def test_export_then_import_changes_nothing(client, personas, tmp_path, kind):
    _directory(personas)
    client.force_login(personas.section)
    response = client.get(reverse("directory:export", args=[kind]))
    data = b"".join(response.streaming_content)
    path = write(tmp_path, data, f"{kind}.xlsx")
    plan = validate(personas.section, kind, path)
    assert plan.problems == []
    assert (len(plan.creates), len(plan.updates)) == (0, 0)
    model = {"items": CheckItem, "targets": Target, "inspectors": Inspector}[kind]
    history = model.history.count()
    assert commit(personas.section, kind, path) == {
        "created": 0,
        "updated": 0,
        "unchanged": model.objects.count(),
    }
    assert model.history.count() == history


def test_export_round_trip_into_an_empty_database(client, personas, tmp_path):
    """Exported targets of my department, imported into an empty directory, come back equal."""
    _directory(personas)
    client.force_login(personas.section)
    url = reverse("directory:export", args=["targets"]) + f"?department={personas.dept.pk}"
    data = b"".join(client.get(url).streaming_content)
    fields = [
        f.attname
        for f in Target._meta.concrete_fields
        if f.attname not in ("id", "updated_at", "code_warning_confirmed")
    ]
    before = list(
        Target.objects.filter(departments=personas.dept).order_by("credit_code").values(*fields)
    )
    Target.departments.through.objects.all().delete()
    Target.objects.all().delete()
    path = write(tmp_path, data, "t.xlsx")
    # The target shared with 商贸流通科 cannot be re-created with that department's link: an
    # import writes only into the importer's department (the other department re-imports it).
    plan = validate(personas.section, "targets", path)
    assert [(p.column, p.message[-7:]) for p in plan.problems if p.level == "error"] == [
        ("监管部门", "（商贸流通科）")
    ]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    sheet = wb.worksheets[0]
    (shared,) = [row for row in sheet.iter_rows() if row[0].value == code(2)]
    shared[-1].value = "市场建设科"
    out = io.BytesIO()
    wb.save(out)
    counts = commit(
        personas.section, "targets", write(tmp_path, out.getvalue(), "t2.xlsx"), confirm=True
    )
    assert counts["created"] == len(before)
    after = list(Target.objects.order_by("credit_code").values(*fields))
    assert after == before


def test_export_uses_the_list_filters_and_is_audited(client, personas):
    _directory(personas)
    client.force_login(personas.leader)
    rows = _sheet(client.get(reverse("directory:export", args=["targets"]) + "?region=良田镇"))
    assert rows[0][0] == "统一社会信用代码" and rows[0][-1] == "监管部门"
    assert [r[0] for r in rows[1:]] == [code(3)]
    event = AuditEvent.objects.get(event_type="directory.exported")
    assert event.actor == personas.leader
    assert event.payload["rows"] == 1 and event.payload["filters"] == {"region": "良田镇"}
    rows = _sheet(client.get(reverse("directory:export", args=["inspectors"]) + "?status=leave"))
    assert [r[0] for r in rows[1:]] == ["64010620000001"]
    assert rows[1][4] == dt.datetime(2023, 2, 28)  # fixed-date: the value stored above
    rows = _sheet(client.get(reverse("directory:export", args=["items"]) + "?q=SW-002"))
    assert [r[0] for r in rows[1:]] == ["SW-002"]


def test_text_that_looks_like_a_formula_is_exported_as_text(client, personas):
    _directory(personas)
    client.force_login(personas.section)
    response = client.get(reverse("directory:export", args=["items"]))
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cell = wb.worksheets[0]["C2"]
    assert cell.value == "=SUM(A1) 不是公式" and cell.data_type == "s"


@pytest.mark.parametrize("role", ["section", "leader", "auditor", "admin"])
def test_who_may_export(client, personas, role):
    client.force_login(getattr(personas, role))
    for kind in ("items", "targets", "inspectors"):
        assert client.get(reverse("directory:export", args=[kind])).status_code == 200


@pytest.mark.parametrize("role", ["inspector", "legal_reviewer"])
def test_who_may_not_export(client, personas, role):
    client.force_login(getattr(personas, role))
    for kind in ("items", "targets", "inspectors"):
        assert client.get(reverse("directory:export", args=[kind])).status_code == 403
    assert not AuditEvent.objects.filter(event_type="directory.exported").exists()


def test_long_lists_are_exported_by_a_job(client, personas, monkeypatch, settings, tmp_path):
    from spotcheck.directory import exporting
    from spotcheck.jobs.models import Job, JobState

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(exporting, "EXPORT_INLINE_MAX_ROWS", 0)
    _directory(personas)
    client.force_login(personas.auditor)
    response = client.get(
        reverse("directory:export", args=["targets"]) + "?flag=blacklisted&flag=key_industry"
    )
    job = Job.objects.get(kind="directory.export")
    assert response.status_code == 302 and response.url == reverse(
        "directory:export_download", args=[job.pk]
    )
    assert job.state == JobState.DONE  # JOBS_SYNC runs the worker inline in tests
    rows = _sheet(client.get(response.url))
    assert [r[0] for r in rows[1:]] == [code(1)]
    event = AuditEvent.objects.get(event_type="directory.exported")
    assert event.payload["filters"] == {"flags": ["blacklisted", "key_industry"]}
    # Only the auditor who asked may fetch it; a running job shows the progress bar.
    client.force_login(personas.leader)
    assert client.get(response.url).status_code == 404
    client.force_login(personas.inspector)
    assert client.get(response.url).status_code == 403
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, done=1, total=3)
    client.force_login(personas.auditor)
    html = client.get(response.url).content.decode()
    assert 'hx-trigger="every 1s"' in html
