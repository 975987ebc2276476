"""The audit-log browser: who may see it, filters, pagination, chain verification."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.audit import checkpoints, events, verification
from spotcheck.audit.checkpoints import create_checkpoint
from spotcheck.audit.models import AuditCheckpoint, AuditEvent
from spotcheck.audit.services import record
from tests.audit_guard import guard_lifted
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
URL = "audit:event_list"


def add_event(actor: object, *, summary: str = "新增检查对象 测试", object_id: str = "1") -> None:
    with transaction.atomic():
        record(
            events.RecordCreated(
                object_id=object_id, summary=summary, model="Target", natural_key="X"
            ),
            actor=actor,  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("role", ["auditor", "admin"])
def test_auditor_and_admin_can_view(client: Client, personas: Personas, role: str) -> None:
    add_event(personas.section)
    client.force_login(getattr(personas, role))
    response = client.get(reverse(URL))
    assert response.status_code == 200
    content = response.content.decode()
    assert "新增检查对象 测试" in content
    assert "<td>新增名录记录</td>" in content  # the kind in words, its code in the details
    assert "<code>directory.created</code>" in content
    assert "哈希链校验通过" in content


@pytest.mark.parametrize(
    "role", ["section", "other_section", "inspector", "leader", "legal_reviewer"]
)
def test_other_roles_cannot_view(client: Client, personas: Personas, role: str) -> None:
    client.force_login(getattr(personas, role))
    assert client.get(reverse(URL)).status_code == 403


def test_anonymous_redirected(client: Client) -> None:
    response = client.get(reverse(URL))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_post_not_allowed(client: Client, personas: Personas) -> None:
    client.force_login(personas.auditor)
    assert client.post(reverse(URL)).status_code == 405


def test_filters(client: Client, personas: Personas) -> None:
    add_event(personas.section, summary="甲事件", object_id="11")
    add_event(personas.other_section, summary="乙事件", object_id="22")
    client.force_login(personas.auditor)
    by_actor = client.get(reverse(URL), {"actor": "other_section"}).content.decode()
    assert "乙事件" in by_actor and "甲事件" not in by_actor
    by_object = client.get(reverse(URL), {"object": "11"}).content.decode()
    assert "甲事件" in by_object and "乙事件" not in by_object
    by_type = client.get(reverse(URL), {"event_type": "directory.changed"}).content.decode()
    assert "甲事件" not in by_type
    # Dates are the bureau's local dates, not UTC.
    first = AuditEvent.objects.first()
    assert first is not None
    day = timezone.localtime(first.at).date()
    dated = client.get(
        reverse(URL), {"date_from": day.isoformat(), "date_to": day.isoformat()}
    ).content.decode()
    assert "甲事件" in dated and "乙事件" in dated
    day_before = (day - dt.timedelta(days=1)).isoformat()
    past = client.get(reverse(URL), {"date_to": day_before}).content.decode()
    assert "甲事件" not in past
    day_after = (day + dt.timedelta(days=1)).isoformat()
    future = client.get(reverse(URL), {"date_from": day_after}).content.decode()
    assert "甲事件" not in future


def test_bad_dates_and_pages_give_messages_not_500(client: Client, personas: Personas) -> None:
    add_event(personas.section)
    client.force_login(personas.auditor)
    response = client.get(
        reverse(URL),
        {"date_from": "2025-02-30", "date_to": "昨天", "page": "zz"},  # fixed-date: impossible date
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "开始日期“2025-02-30”不是有效日期" in content  # fixed-date: the impossible date above
    assert "结束日期“昨天”不是有效日期" in content
    reversed_dates = {"date_from": "2025-02-01", "date_to": "2025-01-01"}  # fixed-date: reversed
    reversed_range = client.get(reverse(URL), reversed_dates)
    assert "结束日期不能早于开始日期" in reversed_range.content.decode()


def test_paginated(client: Client, personas: Personas) -> None:
    for i in range(55):
        add_event(personas.section, summary=f"事件{i}")
    client.force_login(personas.auditor)
    response = client.get(reverse(URL))
    assert len(response.context["page"].object_list) == 50
    assert len(client.get(reverse(URL), {"page": 2}).context["page"].object_list) == 5


def test_tampering_is_shown(client: Client, personas: Personas) -> None:
    add_event(personas.section, summary="原始摘要")
    add_event(personas.section, summary="第二条")
    with guard_lifted():  # as a database administrator would
        AuditEvent.objects.filter(seq=1).update(summary="被改过的摘要")
    client.force_login(personas.auditor)
    content = client.get(reverse(URL)).content.decode()
    assert "哈希链校验失败" in content
    assert "内容哈希不符" in content


def test_large_logs_verify_on_request(
    client: Client, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verification, "AUTO_VERIFY_MAX", 0)
    add_event(personas.section)
    client.force_login(personas.auditor)
    first = client.get(reverse(URL))
    assert first.context["check"].checked is False
    assert "尚未校验" in first.content.decode()
    verified = client.get(reverse(URL), {"verify": "1"})
    assert verified.context["check"].ok is True


def test_page_rehashes_only_what_follows_the_newest_checkpoint(
    client: Client, personas: Personas, audit_key: Path
) -> None:
    """The page's work is bounded by the checkpoint interval: it checks the checkpoint's
    signature and head, then re-hashes the events after it, not the whole history. An edit
    deep inside the signed prefix is left to the full check, which finds it."""
    for i in range(6):
        add_event(personas.section, summary=f"早期{i}")
    cp = create_checkpoint()
    add_event(personas.section, summary="检查点之后")
    client.force_login(personas.auditor)
    walked: list[int] = []
    real = checkpoints.verify_chain

    def spy(**kwargs: Any) -> Any:
        walked.append(kwargs.get("after_seq", 0))
        return real(**kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(checkpoints, "verify_chain", spy)
        page = client.get(reverse(URL))
    check = page.context["check"]
    assert walked == [cp.tree_size]
    assert check.ok and check.since == 1 and check.total == cp.tree_size + 1
    content = page.content.decode()
    assert f"最新签名检查点：第 {cp.tree_size} 条事件" in content and "签名有效" in content
    assert "检查点之后的 1 条事件均延续该检查点" in content

    with guard_lifted():  # a DBA edits an old event inside the signed prefix
        AuditEvent.objects.filter(seq=2).update(summary="被改过")
    assert client.get(reverse(URL)).context["check"].ok is True
    started = client.post(reverse("audit:full_verify"))
    assert started.status_code == 302
    job_page = client.get(started["Location"])
    job = job_page.context["full_job"]
    assert job.result["ok"] is False and job.result["total"] == cp.tree_size + 1
    assert [p["seq"] for p in job.result["problems"]] == [2]
    body = job_page.content.decode()
    assert "全部历史核验失败" in body and "#2：内容哈希不符" in body


def test_rewritten_anchor_or_forged_checkpoint_shows_on_the_page(
    client: Client, personas: Personas, audit_key: Path
) -> None:
    for i in range(3):
        add_event(personas.section, summary=f"事件{i}")
    cp = create_checkpoint()
    client.force_login(personas.auditor)
    with guard_lifted():  # the checkpoint row itself re-signed by someone without the key
        AuditCheckpoint.objects.filter(pk=cp.pk).update(signature="A" * 88)
    content = client.get(reverse(URL)).content.decode()
    assert "最新签名检查点无效" in content and "签名无效" in content
    with guard_lifted():
        AuditCheckpoint.objects.filter(pk=cp.pk).update(signature=cp.signature)
        AuditEvent.objects.filter(seq=cp.tree_size).update(hash="0" * 64)
    content = client.get(reverse(URL)).content.decode()
    assert "哈希链校验失败" in content and "检查点之前的历史被改写" in content


def test_full_check_of_a_clean_log_passes_and_needs_the_auditor(
    client: Client, personas: Personas
) -> None:
    for i in range(3):
        add_event(personas.section, summary=f"事件{i}")
    client.force_login(personas.auditor)
    page = client.get(client.post(reverse("audit:full_verify"))["Location"])
    assert page.context["full_job"].result["ok"] is True
    assert "全部历史核验通过" in page.content.decode()
    # Somebody else's job id shows nothing; other roles cannot start one.
    client.force_login(personas.admin)
    assert (
        client.get(page.request["PATH_INFO"], {"job": str(page.context["full_job"].pk)}).context[
            "full_job"
        ]
        is None
    )
    assert client.get(reverse(URL), {"job": "not-a-uuid"}).status_code == 200
    for role in ("section", "inspector", "leader", "legal_reviewer"):
        client.force_login(getattr(personas, role))
        assert client.post(reverse("audit:full_verify")).status_code == 403
    client.logout()
    assert client.post(reverse("audit:full_verify")).status_code == 302


def test_unfiltered_list_is_not_counted_row_by_row(
    client: Client, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for i in range(3):
        add_event(personas.section, summary=f"事件{i}")
    client.force_login(personas.auditor)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse(URL))
    assert page.context["page"].paginator.count == 3
    assert not [
        q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper() and "audit" in q["sql"]
    ]
    filtered = client.get(reverse(URL), {"actor": personas.section.username[:3]})
    assert filtered.context["page"].paginator.count >= 0


def test_directory_events_link_to_the_record(client: Client, personas: Personas) -> None:
    add_event(personas.section, object_id="42")
    client.force_login(personas.auditor)
    content = client.get(reverse(URL)).content.decode()
    assert f'href="{reverse("directory:target_detail", args=[42])}"' in content
