"""Issue 13 part 2: signed checkpoints survive a database administrator who rewrites history
and recomputes every hash after the edit."""

from __future__ import annotations

import base64
import http.server
import json
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from spotcheck.audit import checkpoints, events, signing
from spotcheck.audit.chain import event_hash
from spotcheck.audit.models import AuditCheckpoint, AuditEvent, AuditSigningKey, ChainHead
from spotcheck.audit.services import record
from spotcheck.audit.verify import verify_chain
from tests.audit_guard import guard_lifted

pytestmark = pytest.mark.django_db


def _write(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            record(
                events.RecordCreated(
                    object_id=str(i), summary=f"e{i}", model="Target", natural_key=f"K{i}"
                ),
                actor=None,
            )


def _save(tmp_path: Path, cp: AuditCheckpoint, name: str = "cp.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(checkpoints.document(cp)), encoding="utf-8")
    return path


def _verify(*args: str) -> tuple[bool, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_audit", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def _rewrite_like_a_dba(seq: int, summary: str) -> None:
    """Edit one event and recompute every later hash and the chain head with the project's
    own ``event_hash``: the chain alone then verifies again."""
    with guard_lifted():
        prev = AuditEvent.objects.get(seq=seq).prev_hash
        for ev in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
            if ev.seq == seq:
                ev.summary = summary
            digest = event_hash(
                algorithm=ev.algorithm,
                seq=ev.seq,
                at=ev.at.isoformat(),
                actor_id=ev.actor_id,
                actor_label=ev.actor_label,
                event_type=ev.event_type,
                object_type=ev.object_type,
                object_id=ev.object_id,
                summary=ev.summary,
                payload=json.loads(json.dumps(ev.payload)),
                prev_hash=prev,
            )
            AuditEvent.objects.filter(pk=ev.pk).update(
                summary=ev.summary, prev_hash=prev, hash=digest
            )
            prev = digest
        ChainHead.objects.filter(id=1).update(hash=prev)


def test_keygen_writes_a_private_file_and_keeps_the_public_key(audit_key: Path) -> None:
    assert stat.S_IMODE(os.stat(audit_key).st_mode) == 0o600
    key = signing.load_signing_key()
    pub = Path(signing.settings.AUDIT_PUBLIC_KEYS_DIR) / f"{key.key_id}.pub"
    assert signing.key_id_of(signing.load_public_key_file(pub)) == key.key_id
    with pytest.raises(CommandError, match="已存在"):
        call_command("audit_keygen")
    call_command("audit_keygen", "--if-missing")  # no-op
    assert signing.load_signing_key().key_id == key.key_id


def test_missing_key_is_a_clear_error(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "none.pem"  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="audit_keygen"):
        call_command("audit_checkpoint")


def test_checkpoint_signs_the_head_and_registers_the_key(audit_key: Path, tmp_path: Path) -> None:
    _write(3)
    call_command("audit_checkpoint")
    cp = AuditCheckpoint.objects.get()
    # The key's registration is an event, so the first checkpoint already covers it.
    assert cp.tree_size == 4 == ChainHead.objects.get().seq
    assert AuditEvent.objects.get(seq=4).event_type == "audit.signing_key_registered"
    assert cp.head == AuditEvent.objects.get(seq=4).hash
    key = AuditSigningKey.objects.get()
    assert key.key_id == cp.key_id == signing.load_signing_key().key_id
    doc = checkpoints.document(cp)
    public = signing.public_from_b64(key.public_key)
    assert signing.verify_signature(public, checkpoints.signed_message(doc), doc["signature"])
    ok, out, err = _verify("--checkpoint", str(_save(tmp_path, cp)))
    assert ok, err
    assert "日志仍延续该检查点" in out


def test_rewritten_history_with_recomputed_hashes_is_caught(
    audit_key: Path, tmp_path: Path
) -> None:
    _write(5)
    earlier = _save(tmp_path, checkpoints.create_checkpoint())
    _write(2)
    _rewrite_like_a_dba(2, "从未发生过")
    # The chain on its own cannot tell: every hash was recomputed.
    assert list(verify_chain()) == []
    ok, _, err = _verify("--checkpoint", str(earlier))
    assert not ok
    assert "历史被改写" in err and "审计日志校验失败" in err
    # And the server refuses to sign the rewritten log.
    with pytest.raises(checkpoints.CheckpointError, match="拒绝签名"):
        checkpoints.create_checkpoint()


def test_deleted_tail_after_a_checkpoint_is_caught(audit_key: Path, tmp_path: Path) -> None:
    _write(3)
    saved = _save(tmp_path, checkpoints.create_checkpoint())
    with guard_lifted():
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        AuditEvent.objects.filter(pk=last.pk).delete()
        ChainHead.objects.filter(id=1).update(seq=last.seq - 1, hash=last.prev_hash)
    assert list(verify_chain()) == []
    ok, _, err = _verify("--checkpoint", str(saved))
    assert not ok and "事件被删除" in err


def test_forged_signature_is_rejected(audit_key: Path, tmp_path: Path) -> None:
    _write(2)
    doc = checkpoints.document(checkpoints.create_checkpoint())
    forged = dict(doc, tree_size=1, head=AuditEvent.objects.get(seq=1).hash)
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged), encoding="utf-8")
    ok, _, err = _verify("--checkpoint", str(path))
    assert not ok and "签名无效" in err
    garbage = dict(doc, signature=base64.b64encode(b"x" * 64).decode())
    path.write_text(json.dumps(garbage), encoding="utf-8")
    assert not _verify("--checkpoint", str(path))[0]


def test_a_key_the_verifier_does_not_trust_is_rejected(audit_key: Path, tmp_path: Path) -> None:
    """A database administrator's own key (even registered in the database) is not trusted."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    _write(2)
    rogue = signing.SigningKey(Ed25519PrivateKey.generate())
    with transaction.atomic():
        checkpoints.ensure_key_registered(rogue)
    doc = {
        "format": checkpoints.FORMAT,
        "log": "spotcheck",
        "tree_size": 2,
        "head": AuditEvent.objects.get(seq=2).hash,
        "hash_algorithm": "sha256",
        "timestamp": 1,
        "key_id": rogue.key_id,
    }
    doc["signature"] = rogue.sign(checkpoints.signed_message(doc))
    path = tmp_path / "rogue.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    ok, _, err = _verify("--checkpoint", str(path))
    assert not ok and "不是受信任的公钥" in err
    pub = tmp_path / "rogue.pub"
    pub.write_text(signing.public_b64(rogue.public), encoding="ascii")
    ok, _, err = _verify("--checkpoint", str(path), "--public-key", str(pub))
    assert ok, err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "不是有效的 JSON"),
        ('{"format": "spotcheck-audit-checkpoint/1"}', "缺少字段"),
        ("[1]", "应为 JSON 对象"),
    ],
)
def test_bad_checkpoint_files_get_clear_messages(
    audit_key: Path, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    ok, _, err = _verify("--checkpoint", str(path))
    assert not ok and message in err


def test_only_http_urls_are_fetched(audit_key: Path) -> None:
    ok, _, err = _verify("--checkpoint", "file:///etc/passwd")
    assert not ok and "只支持 http 或 https" in err
    ok, _, err = _verify("--checkpoint", str(Path("/nonexistent/cp.json")))
    assert not ok and "无法读取检查点" in err


@pytest.fixture
def http_dir(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = tmp_path / "www"
    root.mkdir()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", root
    server.shutdown()
    server.server_close()


def test_checkpoints_by_url_including_the_open_data_list(
    audit_key: Path, http_dir: tuple[str, Path]
) -> None:
    base, root = http_dir
    _write(2)
    first = checkpoints.create_checkpoint()
    _write(1)
    second = checkpoints.create_checkpoint()
    dataset = {"checkpoints": [checkpoints.document(first), checkpoints.document(second)]}
    (root / "all.json").write_text(json.dumps(dataset), encoding="utf-8")
    ok, out, err = _verify("--checkpoint", f"{base}/all.json")
    assert ok, err
    assert out.count("日志仍延续该检查点") == 2
    ok, _, err = _verify("--checkpoint", f"{base}/missing.json")
    assert not ok and "无法读取检查点" in err


def test_rotation_keeps_old_checkpoints_verifiable(audit_key: Path, tmp_path: Path) -> None:
    _write(2)
    old_cp = _save(tmp_path, checkpoints.create_checkpoint(), "old.json")
    old_id = signing.load_signing_key().key_id
    call_command("audit_keygen", "--rotate")
    new_id = signing.load_signing_key().key_id
    assert new_id != old_id
    assert stat.S_IMODE(os.stat(audit_key).st_mode) == 0o600
    rows = list(AuditCheckpoint.objects.order_by("pk"))
    # The old key's last checkpoint covers the new key's registration; then the new key signs.
    assert [r.key_id for r in rows] == [old_id, old_id, new_id]
    registration = AuditEvent.objects.get(
        event_type="audit.signing_key_registered", object_id=new_id
    )
    assert rows[1].tree_size >= registration.seq
    assert set(AuditSigningKey.objects.values_list("key_id", flat=True)) == {old_id, new_id}
    ok, _, err = _verify("--checkpoint", str(old_cp), "--checkpoint", str(_save(tmp_path, rows[2])))
    assert ok, err


def test_scheduled_checkpoint_signs_when_the_log_grew(
    audit_key: Path, settings: pytest.FixtureRequest
) -> None:
    _write(1)
    assert checkpoints.scheduled_checkpoint().startswith("checkpoint")
    assert checkpoints.scheduled_checkpoint().startswith("unchanged")
    _write(1)
    assert checkpoints.scheduled_checkpoint().startswith("checkpoint")
    assert AuditCheckpoint.objects.count() == 2


def test_scheduled_checkpoint_renews_a_stale_one(audit_key: Path) -> None:
    import time_machine

    _write(1)
    checkpoints.scheduled_checkpoint()
    # A day later with no new event: sign again, so the newest checkpoint is never old.
    with time_machine.travel(timezone.now() + checkpoints.MAX_AGE, tick=False):
        assert checkpoints.scheduled_checkpoint().startswith("checkpoint")
    assert AuditCheckpoint.objects.count() == 2


def test_the_worker_has_an_hourly_schedule() -> None:
    """Migration 0004 adds the schedule (run again here: a transactional test's flush may
    have emptied the table; the migration's function is idempotent)."""
    import importlib

    from django.apps import apps
    from django_q.models import Schedule

    migration = importlib.import_module(
        "spotcheck.audit.migrations.0004_schedule_hourly_checkpoint"
    )
    migration.add_schedule(apps, None)
    migration.add_schedule(apps, None)
    schedule = Schedule.objects.get(name="spotcheck-audit-checkpoint")
    assert schedule.func == "spotcheck.audit.checkpoints.scheduled_checkpoint"
    assert schedule.schedule_type == Schedule.HOURLY and schedule.repeats == -1
