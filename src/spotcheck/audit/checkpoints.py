"""Signed checkpoints of the audit chain, modelled on Certificate Transparency's signed tree
heads (RFC 9162 §4.10): (log, size, head hash, time, key id) signed with Ed25519.

The chain head after ``n`` events is a hash over event ``n`` and, through ``prev_hash``, over
every event before it. So a checkpoint (n, head) pins the whole prefix 1..n, and the chain's
consistency proof between two checkpoints (m ≤ n) is the events m+1..n themselves: if they
re-hash from head_m to head_n, the larger log extends the smaller one (as long as SHA-256/SM3
resist collisions). A Merkle tree would make that proof logarithmic and content-free; the
chain's proof needs the events, which only readers of the log (the auditor) may see, while the
public holds the signed heads and can show a fork (two signatures over different heads of the
same size). See docs/architecture.md, "Audit log".

A checkpoint is not an audit event itself (its row would have to contain its own signature);
its table is append-only like the log, and each one is published. Registering a new signing key
IS an audit event, so the next checkpoint covers it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.audit import events, signing
from spotcheck.audit.chain import GENESIS, canonical
from spotcheck.audit.models import AuditCheckpoint, AuditEvent, AuditSigningKey, ChainHead
from spotcheck.audit.services import record
from spotcheck.audit.verify import ChainProblem, verify_chain

log = logging.getLogger(__name__)

FORMAT = "spotcheck-audit-checkpoint/1"
# Everything but the signature is signed, in canonical JSON (sorted keys, UTF-8, no spaces).
SIGNED_FIELDS = ("format", "log", "tree_size", "head", "hash_algorithm", "timestamp", "key_id")
# The worker runs hourly; it signs when the log grew, and at least this often anyway, so the
# newest checkpoint's time shows the log was alive (and nothing was held back) that day.
MAX_AGE = dt.timedelta(hours=23)
_HEX64 = re.compile(r"[0-9a-f]{64}")


class CheckpointError(Exception):
    """A checkpoint cannot be made or read; ``message`` is Chinese and shown as-is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def signed_message(doc: Mapping[str, Any]) -> bytes:
    return canonical({name: doc[name] for name in SIGNED_FIELDS})


def document(cp: AuditCheckpoint) -> dict[str, Any]:
    """The published form of a checkpoint; ``signed_message`` of it is what was signed."""
    return {
        "format": FORMAT,
        "log": cp.log_id,
        "tree_size": cp.tree_size,
        "head": cp.head,
        "hash_algorithm": cp.hash_algorithm,
        "timestamp": cp.timestamp,
        "key_id": cp.key_id,
        "signature": cp.signature,
    }


def latest() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-tree_size", "-pk").first()


# --- writing ------------------------------------------------------------------------------------


def ensure_key_registered(key: signing.SigningKey) -> AuditSigningKey:
    """The key's public half in the database (for the portal), with an audit event the first
    time. Call inside a transaction."""
    existing = AuditSigningKey.objects.filter(key_id=key.key_id).first()
    if existing is not None:
        return existing
    public = signing.public_b64(key.public)
    row = AuditSigningKey.objects.create(
        key_id=key.key_id, public_key=public, registered_at=timezone.now()
    )
    record(
        events.SigningKeyRegistered(
            object_id=key.key_id,
            summary=f"登记审计日志签名公钥 {key.key_id[:16]}",
            key_id=key.key_id,
            public_key=public,
            algorithm="ed25519",
        ),
        actor=None,
    )
    return row


def extension_problems(since: AuditCheckpoint) -> Iterator[ChainProblem]:
    """Does the log still extend ``since``? Its head at that size, and the chain after it."""
    if since.tree_size:
        anchor = AuditEvent.objects.filter(seq=since.tree_size).first()
        if anchor is None:
            yield ChainProblem(since.tree_size, gettext("检查点之后该事件被删除"))
            return
        if anchor.hash != since.head:
            yield ChainProblem(
                since.tree_size, gettext("哈希与已签名的检查点不符：检查点之前的历史被改写")
            )
            return
    yield from verify_chain(after_seq=since.tree_size, after_hash=since.head)


@transaction.atomic
def create_checkpoint(*, key: signing.SigningKey | None = None) -> AuditCheckpoint:
    """Sign the current chain head. Refuses when the log no longer extends the previous
    checkpoint: a rewritten history must never get a fresh signature."""
    key = key or signing.load_signing_key()
    signing.publish_public_key(key.public)
    ensure_key_registered(key)
    head, _ = ChainHead.objects.select_for_update().get_or_create(id=1)
    previous = latest()
    if previous is not None:
        problems = list(extension_problems(previous))
        if problems:
            detail = "；".join(f"事件 #{p.seq}：{p.message}" for p in problems[:5])
            raise CheckpointError(
                f"审计日志不再延续第 {previous.tree_size} 条事件处的检查点，拒绝签名：{detail}"
            )
    if head.seq:
        algorithm = AuditEvent.objects.values_list("algorithm", flat=True).get(seq=head.seq)
    else:
        algorithm = settings.AUDIT_HASH_ALGORITHM
    now = timezone.now()
    doc: dict[str, Any] = {
        "format": FORMAT,
        "log": settings.AUDIT_LOG_ID,
        "tree_size": head.seq,
        "head": head.hash,
        "hash_algorithm": algorithm,
        "timestamp": int(now.timestamp() * 1000),
        "key_id": key.key_id,
    }
    return AuditCheckpoint.objects.create(
        log_id=doc["log"],
        tree_size=doc["tree_size"],
        head=doc["head"],
        hash_algorithm=algorithm,
        timestamp=doc["timestamp"],
        key_id=key.key_id,
        signature=key.sign(signed_message(doc)),
        created_at=now,
    )


