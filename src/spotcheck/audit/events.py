"""Typed audit events: one dataclass per kind of thing that happened.

Services build one of these and pass it to :func:`spotcheck.audit.services.record` inside their
own transaction, so an action and its record commit or roll back together.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, kw_only=True)
class AuditEventData:
    event_type: ClassVar[str] = ""
    object_type: ClassVar[str] = ""
    object_id: str = ""
    summary: str = ""

    def payload(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("object_id")
        data.pop("summary")
        return data


@dataclass(frozen=True, kw_only=True)
class RecordCreated(AuditEventData):
    event_type: ClassVar[str] = "directory.created"
    model: str
    natural_key: str


@dataclass(frozen=True, kw_only=True)
class RecordChanged(AuditEventData):
    event_type: ClassVar[str] = "directory.changed"
    model: str
    natural_key: str
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class SupervisionChanged(AuditEventData):
    """A department's own grade / key-industry flag for a target it supervises (None in
    ``changes`` means "follows the entity's value")."""

    event_type: ClassVar[str] = "directory.supervision_changed"
    object_type: ClassVar[str] = "directory.Target"
    natural_key: str
    department: str
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ImportCommitted(AuditEventData):
    event_type: ClassVar[str] = "directory.import_committed"
    model: str
    filename: str
    sha256: str
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True, kw_only=True)
class ExportMade(AuditEventData):
    event_type: ClassVar[str] = "directory.exported"
    model: str
    rows: int
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class ConflictDeclared(AuditEventData):
    event_type: ClassVar[str] = "directory.conflict_declared"
    inspector: str
    target: str
    relation: str


@dataclass(frozen=True, kw_only=True)
class ConflictWithdrawn(AuditEventData):
    event_type: ClassVar[str] = "directory.conflict_withdrawn"
    inspector: str
    target: str


@dataclass(frozen=True, kw_only=True)
class DemoDataLoaded(AuditEventData):
    event_type: ClassVar[str] = "system.demo_loaded"
    targets: int
    inspectors: int


# --- planning, risk model and credit ----------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RiskModelCreated(AuditEventData):
    event_type: ClassVar[str] = "credit.risk_model_created"
    version: int


@dataclass(frozen=True, kw_only=True)
class CreditRecordAdded(AuditEventData):
    event_type: ClassVar[str] = "credit.record_added"
    target: str
    source: str
    problem_found: bool


@dataclass(frozen=True, kw_only=True)
class PlanSaved(AuditEventData):
    event_type: ClassVar[str] = "planning.plan_saved"
    year: int
    department: str


@dataclass(frozen=True, kw_only=True)
class PlanApproved(AuditEventData):
    event_type: ClassVar[str] = "planning.plan_approved"
    year: int
    department: str


@dataclass(frozen=True, kw_only=True)
class TaskCreated(AuditEventData):
    event_type: ClassVar[str] = "planning.task_created"
    mode: str
    departments: list[str]


@dataclass(frozen=True, kw_only=True)
class TaskStateChanged(AuditEventData):
    event_type: ClassVar[str] = "planning.task_state_changed"
    from_state: str
    to_state: str
    reason: str = ""


# --- draws -------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DrawCommitted(AuditEventData):
    event_type: ClassVar[str] = "draws.committed"
    task: int
    commitment_digest: str
    pool_root: str
    pool_count: int
    randomness_source: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class DrawExecuted(AuditEventData):
    event_type: ClassVar[str] = "draws.executed"
    task: int
    seed: str
    selected: int
    randomness: list[dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class DrawExecutionFailed(AuditEventData):
    """Randomness was entered but the draw could not be completed (teams, yearly cap): the
    values are kept here, in the append-only chain, because the failed transaction left no
    other trace of them and a second attempt must use the same values."""

    event_type: ClassVar[str] = "draws.execution_failed"
    task: int
    randomness: list[dict[str, Any]]
    reason: str


@dataclass(frozen=True, kw_only=True)
class DrawAborted(AuditEventData):
    event_type: ClassVar[str] = "draws.aborted"
    task: int
    reason: str
    previous_state: str
    requested_by: str = ""


@dataclass(frozen=True, kw_only=True)
class DrawAbortRequested(AuditEventData):
    event_type: ClassVar[str] = "draws.abort_requested"
    task: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class DrawAbortRejected(AuditEventData):
    event_type: ClassVar[str] = "draws.abort_rejected"
    task: int
    reason: str
    comment: str


@dataclass(frozen=True, kw_only=True)
class RecusalRecorded(AuditEventData):
    """Row ids of the inspectors and the target (Art. 18: the team is confidential)."""

    event_type: ClassVar[str] = "draws.recusal"
    draw: int
    inspector: int
    target: int
    reason: str
    replacement: int


@dataclass(frozen=True, kw_only=True)
class CapOverrideRequested(AuditEventData):
    event_type: ClassVar[str] = "draws.cap_override_requested"
    target: str
    year: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class CapOverrideApproved(AuditEventData):
    event_type: ClassVar[str] = "draws.cap_override_approved"
    target: str
    year: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class ConfidentialAccess(AuditEventData):
    """A view or export of a drawn list or team (Art. 18: every access is recorded).

    Ids only (draw, task, target row id), never a name or credit code: the log is read by
    people who may not see the list yet. The audit views resolve names for those who may.
    """

    event_type: ClassVar[str] = "draws.confidential_access"
    task: int
    what: str
    before_window: bool
    draw: int | None = None
    target: int | None = None


@dataclass(frozen=True, kw_only=True)
class AdvanceNoticeRecorded(AuditEventData):
    event_type: ClassVar[str] = "draws.advance_notice"
    draw: int
    target: int
    reason: str


# --- inspections, follow-up and legal review ---------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class InspectionSaved(AuditEventData):
    event_type: ClassVar[str] = "inspections.saved"
    draw: int
    target: str
    state: str
    inspected_on: str | None = None
    inspectors: list[str] = field(default_factory=list)
    overall_category: str | None = None
    item_results: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class InspectionSubmitted(AuditEventData):
    event_type: ClassVar[str] = "inspections.submitted"
    draw: int
    target: str
    overall_category: str


@dataclass(frozen=True, kw_only=True)
class InspectionReviewed(AuditEventData):
    event_type: ClassVar[str] = "inspections.reviewed"
    draw: int
    target: str
    decision: str
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class EvidenceAdded(AuditEventData):
    event_type: ClassVar[str] = "inspections.evidence_added"
    inspection: int
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, kw_only=True)
class FollowUpAdded(AuditEventData):
    event_type: ClassVar[str] = "inspections.follow_up_added"
    inspection: int
    target: str
    kind: str
    state: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class FollowUpChanged(AuditEventData):
    event_type: ClassVar[str] = "inspections.follow_up_changed"
    kind: str
    from_state: str
    to_state: str
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class LegalReviewDecided(AuditEventData):
    event_type: ClassVar[str] = "inspections.legal_review"
    follow_up: int
    decision_no: str
    decision: str
    comment: str = ""


@dataclass(frozen=True, kw_only=True)
class TargetDocumentGenerated(AuditEventData):
    """检查通知书 / 双清单 name the team: generating one is an access under Art. 18."""

    event_type: ClassVar[str] = "inspections.document_generated"
    draw: int
    target: int
    document: str


@dataclass(frozen=True, kw_only=True)
class ResultCategorySaved(AuditEventData):
    event_type: ClassVar[str] = "inspections.result_category_saved"
    code: str
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class CalendarOverrideSet(AuditEventData):
    event_type: ClassVar[str] = "disclosure.calendar_override_set"
    object_type: ClassVar[str] = "disclosure.CalendarOverride"
    date: str
    kind: str
    note: str = ""
    previous_kind: str = ""


@dataclass(frozen=True, kw_only=True)
class CalendarOverrideRemoved(AuditEventData):
    event_type: ClassVar[str] = "disclosure.calendar_override_removed"
    object_type: ClassVar[str] = "disclosure.CalendarOverride"
    date: str
    kind: str


@dataclass(frozen=True, kw_only=True)
class CalendarYearImported(AuditEventData):
    event_type: ClassVar[str] = "disclosure.calendar_year_imported"
    object_type: ClassVar[str] = "disclosure.CalendarYear"
    year: int
    holidays: list[str] = field(default_factory=list)
    workdays: list[str] = field(default_factory=list)
    replaced: int = 0
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class PublicationDrafted(AuditEventData):
    event_type: ClassVar[str] = "disclosure.publication_drafted"
    object_type: ClassVar[str] = "disclosure.Publication"
    kind: str
    department: str
    source: str
    version: int = 1
    supersedes: int | None = None
    # Kinds of data masked or withheld (never the values themselves).
    redactions: list[str] = field(default_factory=list)
    withheld_fields: list[str] = field(default_factory=list)
    restriction_reason: str = ""
    delayed_until: str = ""
    due_on: str = ""
    due_uncertain: bool = False


@dataclass(frozen=True, kw_only=True)
class PublicationVoided(AuditEventData):
    """A draw commitment marked 作废 because its draw was aborted; it stays public."""

    event_type: ClassVar[str] = "disclosure.publication_voided"
    object_type: ClassVar[str] = "disclosure.Publication"
    draw: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class PublicationTransition(AuditEventData):
    event_type: ClassVar[str] = "disclosure.publication_transition"
    object_type: ClassVar[str] = "disclosure.Publication"
    from_state: str
    to_state: str
    comment: str = ""


# --- the audit log itself ------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SigningKeyRegistered(AuditEventData):
    """A checkpoint signing key's public half, recorded the first time it signs."""

    event_type: ClassVar[str] = "audit.signing_key_registered"
    object_type: ClassVar[str] = "audit.AuditSigningKey"
    key_id: str
    public_key: str
    algorithm: str
