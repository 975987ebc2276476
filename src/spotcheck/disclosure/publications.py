"""Writes to publications (Art. 14–18): draft, submit, review, correct, withdraw.

Each service checks who may act, keeps the state machine, and records its audit event in the
same transaction. Payloads are built through ``payloads.build`` (and so the redaction rules)
at draft time and never edited by hand afterwards: a wrong publication is corrected by a new
version rebuilt from the corrected source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.accounts.models import Department, Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.disclosure import payloads, public_cache, search, selectors_staff
from spotcheck.disclosure.models import (
    Publication,
    PublicationItemCode,
    PublicationKind,
    PublicationState,
)
from spotcheck.disclosure.workdays import publication_deadline

S = PublicationState
# Publishing these names drawn targets or what was found at them: not before the window (Art. 18).
_WINDOW_GATED = {
    PublicationKind.TASK_ANNOUNCEMENT,
    PublicationKind.INSPECTION_RESULT,
    PublicationKind.PENALTY_DECISION,
}


def _owning_department(kind: str, source: Any, actor: User) -> Department:
    if isinstance(source, Department):
        return source
    if kind == PublicationKind.INSPECTION_RESULT:
        # A joint inspection has results from several departments: each publishes its own.
        if actor.department is None:
            raise NotAllowed(gettext("只有业务科室人员可以起草公示"))
        return actor.department
    department = (
        getattr(source, "department", None)
        or getattr(source, "lead_department", None)
        or getattr(getattr(source, "task", None), "lead_department", None)
    )
    if not isinstance(department, Department):
        raise ServiceError(gettext("无法确定公示部门"))
    return department


def can_draft(user: User, department: Department) -> bool:
    return bool(
        user.is_active and user.role == Role.SECTION and user.department_id == department.pk
    )


def can_review(user: User, publication: Publication) -> bool:
    """Art. 14: someone other than the author — another section user of the department or a
    leader overseeing it."""
    if not user.is_active or user.pk == publication.author_id:
        return False
    if user.role == Role.SECTION:
        return user.department_id == publication.department_id
    return user.role == Role.LEADER and publication.department_id in user.department_ids()


def _source(publication: Publication) -> Any:
    model = publication.source_type.model_class()
    if model is None:
        raise ServiceError(gettext("公示来源已不存在"))
    return model._default_manager.get(pk=publication.source_id)


def _transition(
    publication: Publication, actor: User, to_state: str, comment: str = "", **fields: Any
) -> Publication:
    from_state = publication.state
    publication.state = to_state
    public_cache.bump()
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.save()
    record(
        events.PublicationTransition(
            object_id=str(publication.pk),
            summary=f"公示「{publication.title}」：{S(from_state).label} → {S(to_state).label}",
            from_state=from_state,
            to_state=to_state,
            comment=comment,
        ),
        actor=actor,
    )
    return publication


def _create(
    *,
    actor: User,
    kind: str,
    source: Any,
    department: Department,
    supersedes: Publication | None,
    correction_note: str,
    restriction_reason: str,
    withheld_fields: list[str],
    delayed_until: dt.date | None,
) -> Publication:
    if kind not in PublicationKind.values:
        raise ServiceError(gettext("未知的公示类型：%(kind)s") % {"kind": kind})
    if not can_draft(actor, department):
        raise NotAllowed(gettext("只有公示部门的业务科室人员可以起草公示"))
    if (withheld_fields or delayed_until) and not restriction_reason.strip():
        raise ServiceError(gettext("限制公开（缩小范围或暂缓公开）须说明理由"))
    try:
        built = payloads.build(kind, source, department)
    except ValueError as exc:
        raise ServiceError(gettext("无法从该记录生成公示：%(exc)s") % {"exc": exc}) from exc
    unknown = sorted(set(withheld_fields) - set(built.payload))
    if unknown:
        raise ServiceError(
            gettext("公示内容中没有字段：%(unknown)s") % {"unknown": "、".join(unknown)}
        )
    # Narrowed scope (Art. 17): withheld fields never enter the stored payload.
    payload = {k: v for k, v in built.payload.items() if k not in withheld_fields}
    due = (
        publication_deadline(decided_on=built.decided_on, kind=built.deadline_kind)
        if built.decided_on and built.deadline_kind
        else None
    )
    title = built.title[:300]
    if "target" in withheld_fields and kind == PublicationKind.INSPECTION_RESULT:
        # The result's title names the target; a withheld target must not survive in it.
        title = f"{department.name}抽查检查结果（检查对象信息依法不予公开）"
    # Narrowed scope covers search too: a withheld item list adds no item codes.
    extra_codes = (
        [] if "items" in withheld_fields else search.source_item_codes(kind, source, department.pk)
    )
    found = search.search_fields(kind, payload, title=title, item_codes=extra_codes)
    publication = Publication.objects.create(
        kind=kind,
        department=department,
        source_type=ContentType.objects.get_for_model(source),
        source_id=str(source.pk),
        title=title,
        payload=payload,
        search_text=found.text,
        search_credit_code=found.credit_code,
        redactions=built.redactions,
        version=supersedes.version + 1 if supersedes else 1,
        supersedes=supersedes,
        correction_note=correction_note,
        decided_on=built.decided_on,
        due_on=due.date if due else None,
        due_uncertain=due.uncertain if due else False,
        restricted=bool(restriction_reason.strip()),
        restriction_reason=restriction_reason.strip(),
        withheld_fields=sorted(withheld_fields),
        delayed_until=delayed_until,
        author=actor,
    )
    PublicationItemCode.objects.bulk_create(search.item_code_rows(publication, found))
    record(
        events.PublicationDrafted(
            object_id=str(publication.pk),
            summary=f"起草公示「{publication.title}」v{publication.version}",
            kind=kind,
            department=department.code,
            source=f"{publication.source_type.app_label}.{publication.source_type.model}"
            f":{publication.source_id}",
            version=publication.version,
            supersedes=supersedes.pk if supersedes else None,
            redactions=built.redactions,
            withheld_fields=sorted(withheld_fields),
            restriction_reason=restriction_reason.strip(),
            delayed_until=delayed_until.isoformat() if delayed_until else "",
            due_on=due.date.isoformat() if due else "",
            due_uncertain=due.uncertain if due else False,
        ),
        actor=actor,
    )
    return publication


@transaction.atomic
def publication_draft(
    *,
    actor: User,
    kind: str,
    source: Any,
    restriction_reason: str = "",
    withheld_fields: list[str] | None = None,
    delayed_until: dt.date | None = None,
) -> Publication:
    """Draft a publication of ``source``; the payload is built and redacted now.

    Only a final record is published (an approved plan, an accepted result, a penalty in
    effect…), and only once per department: a change to a public record goes through a
    correction, so the public never sees two current versions of the same record.
    """
    department = _owning_department(kind, source, actor)
    if kind not in PublicationKind.values:
        raise ServiceError(gettext("未知的公示类型：%(kind)s") % {"kind": kind})
    # Serialise drafts of one source so two clerks cannot both pass the check below.
    source = type(source)._default_manager.select_for_update().get(pk=source.pk)
    reason = selectors_staff.not_ready_reason(kind, source)
    if reason:
        raise ServiceError(str(reason))
    current = selectors_staff.active_publication(kind, source, department)
    if current is not None:
        raise ServiceError(
            f"该记录已有公示「{current.title}」（{current.get_state_display()}），"
            "如需修改请对其更正"
        )
    return _create(
        actor=actor,
        kind=kind,
        source=source,
        department=department,
        supersedes=None,
        correction_note="",
        restriction_reason=restriction_reason,
        withheld_fields=withheld_fields or [],
        delayed_until=delayed_until,
    )


def _locked(publication: Publication) -> Publication:
    return Publication.objects.select_for_update().get(pk=publication.pk)


@transaction.atomic
def publication_submit(*, actor: User, publication: Publication) -> Publication:
    publication = _locked(publication)
    if not can_draft(actor, publication.department):
        raise NotAllowed(gettext("只有公示部门的业务科室人员可以提交公示"))
    if publication.state not in {S.DRAFT, S.RETURNED}:
        raise ServiceError(
            gettext("「%(state)s」的公示不能提交") % {"state": publication.get_state_display()}
        )
    return _transition(publication, actor, S.SUBMITTED, submitted_at=timezone.now())


def _check_timing(publication: Publication, today: dt.date) -> None:
    """Art. 18: nothing that reveals who is checked goes out before the inspection window."""
    kind = publication.kind
    if kind not in _WINDOW_GATED and kind != PublicationKind.DRAW_PROOF:
        return
    source = _source(publication)
    if kind == PublicationKind.TASK_ANNOUNCEMENT:
        task = source
    elif kind == PublicationKind.PENALTY_DECISION:
        task = source.inspection.draw.task
    else:
        task = source.task if kind == PublicationKind.DRAW_PROOF else source.draw.task
    if kind == PublicationKind.DRAW_PROOF:
        # Public exactly when anyone may download the proof: with no user, only the window.
        if not access.can_download_proof(None, task) or not access.window_open(task, today):
            raise ServiceError(gettext("抽取证明须在检查开始后公示（第十八条）"))
        if not source.proof:
            raise ServiceError(gettext("该抽取尚无抽取证明"))
    elif not access.window_open(task, today):
        raise ServiceError(
            gettext("检查开始日期（%(window_start)s）之前不得公示（第十八条）")
            % {"window_start": format(task.window_start, "%Y-%m-%d")}
        )


@transaction.atomic
def publication_review(
    *, actor: User, publication: Publication, approve: bool, comment: str = ""
) -> Publication:
    """Secrecy and accuracy check by someone other than the author (Art. 14)."""
    publication = _locked(publication)
    if actor.pk == publication.author_id:
        raise NotAllowed(gettext("公示须由起草人以外的人员审核"))
    if not can_review(actor, publication):
        raise NotAllowed(gettext("只有公示部门的其他业务科室人员或分管领导可以审核公示"))
    if publication.state != S.SUBMITTED:
        raise ServiceError(gettext("只有待审核的公示可以审核"))
    now = timezone.now()
    review = {"reviewer": actor, "reviewed_at": now, "review_comment": comment}
    if not approve:
        if not comment.strip():
            raise ServiceError(gettext("退回公示须填写意见"))
        return _transition(publication, actor, S.RETURNED, comment, **review)
    today = timezone.localdate()
    _check_timing(publication, today)
    delayed = publication.delayed_until is not None and publication.delayed_until > today
    publication = _transition(
        publication,
        actor,
        S.SCHEDULED if delayed else S.PUBLISHED,
        comment,
        published_at=now,
        **review,
    )
    previous = publication.supersedes
    if previous is not None and previous.state in {S.PUBLISHED, S.SCHEDULED}:
        _transition(_locked(previous), actor, S.CORRECTED, f"由 v{publication.version} 更正")
    if publication.kind == PublicationKind.DRAW_PROOF:
        from spotcheck.disclosure.draw_records import publish_predecessor_proofs

        publish_predecessor_proofs(publication=publication, reviewer=actor)
    return publication


def _refuse_commitment_change(publication: Publication) -> None:
    """A published draw commitment is the evidence that the draw's inputs were fixed before
    its randomness existed: taking it back would hide a re-draw."""
    if publication.kind == PublicationKind.DRAW_COMMITMENT and publication.state != S.DRAFT:
        raise ServiceError(
            "抽取承诺公示后不能撤回或更正；如需重新抽取，请申请作废本次抽取（须分管领导批准），"
            "承诺将标记作废并继续公示"
        )


@transaction.atomic
def publication_correct(
    *,
    actor: User,
    publication: Publication,
    note: str,
    restriction_reason: str | None = None,
    withheld_fields: list[str] | None = None,
    delayed_until: dt.date | None = None,
) -> Publication:
    """A new draft version rebuilt from the (corrected) source; the published version stays
    public until the correction itself is reviewed and published."""
    publication = _locked(publication)
    _refuse_commitment_change(publication)
    if publication.state not in {S.PUBLISHED, S.SCHEDULED}:
        raise ServiceError(gettext("只有已公示的记录可以更正"))
    if Publication.objects.filter(supersedes=publication).exists():
        raise ServiceError(gettext("该公示已有更正版本"))
    if not note.strip():
        raise ServiceError(gettext("更正须说明原因"))
    return _create(
        actor=actor,
        kind=publication.kind,
        source=_source(publication),
        department=publication.department,
        supersedes=publication,
        correction_note=note.strip(),
        restriction_reason=(
            publication.restriction_reason if restriction_reason is None else restriction_reason
        ),
        withheld_fields=(
            publication.withheld_fields if withheld_fields is None else withheld_fields
        ),
        delayed_until=delayed_until,
    )


@transaction.atomic
def publication_withdraw(*, actor: User, publication: Publication, reason: str) -> Publication:
    """Take a record off the public list; the record and its reason are kept.

    A draft (or returned draft) can be discarded the same way: since a source has only one
    current publication, a mistaken draft would otherwise block its source for good. It was
    never public, so the portal never shows it (``selectors.public_record``).
    """
    publication = _locked(publication)
    _refuse_commitment_change(publication)
    if not access.can_withdraw_publication(actor, publication):
        raise NotAllowed(gettext("只有公示部门的业务科室人员或分管领导可以撤回公示"))
    discard = publication.state in {S.DRAFT, S.RETURNED}
    if not discard and publication.state not in {S.PUBLISHED, S.SCHEDULED}:
        raise ServiceError(gettext("只有草稿、已退回或已公示的记录可以撤回"))
    if not reason.strip():
        raise ServiceError(gettext("撤回须说明理由"))
    comment = reason.strip()
    fields: dict[str, Any] = {}
    if discard and publication.supersedes_id is not None:
        # Free the corrected version for a new correction (one successor per version); the
        # link stays in the audit log.
        comment = f"{comment}（放弃的是对公示 #{publication.supersedes_id} 的更正稿）"
        fields["supersedes"] = None
    return _transition(
        publication,
        actor,
        S.WITHDRAWN,
        comment,
        withdrawn_by=actor,
        withdrawn_at=timezone.now(),
        withdrawal_reason=reason.strip(),
        **fields,
    )
