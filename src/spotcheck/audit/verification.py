"""What the audit page checks, at a cost that does not grow with the whole log.

On every visit the page checks the newest signed checkpoint (its Ed25519 signature against the
trusted public keys on disk, and that the event at its size still has its head) and re-hashes
only the events after it: the worker signs a checkpoint every hour, so that is at most an
hour's events. The whole history, from the first event, is re-hashed by a background job with
a progress bar (or by ``manage.py verify_audit``), never inside a request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from spotcheck.accounts.models import User
from spotcheck.audit import checkpoints, signing
from spotcheck.audit.models import AuditCheckpoint, ChainHead
from spotcheck.audit.verify import ChainProblem, verify_chain
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.jobs.models import Job
from spotcheck.jobs.services import Progress, dispatch, job_create, job_handler

JOB_KIND = "audit_verify"
MAX_PROBLEMS = 50
# Below this many events since the checkpoint (or in all, without one) the page checks them on
# every visit; above it the auditor starts the check with a button (still in the request, but
# bounded by the checkpoint interval) or runs the full job.
AUTO_VERIFY_MAX = 5000
# The full walk runs inline (no worker round trip) when the log is this small.
INLINE_MAX = 5000


@dataclass
class PageCheck:
    """The page's quick check: the newest checkpoint and the events after it."""

    total: int
    checkpoint: AuditCheckpoint | None
    checkpoint_problems: list[str] = field(default_factory=list)
    since: int = 0
    """Events after the checkpoint (all events without one)."""
    checked: bool = False
    problems: list[ChainProblem] = field(default_factory=list)
    truncated: bool = False

    @property
    def ok(self) -> bool:
        return self.checked and not self.problems and not self.checkpoint_problems

    @property
    def checkpoint_time(self) -> dt.datetime | None:
        if self.checkpoint is None:
            return None
        return dt.datetime.fromtimestamp(self.checkpoint.timestamp / 1000, tz=dt.UTC)


def log_size() -> int:
    """Events in the log, from the chain head (one row), not COUNT(*) over the table."""
    head = ChainHead.objects.filter(id=1).first()
    return head.seq if head is not None else 0


def page_check(*, run: bool) -> PageCheck:
    """Check the newest checkpoint and re-hash the events after it (``run`` forces the
    re-hash when there are more than AUTO_VERIFY_MAX of them)."""
    total = log_size()
    cp = checkpoints.latest()
    check = PageCheck(total=total, checkpoint=cp, since=total - (cp.tree_size if cp else 0))
    if cp is not None:
        # Trusted keys come from files only, never from the database (see verify_audit);
        # the anchor event's hash is checked by the walk below.
        key = signing.trusted_public_keys().get(cp.key_id)
        if key is None:
            check.checkpoint_problems.append(
                _("签名密钥 %(key)s… 不是受信任的公钥：检查点可能是伪造的")
                % {"key": cp.key_id[:16]}
            )
        elif not signing.verify_signature(
            key, checkpoints.signed_message(checkpoints.document(cp)), cp.signature
        ):
            check.checkpoint_problems.append(_("签名无效：检查点是伪造的，或签名后被改动过"))
    if not run and check.since > AUTO_VERIFY_MAX:
        return check
    walk = checkpoints.extension_problems(cp) if cp is not None else verify_chain()
    found = list(islice(walk, MAX_PROBLEMS + 1))
    check.checked = True
    check.problems = found[:MAX_PROBLEMS]
    check.truncated = len(found) > MAX_PROBLEMS
    return check


def full_verify_start(*, actor: User) -> Job:
    """Start re-hashing the whole log as a job; auditors and administrators only."""
    if not access.can_view_audit(actor):
        raise NotAllowed(_("只有纪检监督人员和系统管理员可以核验审计日志"))
    total = log_size()
    job = job_create(
        owner=actor,
        kind=JOB_KIND,
        label=_("核验审计日志全部 %(total)d 条事件") % {"total": total},
        params={},
        total=total,
    )
    job.params["result_url"] = f"{reverse('audit:event_list')}?job={job.pk}"
    job.save(update_fields=["params"])
    dispatch(job, "spotcheck.audit.verification.full_verify_job", background=total > INLINE_MAX)
    return job


@job_handler
def full_verify_job(job: Job, progress: Progress) -> dict[str, Any]:
    found = list(islice(verify_chain(progress=progress), MAX_PROBLEMS + 1))
    total = log_size()
    progress(total, total)
    return {
        "ok": not found,
        "total": total,
        "problems": [{"seq": p.seq, "message": p.message} for p in found[:MAX_PROBLEMS]],
        "truncated": len(found) > MAX_PROBLEMS,
        "checked_at": timezone.now().isoformat(),
    }
