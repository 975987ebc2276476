"""Inspection record page, evidence upload/download, 检查通知书/双清单 downloads and the lists:
what each role gets, and that every refusal is a Chinese message or a 403/404, never a 500."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from spotcheck.audit.models import AuditEvent
from spotcheck.inspections.models import Evidence, Inspection, InspectionState
from tests.inspections.conftest import Scene

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _url(scene: Scene, target: Any = None) -> str:
    return reverse("inspections:record", args=[scene.draw.pk, (target or scene.target).pk])


def _post_data(scene: Scene, **overrides: Any) -> dict[str, Any]:
    cat = scene.cats["no_problem"]
    data: dict[str, Any] = {
        "inspected_on": scene.today.isoformat(),
        "inspectors": [i.pk for i in scene.team],
        "overall_category": cat.pk,
        "summary": "现场核查预收资金存管",
        f"category_{scene.item.pk}": cat.pk,
        f"findings_{scene.item.pk}": "",
    }
    data.update(overrides)
    return data


def _login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def test_anonymous_goes_to_login(client: Client, scene: Scene) -> None:
    for url in (
        _url(scene),
        reverse("inspections:inspection_list"),
        reverse("inspections:review_queue"),
        reverse("inspections:legal_queue"),
        reverse("inspections:target_documents", args=[scene.draw.pk, scene.target.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_inspector_records_draft_and_submits(client: Client, scene: Scene) -> None:
    _login(client, scene.p.inspector)
    page = client.get(_url(scene))
    assert page.status_code == 200
    content = page.content.decode()
    assert "录入检查结果" in content and scene.item.name in content
    for member in scene.team:
        assert member.cert_no in content  # the checkboxes of the active team
    response = client.post(_url(scene), _post_data(scene))
    assert response.status_code == 302
    inspection = Inspection.objects.get(draw=scene.draw, target=scene.target)
    assert inspection.state == InspectionState.DRAFT and inspection.inspected_on == scene.today
    assert set(inspection.inspectors.all()) == set(scene.team)
    response = client.post(reverse("inspections:submit", args=[inspection.pk]))
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.SUBMITTED
    # Submitted: no form any more, the read-only record stays visible.
    content = client.get(_url(scene)).content.decode()
    assert 'id="record-form"' not in content and "已提交待审核" in content


def test_service_refusals_are_chinese_messages(client: Client, scene: Scene) -> None:
    _login(client, scene.p.inspector)
    problem = scene.cats["not_disclosed"]
    response = client.post(
        _url(scene),
        _post_data(
            scene, **{f"category_{scene.item.pk}": problem.pk, "overall_category": problem.pk}
        ),
    )
    assert response.status_code == 200
    assert "发现问题，请填写检查发现" in response.content.decode()
    # Only one inspector present: saving works, submitting says why not.
    client.post(_url(scene), _post_data(scene, inspectors=[scene.team[0].pk]))
    inspection = Inspection.objects.get(draw=scene.draw, target=scene.target)
    response = client.post(reverse("inspections:submit", args=[inspection.pk]), follow=True)
    assert "到场检查人员至少应记录两名" in response.content.decode()
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT
    # A date outside the task window.
    far_outside = "2020-01-01"  # fixed-date: years before any window the scene opens
    response = client.post(_url(scene), _post_data(scene, inspected_on=far_outside))
    assert response.status_code == 200 and "检查日期应在检查期" in response.content.decode()
    # Garbage in a choice field is a form error, not a 500.
    response = client.post(_url(scene), _post_data(scene, overall_category="abc"))
    assert response.status_code == 200


def test_inspector_not_on_the_team_gets_403(client: Client, scene: Scene) -> None:
    other = scene.other_target()
    _login(client, scene.p.inspector)
    assert client.get(_url(scene, other)).status_code == 403
    assert client.post(_url(scene, other), _post_data(scene)).status_code == 403
    assert not Inspection.objects.filter(target=other).exists()


@pytest.mark.parametrize("who", ["other_section", "admin", "legal_reviewer"])
def test_outsiders_cannot_see_the_record(client: Client, scene: Scene, who: str) -> None:
    _login(client, getattr(scene.p, who))
    assert client.get(_url(scene)).status_code == 403
    assert client.post(_url(scene), _post_data(scene)).status_code == 403


@pytest.mark.parametrize("who", ["auditor", "leader"])
def test_oversight_reads_but_never_writes(client: Client, scene: Scene, who: str) -> None:
    inspection = scene.save()
    _login(client, getattr(scene.p, who))
    page = client.get(_url(scene))
    assert page.status_code == 200 and 'id="record-form"' not in page.content.decode()
    upload = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    for url, data in (
        (_url(scene), _post_data(scene)),
        (reverse("inspections:submit", args=[inspection.pk]), {}),
        (reverse("inspections:evidence_add", args=[inspection.pk]), {"file": upload}),
    ):
        assert client.post(url, data).status_code == 403
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT and not inspection.evidence.exists()


def test_unknown_ids_are_404(client: Client, scene: Scene) -> None:
    _login(client, scene.p.section)
    assert (
        client.get(reverse("inspections:record", args=[99999, scene.target.pk])).status_code == 404
    )
    assert client.get(reverse("inspections:record", args=[scene.draw.pk, 99999])).status_code == 404
    undrawn = next(t for t in scene.item.department.targets.all() if t not in scene.drawn_targets())
    assert client.get(_url(scene, undrawn)).status_code == 404
    assert client.post(reverse("inspections:submit", args=[99999])).status_code == 404
    assert client.get(reverse("inspections:evidence_file", args=[99999])).status_code == 404


def test_evidence_upload_shows_size_and_hash(client: Client, scene: Scene, media: Path) -> None:
    inspection = scene.save(actor=scene.p.inspector)
    _login(client, scene.p.inspector)
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = client.post(
        reverse("inspections:evidence_add", args=[inspection.pk]),
        {"file": upload, "description": "门店外景"},
        follow=True,
    )
    evidence = Evidence.objects.get()
    content = response.content.decode()
    assert evidence.sha256 in content and "门店外景" in content and str(len(PNG)) in content
    download = client.get(reverse("inspections:evidence_file", args=[evidence.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG  # type: ignore[attr-defined]
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    # Someone outside the task cannot fetch it.
    _login(client, scene.p.other_section)
    assert client.get(reverse("inspections:evidence_file", args=[evidence.pk])).status_code == 403


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"MZ\x90\x00 not a photo", "只能上传照片"), (b"", "")],
)
def test_wrong_evidence_is_a_message(
    client: Client, scene: Scene, media: Path, data: bytes, message: str
) -> None:
    inspection = scene.save(actor=scene.p.inspector)
    _login(client, scene.p.inspector)
    upload = SimpleUploadedFile("x.exe", data)
    response = client.post(
        reverse("inspections:evidence_add", args=[inspection.pk]), {"file": upload}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Evidence.objects.exists()


def test_oversized_evidence_is_a_message(
    client: Client, scene: Scene, media: Path, settings: Any
) -> None:
    settings.EVIDENCE_MAX_BYTES = 1024
    inspection = scene.save(actor=scene.p.inspector)
    _login(client, scene.p.inspector)
    upload = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, content_type="image/png")
    response = client.post(
        reverse("inspections:evidence_add", args=[inspection.pk]), {"file": upload}
    )
    assert response.status_code == 200 and "文件超过大小限制" in response.content.decode()
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("doc", "title"),
    [
        ("notice", "检查通知书"),
        ("double_list", "抽查事项及检查人员清单"),
        ("lists", "抽查事项及检查人员清单"),
    ],
)
def test_documents_download_and_are_logged(
    client: Client, scene: Scene, doc: str, title: str
) -> None:
    url = reverse("inspections:target_documents", args=[scene.draw.pk, scene.target.pk])
    _login(client, scene.p.inspector)
    page = client.get(url)
    assert page.status_code == 200 and "下载检查通知书" in page.content.decode()
    before = AuditEvent.objects.filter(event_type="draws.confidential_access").count()
    response = client.get(url, {"doc": doc})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert title in text
    after = AuditEvent.objects.filter(event_type="draws.confidential_access").count()
    assert after == before + 1
    assert AuditEvent.objects.filter(event_type="inspections.document_generated").exists()


def test_documents_refused_to_outsiders(client: Client, scene: Scene) -> None:
    url = reverse("inspections:target_documents", args=[scene.draw.pk, scene.target.pk])
    other = scene.other_target()
    for who, target, status in (
        ("other_section", scene.target, 403),
        ("auditor", scene.target, 403),
        ("legal_reviewer", scene.target, 403),
        ("inspector", other, 403),
    ):
        _login(client, getattr(scene.p, who))
        target_url = reverse("inspections:target_documents", args=[scene.draw.pk, target.pk])
        assert client.get(target_url, {"doc": "notice"}).status_code == status, who
    _login(client, scene.p.section)
    assert client.get(url, {"doc": "nonsense"}).status_code == 404


def test_lists_by_role(client: Client, scene: Scene) -> None:
    scene.save()
    other = scene.other_target()
    scene.save(target=other)
    _login(client, scene.p.inspector)
    content = client.get(reverse("inspections:inspection_list")).content.decode()
    assert scene.target.name in content and other.name not in content  # own assignments only
    _login(client, scene.p.section)
    content = client.get(
        reverse("inspections:inspection_list"), {"state": "draft"}
    ).content.decode()
    assert scene.target.name in content and other.name in content
    assert client.get(reverse("inspections:inspection_list"), {"page": "x"}).status_code == 200
    _login(client, scene.p.other_section)
    content = client.get(reverse("inspections:inspection_list")).content.decode()
    assert scene.target.name not in content
    for who in ("admin", "legal_reviewer"):
        _login(client, getattr(scene.p, who))
        assert client.get(reverse("inspections:inspection_list")).status_code == 403


def test_joint_task_partner_clerk_gets_only_own_items(client: Client, scene: Scene) -> None:
    from spotcheck.draws.models import DrawnLine
    from spotcheck.planning import services as planning
    from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory
    from tests.inspections.conftest import run_draw

    p = scene.p
    other_item: Any = CheckItemFactory(department=p.other_dept, target_kinds=["enterprise"])
    for _ in range(4):
        InspectorFactory(department=p.other_dept)
    target: Any = TargetFactory(departments=[p.dept, p.other_dept])
    task = planning.task_create(
        actor=p.section,
        name="联合抽查",
        mode="joint",
        items=[scene.item, other_item],
        partner_departments=[p.other_dept],
        window_start=scene.window[0],
        window_end=scene.window[1],
        sample={"mode": "count", "values": {"*": 1}},
        filters={"q": target.credit_code},
    )
    draw = run_draw(p.section, task)
    assert DrawnLine.objects.get(draw=draw).target == target
    url = reverse("inspections:record", args=[draw.pk, target.pk])
    ok = scene.cats["no_problem"]
    client.force_login(p.other_section)
    page = client.get(url).content.decode()
    assert f'name="category_{other_item.pk}"' in page
    assert f'name="category_{scene.item.pk}"' not in page
    # A forged field for the lead department's item is ignored, the own item saved.
    response = client.post(
        url,
        {
            "inspected_on": scene.today.isoformat(),
            f"category_{other_item.pk}": ok.pk,
            f"category_{scene.item.pk}": ok.pk,
        },
    )
    assert response.status_code == 302
    inspection = Inspection.objects.get(draw=draw, target=target)
    assert [r.item for r in inspection.item_results.all()] == [other_item]
    client.force_login(p.section)
    page = client.get(url).content.decode()
    assert f'name="category_{scene.item.pk}"' in page and f'name="category_{other_item.pk}"' in page


def test_before_the_window_no_form_and_the_view_is_logged(client: Client, scene: Scene) -> None:
    import datetime as dt

    from spotcheck.directory.models import Inspector
    from spotcheck.draws.models import DrawnLine, TeamMember
    from spotcheck.planning import services as planning
    from tests.inspections.conftest import run_draw

    start = scene.today + dt.timedelta(days=5)
    task = planning.task_create(
        actor=scene.p.section,
        name="下月抽查",
        mode="undirected",
        items=[scene.item],
        window_start=start,
        window_end=start + dt.timedelta(days=10),
        sample={"mode": "count", "values": {"*": 1}},
    )
    draw = run_draw(scene.p.section, task)
    target = DrawnLine.objects.get(draw=draw).target
    url = reverse("inspections:record", args=[draw.pk, target.pk])
    client.force_login(scene.p.section)
    before = AuditEvent.objects.filter(event_type="draws.confidential_access").count()
    page = client.get(url).content.decode()
    assert 'id="record-form"' not in page and "开始前不能录入检查结果" in page
    assert AuditEvent.objects.filter(event_type="draws.confidential_access").count() == before + 1
    # The form is not shown before the window, so its refusals come back as messages.
    team = TeamMember.objects.filter(draw=draw, target=target, active=True)
    # Inspectors surely not on this draw's team (the scene's own team may be, by chance).
    outsiders = Inspector.objects.exclude(pk__in=[m.inspector_id for m in team])[:2]
    response = client.post(url, _post_data(scene, inspectors=[i.pk for i in outsiders]))
    assert response.status_code == 200 and "到场检查人员：" in response.content.decode()
    response = client.post(url, _post_data(scene, inspectors=[m.inspector_id for m in team]))
    assert response.status_code == 200 and "尚不能录入检查结果" in response.content.decode()
    assert not Inspection.objects.filter(draw=draw).exists()


def test_error_summary_lists_per_item_errors_with_links(client: Client, scene: Scene) -> None:
    """Issue 15: an item's missing findings is named in the summary at the top, linked to that
    item's own field (not only a form-level line), and the field has a label naming the item."""
    _login(client, scene.p.inspector)
    problem = scene.cats["not_disclosed"]
    findings = f"findings_{scene.item.pk}"
    response = client.post(
        _url(scene),
        _post_data(
            scene, **{f"category_{scene.item.pk}": problem.pk, "overall_category": problem.pk}
        ),
    )
    page = response.content.decode()
    summary = page[
        page.index("data-error-summary") : page.index("</ul>", page.index("data-error-summary"))
    ]
    assert f'href="#id_{findings}"' in summary and "发现问题，请填写检查发现" in summary
    assert scene.item.name in summary
    assert f'<label for="id_{findings}" class="visually-hidden">' in page
    assert not Inspection.objects.filter(draw=scene.draw, target=scene.target).exists()


def test_a_service_refusal_about_one_item_sits_at_that_item(scene: Scene) -> None:
    from spotcheck.core.errors import ServiceError
    from spotcheck.inspections.services import ItemResultInput

    problem = scene.cats["not_disclosed"]
    with pytest.raises(ServiceError) as exc:
        scene.save(item_results=[ItemResultInput(scene.item, problem, "")])
    assert exc.value.field == f"findings_{scene.item.pk}"
