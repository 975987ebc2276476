"""``manage.py inspection_review``: the lead section accepts or returns a submitted result."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.inspections.management.commands._common import (
    add_target_arguments,
    inspection_of,
)
from spotcheck.inspections.services_inspection import inspection_review


class Command(ActingCommand):
    help = "审核检查结果：--accept 通过（记入信用记录），或 --return 退回（须 --comment 说明）。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_target_arguments(parser)
        decision = parser.add_mutually_exclusive_group(required=True)
        decision.add_argument("--accept", action="store_true", help="审核通过")
        decision.add_argument("--return", dest="return_", action="store_true", help="退回修改")
        parser.add_argument("--comment", default="", help="审核意见（退回时必填）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        inspection = self.call(
            inspection_review,
            actor=user,
            inspection=inspection_of(options),
            accept=options["accept"],
            comment=options["comment"],
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"检查结果（编号 {inspection.pk}）：{inspection.get_state_display()}"
            )
        )
