"""``manage.py legal_review``: the legal reviewer approves or returns a major penalty decision."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.inspections.models import FollowUp, FollowUpKind
from spotcheck.inspections.services_followup import legal_review_decide


class Command(ActingCommand):
    help = "重大执法决定法制审核：--approve 通过（决定生效），或 --return 退回（须 --comment）。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--decision-no", required=True, help="处罚决定书文号")
        decision = parser.add_mutually_exclusive_group(required=True)
        decision.add_argument("--approve", action="store_true", help="审核通过")
        decision.add_argument("--return", dest="return_", action="store_true", help="退回")
        parser.add_argument("--comment", default="", help="审核意见（退回时必填）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        follow_up = lookup(
            FollowUp, "处罚决定", kind=FollowUpKind.PENALTY, decision_no=options["decision_no"]
        )
        review = self.call(
            legal_review_decide,
            actor=user,
            follow_up=follow_up,
            approve=options["approve"],
            comment=options["comment"],
        )
        follow_up.refresh_from_db()
        self.stdout.write(
            self.style.SUCCESS(
                f"法制审核{review.get_decision_display()}：{follow_up.decision_no}"
                f"（{follow_up.get_state_display()}）"
            )
        )