def scheduled_checkpoint() -> str:
    """Run hourly by the job worker (migration 0004): sign when the log grew or the newest
    checkpoint is older than MAX_AGE. A failure is raised, so django-q2 lists it as failed."""
    previous = latest()
    head = ChainHead.objects.filter(id=1).first()
    size = head.seq if head is not None else 0
    if (
        previous is not None
        and previous.tree_size == size
        and timezone.now() - previous.created_at < MAX_AGE
    ):
        return f"unchanged at {size}"
    try:
        cp = create_checkpoint()
    except (CheckpointError, signing.SigningKeyError) as exc:
        log.error("audit checkpoint failed: %s", exc.message)
        raise
    return f"checkpoint at {cp.tree_size}"


# --- reading a checkpoint someone kept ---------------------------------------------------------


@dataclass(frozen=True)
class CheckpointReport:
    tree_size: int | None
    key_id: str
    problems: list[str]


def parse_documents(data: Any) -> list[Any]:
    """One checkpoint, a list of them, or the open-data dataset ({"checkpoints": [...]})."""
    if isinstance(data, dict) and isinstance(data.get("checkpoints"), list):
        return list(data["checkpoints"])
    if isinstance(data, list):
        return data
    return [data]


def _field_problems(doc: Any) -> list[str]:
    if not isinstance(doc, dict):
        return ["检查点格式无效：应为 JSON 对象"]
    missing = [name for name in (*SIGNED_FIELDS, "signature") if name not in doc]
    if missing:
        return [f"检查点格式无效：缺少字段 {'、'.join(missing)}"]
    problems = []
    if doc["format"] != FORMAT:
        problems.append(f"检查点格式“{doc['format']}”不受支持（应为 {FORMAT}）")
    for name in ("tree_size", "timestamp"):
        value = doc[name]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"检查点字段 {name} 应为非负整数")
    for name in ("head", "key_id"):
        if not isinstance(doc[name], str) or not _HEX64.fullmatch(doc[name]):
            problems.append(f"检查点字段 {name} 应为 64 位小写十六进制")
    for name in ("log", "hash_algorithm", "signature"):
        if not isinstance(doc[name], str):
            problems.append(f"检查点字段 {name} 应为字符串")
    return problems


def check_checkpoint(
    doc: Any, trusted: Mapping[str, Ed25519PublicKey], *, archived_ok: bool = False
) -> CheckpointReport:
    """Signature by a trusted key, this log, and the event at that size still has that head.

    The chain itself (every hash from the first event to now) is checked by ``verify_chain``;
    together they prove the log still extends the checkpoint. ``archived_ok``: the events up
    to the checkpoint may have been archived away (an old year's partition detached); the
    walk from the checkpoint then links to it through the next event's ``prev_hash``.
    """
    problems = _field_problems(doc)
    if problems:
        size = doc.get("tree_size") if isinstance(doc, dict) else None
        return CheckpointReport(size if isinstance(size, int) else None, "", problems)
    size, key_id = int(doc["tree_size"]), str(doc["key_id"])
    key = trusted.get(key_id)
    if key is None:
        problems.append(
            f"签名密钥 {key_id[:16]}… 不是受信任的公钥（不在 {settings.AUDIT_PUBLIC_KEYS_DIR}，"
            "也没有用 --public-key 指定）"
        )
    elif not signing.verify_signature(key, signed_message(doc), str(doc["signature"])):
        problems.append("签名无效：检查点是伪造的，或签名后被改动过")
    if problems:
        return CheckpointReport(size, key_id, problems)
    if doc["log"] != settings.AUDIT_LOG_ID:
        problems.append(f"检查点属于日志“{doc['log']}”，本系统的日志是“{settings.AUDIT_LOG_ID}”")
    elif size == 0:
        if doc["head"] != GENESIS:
            problems.append("空日志的检查点链头应为全零")
    else:
        event = AuditEvent.objects.filter(seq=size).first()
        if event is None and archived_ok:
            pass
        elif event is None:
            problems.append(f"日志中没有第 {size} 号事件：检查点签名后事件被删除")
        elif event.hash != doc["head"]:
            problems.append(f"第 {size} 号事件的哈希与检查点不符：检查点之前的历史被改写")
    return CheckpointReport(size, key_id, problems)
