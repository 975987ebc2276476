"""All inspection-side writes, for callers that want one import (views, API, commands)."""

from spotcheck.inspections.documents import target_document
from spotcheck.inspections.services_followup import (
    legal_review_decide,
    penalty_decide,
    penalty_resubmit,
    rectification_order,
    rectification_verify,
    transfer_record,
)
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    evidence_add,
    inspection_review,
    inspection_save,
    inspection_submit,
)
from spotcheck.inspections.services_reference import result_category_save

__all__ = [
    "ItemResultInput",
    "evidence_add",
    "inspection_review",
    "inspection_save",
    "inspection_submit",
    "legal_review_decide",
    "penalty_decide",
    "penalty_resubmit",
    "rectification_order",
    "rectification_verify",
    "result_category_save",
    "target_document",
    "transfer_record",
]
