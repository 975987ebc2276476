from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.directory.models import Target
from spotcheck.draws.models import CapOverride
from spotcheck.draws.services_cap import cap_override_approve, cap_override_request
from spotcheck.planning.models import SpotCheckTask


class Command(ActingCommand):
    help = "Request (section) or approve (leader) a third check of a target in one year."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--task", type=int, help="with --target and --reason: request")
        parser.add_argument("--target", help="credit code")
        parser.add_argument("--reason", default="")
        parser.add_argument("--approve", type=int, help="override id to approve")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        if options["approve"]:
            override = self.call(
                cap_override_approve,
                actor=user,
                override=lookup(CapOverride, "超次数申请", pk=options["approve"]),
            )
            self.stdout.write(f"已批准超次数申请 #{override.pk}")
            return
        if not (options["task"] and options["target"]):
            raise CommandError("申请需要 --task 和 --target；批准需要 --approve")
        override = self.call(
            cap_override_request,
            actor=user,
            task=lookup(SpotCheckTask, "抽查任务", pk=options["task"]),
            target=lookup(Target, "检查对象", credit_code=options["target"]),
            reason=options["reason"],
        )
        self.stdout.write(f"已提交超次数申请 #{override.pk}，待分管领导批准")
