"""verify_audit --since CHECKPOINT: verification whose cost follows the events since a signed
checkpoint, and which still works after old events were archived away."""

from __future__ import annotations

from pathlib import Path

import pytest

from spotcheck.audit import checkpoints
from spotcheck.audit.models import AuditEvent, ChainHead
from tests.audit.test_checkpoints import _rewrite_like_a_dba, _save, _verify, _write
from tests.audit_guard import guard_lifted

pytestmark = pytest.mark.django_db


def test_only_the_events_after_the_checkpoint_are_walked(audit_key: Path, tmp_path: Path) -> None:
    _write(5)
    cp = _save(tmp_path, checkpoints.create_checkpoint())
    size = AuditEvent.objects.count()
    _write(3)
    ok, out, err = _verify("--since", str(cp))
    assert ok, err
    assert f"第 {size} 号事件" in out and "之后的 3 条事件" in out


def test_archived_years_before_the_checkpoint_do_not_fail_it(
    audit_key: Path, tmp_path: Path
) -> None:
    _write(4)
    cp = _save(tmp_path, checkpoints.create_checkpoint())
    size = AuditEvent.objects.count()
    _write(2)
    with guard_lifted():  # an old year's partition detached and archived
        AuditEvent.objects.filter(seq__lte=size).delete()
    ok, out, err = _verify("--since", str(cp))
    assert ok, err
    assert "之后的 2 条事件" in out
    # The full walk, of course, misses them.
    ok, _out, err = _verify()
    assert not ok and "序号不连续" in err


def test_a_rewrite_after_the_checkpoint_is_caught(audit_key: Path, tmp_path: Path) -> None:
    _write(3)
    cp = _save(tmp_path, checkpoints.create_checkpoint())
    _write(3)
    with guard_lifted():
        last = AuditEvent.objects.order_by("-seq").first()
        assert last is not None
        AuditEvent.objects.filter(pk=last.pk).update(summary="改过")
    ok, _out, err = _verify("--since", str(cp))
    assert not ok and "审计日志校验失败" in err


def test_a_history_rewritten_before_the_checkpoint_breaks_the_link(
    audit_key: Path, tmp_path: Path
) -> None:
    _write(4)
    cp = _save(tmp_path, checkpoints.create_checkpoint())
    _write(2)
    # Rewriting an earlier event and recomputing every hash moves the head the checkpoint
    # signed: the event at its size no longer matches.
    _rewrite_like_a_dba(2, "从未发生过")
    ok, _out, err = _verify("--since", str(cp))
    assert not ok and "历史被改写" in err


def test_a_forged_or_missing_checkpoint_is_refused(audit_key: Path, tmp_path: Path) -> None:
    import json

    _write(2)
    path = _save(tmp_path, checkpoints.create_checkpoint())
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["tree_size"] = 1
    path.write_text(json.dumps(doc), encoding="utf-8")
    ok, _out, err = _verify("--since", str(path))
    assert not ok and "签名无效" in err
    empty = tmp_path / "empty.json"
    empty.write_text("[]", encoding="utf-8")
    ok, _out, err = _verify("--since", str(empty))
    assert not ok and "没有检查点" in err
    assert ChainHead.objects.get(id=1).seq == AuditEvent.objects.count()
