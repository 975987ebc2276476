"""``manage.py followup_add``: rectification order, penalty decision or transfer (Art. 6)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, parse_date
from spotcheck.inspections.management.commands._common import (
    add_target_arguments,
    inspection_of,
)
from spotcheck.inspections.models import FollowUp, PenaltyKind, TransferTo
from spotcheck.inspections.services_followup import (
    penalty_decide,
    rectification_order,
    transfer_record,
)


def _need(options: dict[str, Any], *names: str) -> None:
    missing = [f"--{n.replace('_', '-')}" for n in names if not options.get(n)]
    if missing:
        raise CommandError(f"{options['kind']} 需要参数：{'、'.join(missing)}")


class Command(ActingCommand):
    help = (
        "登记检查结果审核通过后的后续处置。"
        "rectification：--order-text --due；"
        f"penalty：--decision-no --penalty-kind（{'/'.join(PenaltyKind.values)}）--decided "
        "[--amount] [--major]；"
        f"transfer：--transfer-to（{'/'.join(TransferTo.values)}）--receiving-body --transferred "
        "--description。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_target_arguments(parser)
        parser.add_argument(
            "--kind", required=True, choices=["rectification", "penalty", "transfer"]
        )
        parser.add_argument("--description", default="", help="事实与依据 / 移送事由")
        parser.add_argument("--order-text", help="责令改正内容")
        parser.add_argument("--due", help="整改期限 YYYY-MM-DD")
        parser.add_argument("--decision-no", help="处罚决定书文号")
        parser.add_argument("--penalty-kind", help="处罚种类")
        parser.add_argument("--amount", help="金额（元）")
        parser.add_argument("--decided", help="决定日期 YYYY-MM-DD")
        parser.add_argument("--major", action="store_true", help="重大执法决定（须法制审核）")
        parser.add_argument("--transfer-to", help="移送去向")
        parser.add_argument("--receiving-body", help="接收机关")
        parser.add_argument("--transferred", help="移送日期 YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        inspection = inspection_of(options)
        kind = options["kind"]
        follow_up: FollowUp
        if kind == "rectification":
            _need(options, "order_text", "due")
            follow_up = self.call(
                rectification_order,
                actor=user,
                inspection=inspection,
                order_text=options["order_text"],
                due_on=parse_date(options["due"], "整改期限"),
                description=options["description"],
            )
        elif kind == "penalty":
            _need(options, "decision_no", "penalty_kind", "decided")
            amount = None
            if options["amount"]:
                try:
                    amount = Decimal(options["amount"])
                except InvalidOperation as exc:
                    raise CommandError(f"金额“{options['amount']}”无效") from exc
            follow_up = self.call(
                penalty_decide,
                actor=user,
                inspection=inspection,
                decision_no=options["decision_no"],
                penalty_kind=options["penalty_kind"],
                decided_on=parse_date(options["decided"], "决定日期"),
                amount=amount,
                major=options["major"],
                description=options["description"],
            )
        else:
            _need(options, "transfer_to", "receiving_body", "transferred")
            follow_up = self.call(
                transfer_record,
                actor=user,
                inspection=inspection,
                transfer_to=options["transfer_to"],
                receiving_body=options["receiving_body"],
                transferred_on=parse_date(options["transferred"], "移送日期"),
                description=options["description"],
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"已登记{follow_up.get_kind_display()}（编号 {follow_up.pk}，"
                f"状态：{follow_up.get_state_display()}）"
            )
        )
