"""Risk-model versions and credit records. Every write audited in its own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext

from spotcheck.accounts.models import Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.models import CreditRecord, RiskModel
from spotcheck.directory.models import Target
from spotcheck.engine.hashing import EngineError
from spotcheck.engine.risk import compute_weight

_PROBE = {
    "credit_class": "D",
    "supervision_grade": "high",
    "complaints": 3,
    "recent_problems": 1,
    "blacklisted": True,
    "abnormal_list": True,
    "serious_violation": True,
    "key_industry": True,
}


@transaction.atomic
def risk_model_create(*, actor: User, config: dict[str, Any], note: str = "") -> RiskModel:
    if not access.can_publish_risk_model(actor):
        raise NotAllowed(gettext("只有系统管理员可以调整风险模型"))
    try:
        compute_weight(_PROBE, config)
        compute_weight({"credit_class": "A", "supervision_grade": "low"}, config)
    except (EngineError, KeyError, TypeError) as exc:
        raise ServiceError(gettext("风险模型参数无效：%(exc)s") % {"exc": exc}) from exc
    version = (RiskModel.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    model = RiskModel.objects.create(version=version, config=config, note=note, created_by=actor)
    record(
        events.RiskModelCreated(
            object_id=str(model.pk), summary=f"发布风险模型 v{version}", version=version
        ),
        actor=actor,
    )
    return model


@transaction.atomic
def credit_record_add(
    *,
    actor: User,
    target: Target,
    source: str,
    problem_found: bool,
    summary: str,
    occurred_on: dt.date,
    reference: str = "",
) -> CreditRecord:
    if actor.role not in {Role.SECTION, Role.ADMIN}:
        raise NotAllowed(gettext("只有业务科室人员可以记录信用信息"))
    rec = CreditRecord.objects.create(
        target=target,
        source=source,
        problem_found=problem_found,
        summary=summary[:300],
        occurred_on=occurred_on,
        reference=reference,
        created_by=actor,
    )
    record(
        events.CreditRecordAdded(
            object_id=str(rec.pk),
            summary=f"{target.name}：{summary[:100]}",
            target=target.credit_code,
            source=source,
            problem_found=problem_found,
        ),
        actor=actor,
    )
    return rec
