"""``manage.py penalty_resubmit``: correct a penalty returned by legal review and resubmit it."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, lookup, parse_date
from spotcheck.inspections.models import FollowUp
from spotcheck.inspections.services_followup import penalty_resubmit


class Command(ActingCommand):
    help = "修改被法制审核退回的处罚决定并重新提交审核（各项按修改后的完整内容填写）。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--id", type=int, required=True, help="后续处置编号")
        parser.add_argument("--decision-no", required=True)
        parser.add_argument("--penalty-kind", required=True)
        parser.add_argument("--decided", required=True, help="决定日期 YYYY-MM-DD")
        parser.add_argument("--amount", help="金额（元）")
        parser.add_argument("--description", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        amount = None
        if options["amount"]:
            try:
                amount = Decimal(options["amount"])
            except InvalidOperation as exc:
                raise CommandError(f"金额“{options['amount']}”无效") from exc
        follow_up = self.call(
            penalty_resubmit,
            actor=user,
            follow_up=lookup(FollowUp, "后续处置", pk=options["id"]),
            decision_no=options["decision_no"],
            penalty_kind=options["penalty_kind"],
            decided_on=parse_date(options["decided"], "决定日期"),
            amount=amount,
            description=options["description"],
        )
        self.stdout.write(self.style.SUCCESS(f"已重新提交法制审核：{follow_up.decision_no}"))
