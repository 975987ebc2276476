"""Re-walk the audit chain and report every break."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from spotcheck.audit.chain import GENESIS, event_hash
from spotcheck.audit.models import AuditEvent, ChainHead


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    message: str


def verify_chain(
    *,
    after_seq: int = 0,
    after_hash: str = GENESIS,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[ChainProblem]:
    """Walk the events after ``after_seq`` (default: all), whose predecessor must hash to
    ``after_hash``. Starting from a signed checkpoint's (size, head) this checks exactly that
    the log from the checkpoint to now extends it (the chain's consistency proof).
    ``progress(done, total)`` is told how far the walk got (for a job's progress bar)."""
    head_row = ChainHead.objects.filter(id=1).first()
    total = max((head_row.seq if head_row else 0) - after_seq, 0)
    expected_prev = after_hash
    expected_seq = after_seq + 1
    last_seq = after_seq
    # The payload is round-tripped through JSON the same way the writer stored it.
    events = AuditEvent.objects.filter(seq__gt=after_seq).order_by("seq")
    for ev in events.iterator(chunk_size=2000):
        if ev.seq != expected_seq:
            yield ChainProblem(
                ev.seq,
                _("序号不连续：应为 %(expected)s，实为 %(seq)s（有事件被删除或插入）")
                % {"expected": expected_seq, "seq": ev.seq},
            )
        if ev.prev_hash != expected_prev:
            yield ChainProblem(ev.seq, _("前一哈希与上一事件不符（事件被删除、插入或重新排序）"))
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
            prev_hash=ev.prev_hash,
        )
        if digest != ev.hash:
            yield ChainProblem(ev.seq, _("内容哈希不符（事件内容被修改）"))
        expected_prev = ev.hash
        expected_seq = ev.seq + 1
        last_seq = ev.seq
        if progress is not None:
            progress(min(last_seq - after_seq, total), total)
    head = ChainHead.objects.filter(id=1).first()
    if head is not None and (head.seq != last_seq or head.hash != expected_prev):
        yield ChainProblem(
            head.seq,
            _("链头记录第 %(head)s 号事件，但日志止于第 %(last)s 号（末尾事件被删除）")
            % {"head": head.seq, "last": last_seq},
        )
