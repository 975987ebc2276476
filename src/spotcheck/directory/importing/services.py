"""The import's writes: one transaction, bulk operations, history per record, one audit event.

Every record written gets a django-simple-history row whose user is the importer and whose
change reason names the file; unchanged rows are not touched and get no history row. The plan is
recomputed inside the transaction so what is written matches the database at commit time.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed
from spotcheck.directory import options_cache
from spotcheck.directory.importing.columns import Spec, get_spec, load_context
from spotcheck.directory.importing.fastwrite import create_with_history, history_through
from spotcheck.directory.importing.problems import ImportRefused
from spotcheck.directory.importing.reading import XLSX, read_csv, read_xlsx
from spotcheck.directory.importing.supervision import write_own_values
from spotcheck.directory.importing.validation import Create, Plan, Update, build_plan

Progress = Callable[[int, int], None]
BATCH = 1000
FAST_BATCH = 10_000
# From this many new records on, creates bypass bulk_create_with_history (see fastwrite.py).
FAST_CREATE_MIN = 500
T = TypeVar("T")


class ImportBlocked(Exception):
    """The dry run found errors (or unconfirmed warnings): nothing was written."""

    def __init__(self, message: str, plan: Plan) -> None:
        super().__init__(message)
        self.message = message
        self.plan = plan


def _noop(done: int, total: int) -> None:
    pass


@contextmanager
def _bulk_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while ~10^5 rows are held in memory.

    Every few hundred allocations the collector would walk all live containers again; with a
    100k-row file that is ~30% of the import's time, and these objects hold no cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_validate(
    *, actor: User, kind: str, path: Path, fmt: str, progress: Progress = _noop
) -> Plan:
    """Read and check the file against the database; writes nothing."""
    if not access.can_import(actor):
        raise NotAllowed(gettext("只有业务科室人员可以导入"))
    spec = get_spec(kind)
    with _bulk_gc():
        if fmt == XLSX:
            sheet, issues = read_xlsx(path)
        else:
            sheet, issues = read_csv(path), None
        ctx = load_context(department_id=actor.department_id)
        return build_plan(spec, sheet, ctx, issues=issues, progress=progress)


@transaction.atomic
def import_commit(
    *,
    actor: User,
    kind: str,
    path: Path,
    fmt: str,
    filename: str,
    sha256: str,
    confirm_warnings: bool,
    object_id: str = "",
    progress: Progress = _noop,
) -> dict[str, Any]:
    """All-or-nothing upsert by natural key; returns the counts written."""
    plan = import_validate(actor=actor, kind=kind, path=path, fmt=fmt)
    if plan.errors:
        raise ImportBlocked(
            gettext("文件中有 %(n)s 个错误，未导入任何数据") % {"n": plan.errors}, plan
        )
    if plan.warnings and not confirm_warnings:
        raise ImportBlocked(
            gettext("有 %(n)s 个警告需要确认后才能导入") % {"n": plan.warnings}, plan
        )
    spec = plan.spec
    stamp = timezone.now()
    reason = f"导入文件 {filename}"[:100]
    writes = len(plan.creates) + len(plan.updates)
    # The same denominator as validation (the file's rows), scaled from the rows written.
    total = plan.rows
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        progress(done * total // writes if writes else total, total)

    with _bulk_gc():
        _write_creates(spec, plan.creates, actor=actor, stamp=stamp, reason=reason, step=step)
        _write_updates(spec, plan.updates, actor=actor, stamp=stamp, reason=reason, step=step)
    if writes:
        # Bulk writes send no post_save: the cached region and industry lists would not know.
        options_cache.bump()
    counts = {
        "created": len(plan.creates),
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
    }
    record(
        events.ImportCommitted(
            object_id=object_id,
            summary=(
                f"导入{spec.label}（{filename}）：新增 {counts['created']} 条、"
                f"更新 {counts['updated']} 条、未变更 {counts['unchanged']} 条"
            ),
            model=spec.model.__name__,
            filename=filename,
            sha256=sha256,
            **counts,
        ),
        actor=actor,
    )
    return counts


# --- bulk writes -----------------------------------------------------------------------------


def _m2m_parts(model: type[models.Model], name: str) -> tuple[Any, str, str, Any]:
    field = model._meta.get_field(name)
    through = field.remote_field.through  # type: ignore[union-attr]
    history_m2m = history_through(through)
    return through, field.m2m_column_name(), field.m2m_reverse_name(), history_m2m  # type: ignore[union-attr]


def _history_ids(model: type[models.Model], pks: list[int], stamp: dt.datetime) -> dict[int, int]:
    """pk → id of the history row this import just wrote for it (all share ``stamp``)."""
    history = model.history.model  # type: ignore[attr-defined]
    return dict(
        history.objects.filter(history_date=stamp, id__in=pks).values_list("id", "history_id")
    )


def _snapshot_m2m(model: type[models.Model], name: str, pks: list[int], stamp: dt.datetime) -> None:
    """Copy the current m2m rows of ``pks`` into their new history rows (as simple_history's
    own m2m tracking would, which bulk writes bypass)."""
    through, source, target, history_m2m = _m2m_parts(model, name)
    history_ids = _history_ids(model, pks, stamp)
    # Every column of the link (a department's own grade and flag too), as simple-history's
    # snapshot copies them; the link's own id is the history row's ``id``.
    extra = [
        f.attname for f in through._meta.concrete_fields if f.attname not in {"id", source, target}
    ]
    rows = through.objects.filter(**{f"{source}__in": pks}).values("id", source, target, *extra)
    history_m2m.objects.bulk_create(
        [history_m2m(history_id=history_ids[row[source]], **row) for row in rows],
        batch_size=BATCH,
    )


def _write_creates(
    spec: Spec,
    creates: list[Create],
    *,
    actor: User,
    stamp: dt.datetime,
    reason: str,
    step: Callable[[int], None],
) -> None:
    model = spec.model
    m2m_names = [c.field for c in spec.columns if c.m2m]
    if len(creates) >= FAST_CREATE_MIN:
        _fast_creates(spec, creates, actor=actor, stamp=stamp, reason=reason, step=step)
        return
    for batch in _chunks(creates, BATCH):
        objs = []
        for create in batch:
            obj = model(**create.values)
            if create.confirmed_code and hasattr(obj, "code_warning_confirmed"):
                obj.code_warning_confirmed = True  # the importer confirmed the checksum warning
            objs.append(obj)
        saved = bulk_create_with_history(
            objs,
            model,
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
            default_date=stamp,
        )
        pks = [obj.pk for obj in saved]
        for name in m2m_names:
            through, source, target, _ = _m2m_parts(model, name)
            through.objects.bulk_create(
                [
                    through(**{source: obj.pk, target: other})
                    for obj, create in zip(saved, batch, strict=True)
                    for other in sorted(create.m2m.get(name, ()))
                ],
                batch_size=BATCH,
            )
            _snapshot_m2m(model, name, pks, stamp)
        step(len(batch))


def _fast_creates(
    spec: Spec,
    creates: list[Create],
    *,
    actor: User,
    stamp: dt.datetime,
    reason: str,
    step: Callable[[int], None],
) -> None:
    m2m_names = [c.field for c in spec.columns if c.m2m]
    confirmable = any(f.name == "code_warning_confirmed" for f in spec.model._meta.fields)
    for batch in _chunks(creates, FAST_BATCH):
        records = []
        for create in batch:
            values = dict(create.values)
            if create.confirmed_code and confirmable:
                values["code_warning_confirmed"] = True
            records.append(values)
        create_with_history(
            spec.model,
            records,
            {name: [c.m2m.get(name, ()) for c in batch] for name in m2m_names},
            user_id=actor.pk,
            reason=reason,
            stamp=stamp,
        )
        step(len(batch))


def _write_updates(
    spec: Spec,
    updates: list[Update],
    *,
    actor: User,
    stamp: dt.datetime,
    reason: str,
    step: Callable[[int], None],
) -> None:
    model = spec.model
    m2m_names = [c.field for c in spec.columns if c.m2m]
    attnames = {f.name: getattr(f, "attname", f.name) for f in model._meta.get_fields()}
    has_updated_at = any(f.name == "updated_at" for f in model._meta.get_fields())
    for batch in _chunks(updates, BATCH):
        objs = [u.instance for u in batch]
        fields = sorted({attnames[f] for u in batch for f in u.fields})
        if has_updated_at:
            for obj in objs:
                obj.updated_at = stamp  # bulk_update skips auto_now
            fields.append("updated_at")
        bulk_update_with_history(
            objs,
            model,
            fields,
            batch_size=BATCH,
            default_user=actor,
            default_change_reason=reason,
            default_date=stamp,
        )
        pks = [obj.pk for obj in objs]
        own = {u.pk: u.own for u in batch if u.own}
        if own and actor.department_id is not None:
            # Before the snapshot below, so the target's history shows them.
            write_own_values(actor.department_id, own)
        for name in m2m_names:
            through, source, target, _ = _m2m_parts(model, name)
            changed = [u for u in batch if name in u.m2m]
            if changed:
                _replace_links(
                    through, source, target, {u.instance.pk: u.m2m[name] for u in changed}
                )
            _snapshot_m2m(model, name, pks, stamp)
        step(len(batch))


def _replace_links(through: Any, source: str, target: str, wanted: dict[int, Any]) -> None:
    """Make the links of each owner exactly ``wanted[owner]``, deleting and adding only the
    ones that differ: a link that stays keeps its row and whatever columns it carries (a
    department's own grade on ``Supervision``)."""
    current = through.objects.filter(**{f"{source}__in": list(wanted)}).values_list(
        "id", source, target
    )
    stale = [row_id for row_id, owner, other in current if other not in wanted[owner]]
    kept = {(owner, other) for _row_id, owner, other in current if other in wanted[owner]}
    through.objects.filter(id__in=stale).delete()
    through.objects.bulk_create(
        [
            through(**{source: owner, target: other})
            for owner, others in wanted.items()
            for other in sorted(others)
            if (owner, other) not in kept
        ],
        batch_size=BATCH,
    )


__all__ = ["ImportBlocked", "ImportRefused", "import_commit", "import_validate"]
