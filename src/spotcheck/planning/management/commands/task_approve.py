from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.planning.models import SpotCheckTask
from spotcheck.planning.services import task_approve


class Command(ActingCommand):
    help = "Approve a draft task as its leader."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--task", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        task = lookup(SpotCheckTask, "抽查任务", pk=options["task"])
        self.call(task_approve, actor=user, task=task)
        self.stdout.write(f"抽查任务 #{task.pk} 已批准")
