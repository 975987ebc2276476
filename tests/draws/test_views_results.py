"""Drawn list and teams: Art. 18 access, access logging, recusal, advance notice, export, and
the inspector's own assignments."""

from __future__ import annotations

import io
import json
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEvent
from spotcheck.draws.models import AdvanceNotice, Draw, TeamMember
from spotcheck.draws.snapshot import proof_document
from tests.draws.test_views_ceremony import drawn
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

CONFIDENTIAL_PAGES = ("draws:results", "draws:export", "draws:proof")


def test_results_show_drawn_targets_and_teams(client: Client, world: World) -> None:
    draw = drawn(client, world)
    page = client.get(reverse("draws:results", args=[draw.pk])).content.decode()
    for entry in draw.drawn_lines.all().select_related("target"):
        assert page.count(f'data-target="{entry.target.credit_code}"') == 1
    member = TeamMember.objects.filter(draw=draw).select_related("inspector").first()
    assert member is not None and member.inspector.cert_no in page
    assert "%" in page and "recusal-form" in page and "notice-form" in page


def test_viewing_the_drawn_list_is_logged(client: Client, world: World) -> None:
    draw = drawn(client, world)
    # The log is append-only: count only what this test adds.
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    client.force_login(world.p.auditor)
    client.get(reverse("draws:results", args=[draw.pk]))
    new = AuditEvent.objects.filter(event_type="draws.confidential_access", seq__gt=last)
    event = new.get()
    assert event.actor == world.p.auditor
    assert event.payload["before_window"] is True and event.payload["task"] == draw.task_id
    assert event.payload["draw"] == draw.pk
    client.get(reverse("draws:export", args=[draw.pk]))
    assert new.count() == 2


@pytest.mark.parametrize("name", CONFIDENTIAL_PAGES)
@pytest.mark.parametrize("who", ["other_section", "inspector", "admin", "legal_reviewer"])
def test_before_the_window_outsiders_get_403(
    client: Client, world: World, name: str, who: str
) -> None:
    draw = drawn(client, world)
    client.force_login(getattr(world.p, who))
    assert client.get(reverse(name, args=[draw.pk])).status_code == 403
    assert not AuditEvent.objects.filter(
        event_type="draws.confidential_access", actor=getattr(world.p, who)
    ).exists()


