from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.planning.models import SpotCheckTask
from spotcheck.planning.services import task_advance


class Command(ActingCommand):
    help = "Move a drawn task on: inspecting → results_in → closed (lead section)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--task", type=int, required=True)
        parser.add_argument("--to", required=True, choices=["inspecting", "results_in", "closed"])
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        task = self.call(
            task_advance,
            actor=user,
            task=lookup(SpotCheckTask, "抽查任务", pk=options["task"]),
            to=options["to"],
            reason=options["reason"],
        )
        self.stdout.write(f"抽查任务 #{task.pk} 状态：{task.get_state_display()}")
