from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.planning.models import AnnualPlan
from spotcheck.planning.services import plan_approve


class Command(ActingCommand):
    help = "Approve an annual plan as the leader overseeing its department."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--plan", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        plan = self.call(
            plan_approve, actor=user, plan=lookup(AnnualPlan, "年度计划", pk=options["plan"])
        )
        self.stdout.write(f"年度计划 #{plan.pk} 已批准")
