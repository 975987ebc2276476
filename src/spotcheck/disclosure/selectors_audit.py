"""The audit log's signed checkpoints and public keys, as the public sees them.

Everything here is public by construction: a checkpoint names a count, a hash, a time and a
key, nothing of the log's content. The portal and open data read them through this module
only (the portal may not import ``spotcheck.audit``; see the import-linter contracts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.audit import checkpoints as audit_checkpoints
from spotcheck.audit import signing
from spotcheck.audit.models import AuditCheckpoint, AuditSigningKey


@dataclass(frozen=True)
class PublicCheckpoint:
    pk: int
    tree_size: int
    head: str
    hash_algorithm: str
    signed_at: dt.datetime
    key_id: str
    signature: str
    document: dict[str, Any]


@dataclass(frozen=True)
class PublicKey:
    key_id: str
    algorithm: str
    public_key: str
    pem: str
    registered_at: dt.datetime


def log_id() -> str:
    return str(settings.AUDIT_LOG_ID)


def checkpoint_rows() -> QuerySet[AuditCheckpoint]:
    """Newest first; page it, then turn each row into a ``PublicCheckpoint`` with ``public``."""
    return AuditCheckpoint.objects.order_by("-tree_size", "-pk")


def public(cp: AuditCheckpoint) -> PublicCheckpoint:
    return PublicCheckpoint(
        pk=cp.pk,
        tree_size=cp.tree_size,
        head=cp.head,
        hash_algorithm=cp.hash_algorithm,
        signed_at=dt.datetime.fromtimestamp(cp.timestamp / 1000, tz=dt.UTC).astimezone(
            timezone.get_current_timezone()
        ),
        key_id=cp.key_id,
        signature=cp.signature,
        document=audit_checkpoints.document(cp),
    )


def checkpoint(pk: int) -> PublicCheckpoint | None:
    row = AuditCheckpoint.objects.filter(pk=pk).first()
    return public(row) if row is not None else None


def latest_checkpoint() -> PublicCheckpoint | None:
    row = checkpoint_rows().first()
    return public(row) if row is not None else None


def all_checkpoints() -> list[dict[str, Any]]:
    """Every checkpoint's document, oldest first (for the open-data dataset)."""
    rows = AuditCheckpoint.objects.order_by("tree_size", "pk").iterator(chunk_size=2000)
    return [audit_checkpoints.document(cp) for cp in rows]


def public_keys() -> list[PublicKey]:
    """Every key that ever signed, old ones included (old checkpoints need them)."""
    out = []
    for row in AuditSigningKey.objects.order_by("registered_at", "pk"):
        key = signing.public_from_b64(row.public_key)
        out.append(
            PublicKey(
                key_id=row.key_id,
                algorithm=row.algorithm,
                public_key=row.public_key,
                pem=signing.public_pem(key),
                registered_at=row.registered_at,
            )
        )
    return out