def test_anonymous_is_sent_to_login(client: Client, world: World) -> None:
    draw = drawn(client, world)
    client.logout()
    for name in (*CONFIDENTIAL_PAGES, "draws:draw_detail"):
        response = client.get(reverse(name, args=[draw.pk]))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_export_xlsx(client: Client, world: World) -> None:
    draw = drawn(client, world)
    response = client.get(reverse("draws:export", args=[draw.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(wb["抽取名单"].iter_rows(values_only=True))
    assert len(rows) == 1 + 5
    assert len(list(wb["检查组"].iter_rows(values_only=True))) == 1 + 10


def test_recusal_through_the_page(client: Client, world: World) -> None:
    draw = drawn(client, world)
    member = TeamMember.objects.filter(draw=draw).select_related("inspector", "target").first()
    assert member is not None
    url = reverse("draws:recuse", args=[draw.pk])
    response = client.post(url, {"member": member.pk, "reason_code": "kinship", "reason": ""})
    assert response.status_code == 200 and not TeamMember.objects.filter(active=False).exists()
    # The reason code is required, and only a registered code is accepted.
    for code in ("", "近亲属", "family"):
        data = {"member": member.pk, "reason_code": code, "reason": "与该企业负责人为近亲属"}
        response = client.post(url, data)
        assert response.status_code == 200 and 'name="reason_code"' in response.content.decode()
        assert not TeamMember.objects.filter(active=False).exists()
    data = {"member": member.pk, "reason_code": "kinship", "reason": "与该企业负责人为近亲属"}
    client.post(url, data)
    member.refresh_from_db()
    assert not member.active
    assert (member.recused_reason_code, member.recused_reason) == (
        "kinship",
        "与该企业负责人为近亲属",
    )
    replacement = TeamMember.objects.get(replaces=member)
    page = client.get(reverse("draws:results", args=[draw.pk])).content.decode()
    # Staff see the label and the note; the proof carries only the code.
    assert "近亲属关系" in page and "与该企业负责人为近亲属" in page
    assert replacement.inspector.name in page
    draw.refresh_from_db()
    assert draw.proof is not None
    assert [r["reason"] for r in draw.proof["recusals"]] == ["kinship"]
    assert "与该企业负责人为近亲属" not in json.dumps(proof_document(draw), ensure_ascii=False)
    # Recusing the same member again: not a valid choice any more, nothing changes.
    response = client.post(url, {"member": member.pk, "reason_code": "other", "reason": "重复"})
    assert response.status_code == 200
    assert TeamMember.objects.filter(draw=draw).count() == 11


def test_recusal_and_notice_refused_for_read_only_roles(client: Client, world: World) -> None:
    draw = drawn(client, world)
    member = TeamMember.objects.filter(draw=draw).first()
    assert member is not None
    for who in ("auditor", "leader", "other_section", "inspector"):
        client.force_login(getattr(world.p, who))
        data = {"member": member.pk, "reason": "x"}
        assert client.post(reverse("draws:recuse", args=[draw.pk]), data).status_code == 403
        assert client.post(reverse("draws:advance_notice", args=[draw.pk]), {}).status_code == 403
    assert TeamMember.objects.filter(draw=draw, active=False).count() == 0


def test_advance_notice_through_the_page(client: Client, world: World) -> None:
    draw = drawn(client, world)
    target = draw.drawn_lines.all().first().target  # type: ignore[union-attr]
    url = reverse("draws:advance_notice", args=[draw.pk])
    response = client.post(
        url, {"target": target.pk, "notified_on": world.today.isoformat(), "reason": ""}
    )
    assert response.status_code == 200 and not AdvanceNotice.objects.exists()
    client.post(
        url,
        {
            "target": target.pk,
            "notified_on": world.today.isoformat(),
            "reason": "双预约：需财务人员在场",
        },
    )
    assert AdvanceNotice.objects.get().target == target
    page = client.get(reverse("draws:results", args=[draw.pk])).content.decode()
    assert "双预约：需财务人员在场" in page


def test_inspector_sees_only_own_assignments(client: Client, world: World) -> None:
    draw = drawn(client, world)
    member = TeamMember.objects.filter(draw=draw).select_related("inspector", "target").first()
    assert member is not None
    member.inspector.user = world.p.inspector
    member.inspector.save()
    mine = set(
        TeamMember.objects.filter(draw=draw, inspector=member.inspector).values_list(
            "target__credit_code", flat=True
        )
    )
    client.force_login(world.p.inspector)
    page = client.get(reverse("draws:my_assignments")).content.decode()
    selected = set(draw.drawn_lines.all().values_list("credit_code", flat=True))
    for code in selected:
        assert (code in page) == (code in mine)
    teammates = TeamMember.objects.filter(draw=draw, target=member.target).exclude(pk=member.pk)
    assert all(t.inspector.name in page for t in teammates)
    assert AuditEvent.objects.filter(
        event_type="draws.confidential_access", actor=world.p.inspector
    ).exists()
    assert client.get(reverse("draws:results", args=[draw.pk])).status_code == 403
    client.force_login(world.p.section)
    assert client.get(reverse("draws:my_assignments")).status_code == 403


def test_aborted_draw_results_stay_readable_for_the_auditor(client: Client, world: World) -> None:
    draw = drawn(client, world)
    client.post(reverse("draws:abort", args=[draw.pk]), {"reason": "名单有误"})
    client.force_login(world.p.leader)
    pending = draw.abort_requests.get()
    client.post(reverse("draws:abort_decide", args=[pending.pk]), {"decision": "approve"})
    client.force_login(world.p.auditor)
    page = client.get(reverse("draws:results", args=[draw.pk])).content.decode()
    assert "本次抽取已作废" in page and "名单有误" in page


def test_committed_draw_has_no_results_yet(client: Client, world: World) -> None:
    from tests.draws.test_views_ceremony import commit

    client.force_login(world.p.section)
    commit(client, world.approved_task())
    draw = Draw.objects.get()
    response = client.get(reverse("draws:results", args=[draw.pk]))
    assert response.status_code == 302
    assert client.get(reverse("draws:results", args=[424242])).status_code == 404


def test_the_403_reason_names_the_rule_that_applied(client: Client, world: World) -> None:
    """Another section is refused because the task is not its department's, before and after
    the window opens; only the administrator's refusal is about Art. 18 timing."""
    draw = drawn(client, world)
    url = reverse("draws:results", args=[draw.pk])
    client.force_login(world.p.other_section)
    body = client.get(url).content.decode()
    assert "第十八条" not in body and "不属于您的部门" in body
    client.force_login(world.p.admin)
    assert "第十八条" in client.get(url).content.decode()
    client.force_login(world.p.inspector)
    assert "我的检查任务" in client.get(url).content.decode()


def test_results_are_paged_and_searchable_and_forms_offer_the_page(
    client: Client, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A provincial draw has 10^4 targets: 50 a page, a search, and forms that offer what
    the page shows (and keep the clerk on it)."""
    from spotcheck.draws import views_results

    monkeypatch.setattr(views_results, "RESULTS_PAGE", 2)
    draw = drawn(client, world)
    codes = list(
        draw.drawn_lines.all().order_by("credit_code").values_list("credit_code", flat=True)
    )
    assert len(codes) == 5
    url = reverse("draws:results", args=[draw.pk])
    seen = []
    for n in (1, 2, 3):
        page = client.get(f"{url}?page={n}").content.decode()
        rows = [c for c in codes if f'data-target="{c}"' in page]
        assert len(rows) == (2 if n < 3 else 1)
        seen += rows
        # The forms offer the members and targets of this page only.
        shown = TeamMember.objects.filter(draw=draw, target__credit_code__in=rows)
        other = TeamMember.objects.filter(draw=draw).exclude(target__credit_code__in=rows)
        recusal = page.split('id="recusal-form"', 1)[1].split("</form>", 1)[0]
        assert all(f'<option value="{m.pk}"' in recusal for m in shown)
        assert not any(f'<option value="{m.pk}"' in recusal for m in other)
        notice = page.split('id="notice-form"', 1)[1].split("</form>", 1)[0]
        on_page = draw.pool.filter(credit_code__in=rows).values_list("target_id", flat=True)
        assert sorted(map(int, re.findall(r'<option value="(\d+)"', notice))) == sorted(on_page)
        assert f'name="page" value="{n}"' in page
    assert seen == codes
    # Search by a fragment of the code, lower case, or by name.
    last = draw.pool.get(credit_code=codes[-1]).target
    page = client.get(url, {"q": codes[-1][-6:].lower()}).content.decode()
    assert f'data-target="{codes[-1]}"' in page and page.count("data-target=") == 1
    page = client.get(url, {"q": last.name}).content.decode()
    assert f'data-target="{codes[-1]}"' in page
    page = client.get(url, {"q": "没有这样的企业"}).content.decode()
    assert "没有抽中的检查对象" in page
    assert client.get(url, {"page": "abc"}).status_code == 200
    # Recusing a member on page 3 from page 3 works and comes back to page 3.
    member = TeamMember.objects.filter(draw=draw, target=last).first()
    assert member is not None
    data = {"member": member.pk, "reason_code": "kinship", "reason": "近亲属", "page": "3"}
    response = client.post(reverse("draws:recuse", args=[draw.pk]), data)
    assert response.status_code == 302 and response["Location"].endswith("?page=3")
    member.refresh_from_db()
    assert not member.active
    # A member who is not on the posted page is not a valid choice: nothing changes.
    first = TeamMember.objects.filter(draw=draw, target__credit_code=codes[0], active=True).first()
    assert first is not None
    data = {"member": first.pk, "reason_code": "kinship", "reason": "近亲属", "page": "3"}
    response = client.post(reverse("draws:recuse", args=[draw.pk]), data)
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.active
    # The advance notice works the same way, from a search.
    data = {"target": last.pk, "notified_on": world.today.isoformat(), "reason": "双预约",
            "q": last.name}  # fmt: skip
    response = client.post(reverse("draws:advance_notice", args=[draw.pk]), data)
    assert response.status_code == 302 and "q=" in response["Location"]
    assert AdvanceNotice.objects.get().target == last
