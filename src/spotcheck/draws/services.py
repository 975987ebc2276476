"""The draw ceremony: commit → public randomness → execute → teams; aborts and recusals.

Each step is one transaction with its audit event. Randomness never comes from this server:
the seed is fixed by the commitment plus public values (beacon, lottery, witnesses' dice) that
did not exist when the commitment was recorded, so nobody here can steer the result.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core.bulk import insert_columns
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import ConflictDeclaration, Inspector, Target
from spotcheck.disclosure.draw_records import publish_draw_commitment
from spotcheck.draws.attempts import (
    ExecutionFailed,
    bind_to_earlier,
    entered_before,
    record_failed_attempt,
)
from spotcheck.draws.history import draw_history
from spotcheck.draws.models import (
    CapOverride,
    CheckSlot,
    Draw,
    DrawState,
    RecusalReason,
    TeamMember,
)
from spotcheck.draws.pool import build_pool
from spotcheck.draws.randomness import (
    SOURCE_DESCRIPTION,
    randomness_items,
    randomness_values,
    witness_names,
)
from spotcheck.draws.scope import YEARLY_CAP
from spotcheck.draws.snapshot import (
    committed_pool,
    copy_drawn_lines,
    pack_pool,
    pool_entries_written,
    write_pool_columns,
)
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.proof import build_commitment, commitment_digest, new_nonce, run_draw
from spotcheck.engine.teams import TeamFormationError
from spotcheck.planning.models import SpotCheckTask, TaskMode, TaskState
from spotcheck.planning.services import _transition


def _require_lead_section(actor: User, task: SpotCheckTask) -> None:
    if actor.role != Role.SECTION or actor.department_id != task.lead_department_id:
        raise NotAllowed(gettext("只有牵头部门的业务科室人员可以组织抽取"))


@transaction.atomic
def draw_commit(
    *,
    actor: User,
    task: SpotCheckTask,
    randomness_kind: str,
    randomness_names: list[str],
    not_before: dt.datetime | None = None,
    hash_name: str = "sha256",
    reason: str = "",
) -> Draw:
    task = SpotCheckTask.objects.select_for_update().get(pk=task.pk)
    _require_lead_section(actor, task)
    if task.state != TaskState.APPROVED:
        raise ServiceError(
            gettext("任务状态为“%(state)s”，须经领导批准后才能承诺抽取")
            % {"state": task.get_state_display()}
        )
    previous = task.draws.order_by("-id").first()
    if previous is not None and previous.state != DrawState.ABORTED:
        raise ServiceError(
            gettext("第%(previous)s号抽取仍然有效，须经分管领导批准作废后才能重新抽取")
            % {"previous": previous.pk}
        )
    if previous is not None and not reason.strip():
        raise ServiceError(gettext("重新抽取必须说明原因"))
    items = randomness_items(randomness_kind, randomness_names, not_before)
    pool = build_pool(task)
    if not pool.eligible_count:
        raise ServiceError(gettext("没有符合条件的检查对象，请调整定向条件或抽查事项"))
    if sum(pool.sizes.values()) == 0:
        raise ServiceError(gettext("按当前比例抽取数量为 0，请调整抽查比例"))
    departments = list(task.departments.all())
    inspectors = list(
        Inspector.objects.filter(department__in=departments).select_related("department")
    )
    inspector_lines = [
        {
            "cert_no": i.cert_no,
            "department": i.department.code,
            "status": i.status,
            "valid_from": i.cert_valid_from.isoformat(),
            "valid_to": i.cert_valid_to.isoformat(),
        }
        for i in inspectors
    ]
    qualified = [
        i
        for i in inspectors
        if i.status == "active"
        and i.cert_valid_from <= task.window_start
        and i.cert_valid_to >= task.window_end
    ]
    if len(qualified) < task.team_size:
        raise ServiceError(
            gettext(
                "在检查期间持有效执法证的在岗人员只有 %(qualified)s 名，不足每组 %(team_size)s 名"
            )
            % {"qualified": len(qualified), "team_size": task.team_size}
        )
    conflict_lines = [
        {"inspector": c.inspector.cert_no, "target": c.target.credit_code}
        for c in ConflictDeclaration.objects.filter(
            inspector__in=inspectors, withdrawn_at__isnull=True
        ).select_related("inspector", "target")
        if pool.has_code(c.target.credit_code)
    ]
    params = {
        "sample": pool.sample_params,
        "floor_weight": 1,
        "risk_model_version": task.risk_model.version if task.risk_model else 0,
        "team": {
            "size": task.team_size,
            "departments": sorted(d.code for d in departments)
            if task.mode == TaskMode.JOINT
            else [],
            "window_start": task.window_start.isoformat(),
            "window_end": task.window_end.isoformat(),
            "max_assignments": None,
        },
    }
    nonce = new_nonce()
    conflict_key = new_nonce()  # a separate secret: it salts the committed conflict table
    committed_at = timezone.now()
    draw = Draw(
        task=task,
        hash_name=hash_name,
        commitment={},
        commitment_digest=f"pending-{nonce[:16]}",
        nonce=nonce,
        conflict_key=conflict_key,
        randomness_kind=randomness_kind,
        inspector_lines=inspector_lines,
        conflict_lines=conflict_lines,
        replaces=previous,
        committed_by=actor,
        committed_at=committed_at,
    )
    draw.save()
    engine_pool = pool.engine_pool()
    # The snapshot's million rows go to the database while the commitment is computed: the
    # block's body must not touch the database (see pool_entries_written).
    with pool_entries_written(draw, pool):
        try:
            commitment = build_commitment(
                draw_id=str(draw.pk),
                params=params,
                pool=engine_pool,
                inspectors=inspector_lines,
                conflicts=conflict_lines,
                nonce=nonce,
                conflict_key=conflict_key,
                randomness_source={
                    "kind": randomness_kind,
                    "description": SOURCE_DESCRIPTION[randomness_kind],
                    "items": items,
                },
                # In the bureau's zone, offset stated: the public reads these times as they are.
                committed_at=timezone.localtime(committed_at).isoformat(),
                hash_name=hash_name,
                task={"id": task.pk, "name": task.name, "mode": task.mode},
                # The chain of a task's commitments: a re-draw cannot pretend to be the first.
                previous=(
                    {"draw_id": str(previous.pk), "commitment_digest": previous.commitment_digest}
                    if previous is not None
                    else None
                ),
            )
        except EngineError as exc:
            raise ServiceError(gettext("无法生成抽取承诺：%(exc)s") % {"exc": exc}) from exc
        packed = pack_pool(engine_pool)
        # The task page shows these for the snapshot; counting them back out of a million
        # PoolEntry rows cost ~1 s on every view.
        figures = pool.strata_figures()
    write_pool_columns(draw, packed)
    draw.commitment = commitment
    draw.commitment_digest = commitment_digest(commitment).hex()
    draw.weight_profiles = pool.factor_sets
    draw.pool_strata = figures
    draw.save(update_fields=["commitment", "commitment_digest", "weight_profiles", "pool_strata"])
    _transition(task, TaskState.COMMITTED, actor=actor, reason=reason)
    publish_draw_commitment(actor=actor, draw=draw)
    record(
        events.DrawCommitted(
            object_id=str(draw.pk),
            summary=f"第{draw.pk}号抽取承诺：{task.name}",
            task=task.pk,
            commitment_digest=draw.commitment_digest,
            pool_root=commitment["pool"]["root"],
            pool_count=commitment["pool"]["count"],
            randomness_source=commitment["randomness_source"],
        ),
        actor=actor,
    )
    return draw


def _is_deadlock(exc: OperationalError) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "40P01"


def _take_slots(draw: Draw, target_ids: list[int], year: int) -> None:
    # Every draw inserts its slots in target-id order: two racing draws then wait on the
    # unique index in the same order, so one simply waits for the other instead of
    # deadlocking (drawn order differed per draw and PostgreSQL had to kill one at random).
    target_ids = sorted(target_ids)
    overrides = dict(
        CapOverride.objects.filter(
            task=draw.task, approved_at__isnull=False, target_id__any_of=target_ids
        ).values_list("target_id", "pk")
    )
    counts = Counter(
        CheckSlot.objects.filter(target_id__any_of=target_ids, year=year).values_list(
            "target_id", flat=True
        )
    )
    slots = [counts.get(pk, 0) + 1 for pk in target_ids]
    try:
        # A savepoint, so a lost race surfaces here as a clear message, not a broken transaction.
        with transaction.atomic():
            insert_columns(
                CheckSlot,
                {
                    "target_id": target_ids,
                    "year": [year] * len(target_ids),
                    "slot": slots,
                    "draw_id": [draw.pk] * len(target_ids),
                    "override_id": [
                        overrides.get(pk) if slot > YEARLY_CAP else None
                        for pk, slot in zip(target_ids, slots, strict=True)
                    ],
                },
            )
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and not _is_deadlock(exc):
            raise
        raise ServiceError(
            "有检查对象在此期间被其他抽取占用了本年度检查次数（每年最多2次），"
            "本次抽取未生效；请作废后重新抽取"
        ) from exc


def draw_execute(
    *,
    actor: User,
    draw: Draw,
    entries: dict[str, str],
    published_at: dict[str, dt.datetime] | None = None,
) -> Draw:
    """Enter the announced randomness and draw. A failure after the values were accepted is
    recorded with them, and binds any later attempt to the same values (``draws.attempts``)."""
    result = _execute(actor=actor, draw=draw, entries=entries, published_at=published_at)
    if isinstance(result, ExecutionFailed):
        # Raised only now, after the transaction that recorded the failure has committed.
        raise ServiceError(
            result.message
            + gettext("（本次录入的公开随机数已记入审计日志，再次执行须录入相同的数值）")
        ) from result
    return result


@transaction.atomic
def _execute(
    *,
    actor: User,
    draw: Draw,
    entries: dict[str, str],
    published_at: dict[str, dt.datetime] | None,
) -> Draw | ExecutionFailed:
    draw = Draw.objects.select_for_update().select_related("task").get(pk=draw.pk)
    task = draw.task
    _require_lead_section(actor, task)
    if draw.state != DrawState.COMMITTED:
        raise ServiceError(
            gettext("第%(draw)s号抽取状态为“%(state)s”，不能执行")
            % {"draw": draw.pk, "state": draw.get_state_display()}
        )
    if draw.abort_requests.filter(decided_at__isnull=True).exists():
        raise ServiceError(gettext("本次抽取有待分管领导审批的作废申请，审批前不能执行"))
    randomness = randomness_values(draw, entries, published_at)
    earlier = entered_before(draw)
    if earlier is not None:
        randomness = bind_to_earlier(draw, randomness, earlier)
    try:
        with transaction.atomic():
            return _draw_with(actor, draw, randomness)
    except ServiceError as exc:
        # The draw's writes are rolled back to the savepoint; the failure is recorded while
        # this transaction still holds the draw's row lock, so an attempt waiting on that
        # lock (another tab, other dice) already finds the values it is bound to.
        failure = ExecutionFailed(exc.message, randomness)
        record_failed_attempt(actor=actor, draw=draw, failure=failure)
        return failure


def _draw_with(actor: User, draw: Draw, randomness: list[dict[str, str]]) -> Draw:
    task = draw.task
    pool = committed_pool(draw)
    try:
        proof = run_draw(
            commitment=draw.commitment,
            nonce=draw.nonce,
            randomness=randomness,
            pool=pool,
            inspectors=draw.inspector_lines,
            conflicts=draw.conflict_lines,
            conflict_key=draw.conflict_key,
            ceremony={"entered_by": str(actor), "witnesses": witness_names(draw)},
            history=draw_history(draw),
            # Stored without the pool: proof_document() adds the committed snapshot's lines.
            include_pool=False,
        )
    except TeamFormationError as exc:
        raise ServiceError(
            f"无法为检查对象 {exc.target} 组成 {exc.size} 人检查组：合格且无利害关系的人员不足"
            + (
                f"（缺少部门：{'、'.join(exc.missing_departments)}）"
                if exc.missing_departments
                else ""
            )
            + "。请作废本次抽取、补充执法人员后重新抽取。"
        ) from exc
    except EngineError as exc:
        raise ServiceError(gettext("抽取失败：%(exc)s") % {"exc": exc}) from exc
    draw.randomness = randomness
    draw.proof = proof
    draw.state = DrawState.EXECUTED
    draw.executed_by = actor
    draw.executed_at = timezone.now()
    draw.save(update_fields=["randomness", "proof", "state", "executed_by", "executed_at"])
    selected = [s["id"] for s in proof["result"]["selected"]]
    copy_drawn_lines(draw, selected)
    # Ids only: ten thousand drawn targets as model instances cost a second.
    target_ids = dict(draw.drawn_lines.values_list("credit_code", "target_id").order_by())
    inspector_ids = dict(
        Inspector.objects.filter(
            cert_no__in={c for t in proof["teams"] for c in t["inspectors"]}
        ).values_list("cert_no", "pk")
    )
    members = [
        (target_ids[team["target"]], inspector_ids[cert], pos)
        for team in proof["teams"]
        for pos, cert in enumerate(team["inspectors"], start=1)
    ]
    insert_columns(
        TeamMember,
        {
            "draw_id": [draw.pk] * len(members),
            "target_id": [m[0] for m in members],
            "inspector_id": [m[1] for m in members],
            "position": [m[2] for m in members],
            "active": [True] * len(members),
            "recused_reason_code": [""] * len(members),
            "recused_reason": [""] * len(members),
        },
    )
    _take_slots(draw, [target_ids[code] for code in selected], task.window_start.year)
    _transition(task, TaskState.DRAWN, actor=actor)
    record(
        events.DrawExecuted(
            object_id=str(draw.pk),
            summary=f"第{draw.pk}号抽取完成：抽中 {len(selected)} 个检查对象",
            task=task.pk,
            seed=proof["seed"],
            selected=len(selected),
            randomness=randomness,
        ),
        actor=actor,
    )
    return draw


@transaction.atomic
def draw_recuse(
    *,
    actor: User,
    draw: Draw,
    inspector: Inspector,
    target: Target,
    reason_code: str,
    reason: str,
) -> TeamMember:
    """Art. 11 recusal after the draw: the engine names the replacement, in the same order.

    ``reason_code`` (a ``RecusalReason``) goes into the public proof; ``reason``, the free-text
    note, stays internal (staff pages and the audit log)."""
    draw = Draw.objects.select_for_update().select_related("task").get(pk=draw.pk)
    task = draw.task
    if actor.role != Role.SECTION or actor.department_id not in set(
        task.departments.values_list("pk", flat=True)
    ):
        raise NotAllowed(gettext("只有参与部门的业务科室人员可以登记回避"))
    if reason_code not in RecusalReason.values:
        raise ServiceError(
            "请选择回避事由：" + "、".join(str(label) for label in RecusalReason.labels)
        )
    reason = reason.strip()
    if not reason:
        raise ServiceError(gettext("回避必须填写具体说明"))
    if draw.state != DrawState.EXECUTED or task.state not in {
        TaskState.DRAWN,
        TaskState.INSPECTING,
    }:
        raise ServiceError(gettext("只有已抽取且未结束检查的任务可以登记回避"))
    member = draw.team_members.filter(inspector=inspector, target=target, active=True).first()
    if member is None:
        raise ServiceError(
            gettext("%(inspector)s 不在 %(target)s 的检查组中")
            % {"inspector": inspector.name, "target": target.name}
        )
    assert draw.proof is not None
    recusals = [
        {"inspector": r["inspector"], "target": r["target"], "reason": r["reason"]}
        for r in draw.proof.get("recusals", [])
    ] + [{"inspector": inspector.cert_no, "target": target.credit_code, "reason": reason_code}]
    pool = committed_pool(draw)
    try:
        proof = run_draw(
            commitment=draw.commitment,
            nonce=draw.nonce,
            randomness=draw.randomness,
            pool=pool,
            inspectors=draw.inspector_lines,
            conflicts=draw.conflict_lines,
            conflict_key=draw.conflict_key,
            recusals=recusals,
            check_roots=False,
            ceremony=draw.proof.get("ceremony"),
            history=draw.proof.get("history", []),
            include_pool=False,
        )
    except TeamFormationError as exc:
        raise ServiceError(
            gettext("%(target)s 已没有可替补的合格执法人员，无法完成回避替换；请作废后重新抽取")
            % {"target": target.name}
        ) from exc
    except EngineError as exc:
        raise ServiceError(gettext("回避替换失败：%(exc)s") % {"exc": exc}) from exc
    replacement_cert = proof["recusals"][-1]["replacement"]
    replacement = Inspector.objects.get(cert_no=replacement_cert)
    member.active = False
    member.recused_reason_code = reason_code
    member.recused_reason = reason
    member.recused_at = timezone.now()
    member.recused_by = actor
    member.save()
    new_member = TeamMember.objects.create(
        draw=draw,
        target=target,
        inspector=replacement,
        position=draw.team_members.filter(target=target).count() + 1,
        replaces=member,
    )
    draw.proof = proof
    draw.save(update_fields=["proof"])
    record(
        events.RecusalRecorded(
            object_id=str(draw.pk),
            summary=(
                f"第{draw.pk}号抽取：执法检查人员#{inspector.pk}回避检查对象#{target.pk}，"
                f"由执法检查人员#{replacement.pk}替补"
            ),
            draw=draw.pk,
            inspector=inspector.pk,
            target=target.pk,
            reason=f"{reason_code}: {reason}",
            replacement=replacement.pk,
        ),
        actor=actor,
    )
    return new_member
