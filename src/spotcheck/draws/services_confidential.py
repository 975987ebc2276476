"""Art. 18's record of who saw a drawn list before its window and who was told in advance.

Each write is one transaction with its audit event, as in ``draws.services``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from spotcheck.accounts.models import Role, User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import Target
from spotcheck.draws.models import Draw


@transaction.atomic
def log_confidential_access(
    *, actor: User, draw: Draw, what: str, target: Target | None = None
) -> None:
    """Called by every page and export that shows a drawn list or team.

    ``what`` names the kind of page ("抽取名单和检查组", "检查文书"), never a target or a
    person: the summary carries ids only, because the audit log is read by the administrator,
    who may not see the list before the window (Art. 18). Pass ``target`` for a page about
    one drawn target; the audit views show its name to those who may see the list.
    """
    from spotcheck.core.access import window_open

    about = f"中检查对象#{target.pk}" if target is not None else ""
    record(
        events.ConfidentialAccess(
            object_id=str(draw.pk),
            summary=f"查看第{draw.pk}号抽取{about}的{what}",
            task=draw.task_id,
            what=what,
            before_window=not window_open(draw.task),
            draw=draw.pk,
            target=target.pk if target is not None else None,
        ),
        actor=actor,
    )


@transaction.atomic
def advance_notice_record(
    *, actor: User, draw: Draw, target: Target, reason: str, notified_on: dt.date
) -> Any:
    from spotcheck.draws.models import AdvanceNotice

    if not (
        actor.role == Role.SECTION
        and actor.department_id in set(draw.task.departments.values_list("pk", flat=True))
    ):
        raise NotAllowed(gettext("只有参与部门的业务科室人员可以登记提前告知"))
    if not reason.strip():
        raise ServiceError(gettext("提前告知检查对象必须说明依据或理由（第十八条）"))
    if not draw.drawn_lines.filter(credit_code=target.credit_code, target=target).exists():
        raise ServiceError(gettext("该检查对象不在本次抽取结果中"))
    notice = AdvanceNotice.objects.create(
        draw=draw, target=target, reason=reason.strip(), notified_on=notified_on, recorded_by=actor
    )
    record(
        events.AdvanceNoticeRecorded(
            object_id=str(notice.pk),
            summary=f"第{draw.pk}号抽取：提前告知检查对象#{target.pk}",
            draw=draw.pk,
            target=target.pk,
            reason=reason.strip(),
        ),
        actor=actor,
    )
    return notice
