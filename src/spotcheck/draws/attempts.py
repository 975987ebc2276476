"""Randomness entered for a draw whose execution then failed: kept, and binding.

``draw_execute`` runs in one transaction, so when it fails after the public values were
entered (no qualified team for a drawn target, a drawn target's yearly checks taken by a
racing draw) the rollback would erase every trace of those values. Then whoever types in the
witnesses' dice could try other values until a failure stopped happening: and a failure can
be arranged for a chosen target (conflict declarations against all but one inspector), so
that "retry" would spare it. Instead the first failed attempt's values go into the audit chain
(the draw's writes rolled back to a savepoint, the event committed while the draw's row is
still locked), and any later attempt on the same draw must enter the same values.
The same values give the same selection and teams, so a draw that failed for a reason in its
result stays failed and can only be aborted, with the leader's approval and in public.
"""

from __future__ import annotations

from django.utils.translation import gettext

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.models import AuditEvent
from spotcheck.audit.services import record
from spotcheck.core.errors import ServiceError
from spotcheck.draws.models import Draw


class ExecutionFailed(ServiceError):
    """A refusal after the randomness was accepted, with that randomness (recorded)."""

    def __init__(self, message: str, randomness: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.randomness = randomness


def entered_before(draw: Draw) -> list[dict[str, str]] | None:
    """The randomness of this draw's first failed execution, or None."""
    event = (
        AuditEvent.objects.filter(
            event_type=events.DrawExecutionFailed.event_type, object_id=str(draw.pk)
        )
        .order_by("seq")
        .values_list("payload", flat=True)
        .first()
    )
    return None if event is None else list(event["randomness"])


def bind_to_earlier(
    draw: Draw, randomness: list[dict[str, str]], earlier: list[dict[str, str]]
) -> list[dict[str, str]]:
    """The earlier values (with their time of entry) when these are the same, else refuse."""
    before = {item["name"]: item["value"] for item in earlier}
    differs = [item["name"] for item in randomness if before.get(item["name"]) != item["value"]]
    if differs:
        raise ServiceError(
            gettext(
                "第%(draw)s号抽取已录入过公开随机数但未能完成（见审计日志），再次执行必须录入"
                "相同的数值；与上次不同：%(names)s。如需重新抽取，请申请作废"
            )
            % {"draw": draw.pk, "names": "、".join(differs)}
        )
    return earlier


def record_failed_attempt(*, actor: User, draw: Draw, failure: ExecutionFailed) -> None:
    """Called inside the execution's transaction, which holds the draw's row lock."""
    if entered_before(draw) is not None:
        return  # the same values again (bound above): the first record stands
    record(
        events.DrawExecutionFailed(
            object_id=str(draw.pk),
            summary=f"第{draw.pk}号抽取录入随机数后未能完成",
            task=draw.task_id,
            randomness=failure.randomness,
            reason=failure.message,
        ),
        actor=actor,
    )
