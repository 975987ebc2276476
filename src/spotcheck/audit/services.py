from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from spotcheck.audit.chain import event_hash
from spotcheck.audit.events import AuditEventData
from spotcheck.audit.models import AuditEvent, ChainHead

if TYPE_CHECKING:
    from spotcheck.accounts.models import User


def record(event: AuditEventData, *, actor: User | None) -> AuditEvent:
    """Append ``event`` to the chain. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the write's transaction")
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    algorithm = settings.AUDIT_HASH_ALGORITHM
    seq = head.seq + 1
    at = timezone.now()
    actor_id = actor.pk if actor is not None else None
    actor_label = actor.username if actor is not None else "system"
    payload = event.payload()
    digest = event_hash(
        algorithm=algorithm,
        seq=seq,
        at=at.isoformat(),
        actor_id=actor_id,
        actor_label=actor_label,
        event_type=event.event_type,
        object_type=event.object_type,
        object_id=event.object_id,
        summary=event.summary,
        payload=payload,
        prev_hash=head.hash,
    )
    row = AuditEvent.objects.create(
        seq=seq,
        at=at,
        actor_id=actor_id,
        actor_label=actor_label,
        event_type=event.event_type,
        object_type=event.object_type,
        object_id=event.object_id,
        summary=event.summary[:300],
        payload=payload,
        algorithm=algorithm,
        prev_hash=head.hash,
        hash=digest,
    )
    head.seq = seq
    head.hash = digest
    head.save(update_fields=["seq", "hash"])
    return row
