from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from spotcheck.audit import events
from spotcheck.audit.models import AuditEvent, ChainHead
from spotcheck.audit.services import record
from spotcheck.audit.verify import verify_chain
from tests.audit_guard import guard_lifted


def _write(n: int, actor: object = None) -> None:
    for i in range(n):
        with transaction.atomic():
            record(
                events.RecordCreated(
                    object_id=str(i), summary=f"e{i}", model="Target", natural_key=f"K{i}"
                ),
                actor=actor,  # type: ignore[arg-type]
            )


@pytest.mark.django_db
def test_intact_chain_verifies(personas: object) -> None:
    _write(5, actor=personas.section)  # type: ignore[attr-defined]
    assert list(verify_chain()) == []
    call_command("verify_audit")
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == [1, 2, 3, 4, 5]


@pytest.mark.django_db(transaction=True)
def test_record_outside_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError):
        record(events.RecordCreated(model="T", natural_key="k"), actor=None)


@pytest.mark.django_db
def test_edited_row_is_reported() -> None:
    _write(4)
    # Bypass the ORM and the append-only triggers, as a database administrator would.
    with guard_lifted(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditevent SET summary = %s WHERE seq = 2", ["tampered"])
    problems = list(verify_chain())
    assert [p.seq for p in problems] == [2]
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.django_db
def test_edited_payload_is_reported() -> None:
    _write(3)
    ev = AuditEvent.objects.get(seq=3)
    with guard_lifted():
        AuditEvent.objects.filter(pk=ev.pk).update(payload={**ev.payload, "natural_key": "other"})
    assert [p.seq for p in verify_chain()] == [3]


@pytest.mark.django_db
def test_deleted_row_is_reported() -> None:
    _write(4)
    with guard_lifted():
        AuditEvent.objects.filter(seq=2).delete()
    messages = [p.message for p in verify_chain()]
    assert any("序号不连续" in m for m in messages)


@pytest.mark.django_db
def test_deleted_tail_is_reported() -> None:
    _write(3)
    with guard_lifted():
        AuditEvent.objects.filter(seq=3).delete()
    assert any("末尾" in p.message for p in verify_chain())


@pytest.mark.django_db
def test_reordered_rows_are_reported() -> None:
    _write(4)
    a, b = AuditEvent.objects.get(seq=2), AuditEvent.objects.get(seq=3)
    # Swap the sequence numbers via a temporary value to respect the unique constraint.
    with guard_lifted():
        AuditEvent.objects.filter(pk=a.pk).update(seq=999)
        AuditEvent.objects.filter(pk=b.pk).update(seq=2)
        AuditEvent.objects.filter(pk=a.pk).update(seq=3)
    assert len(list(verify_chain())) >= 1


@pytest.mark.django_db
def test_sm3_chain(settings: object) -> None:
    settings.AUDIT_HASH_ALGORITHM = "sm3"  # type: ignore[attr-defined]
    _write(2)
    assert AuditEvent.objects.filter(algorithm="sm3").count() == 2
    assert list(verify_chain()) == []
    assert ChainHead.objects.get().seq == 2
