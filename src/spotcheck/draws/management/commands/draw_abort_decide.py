from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.draws.models import AbortRequest
from spotcheck.draws.services_abort import draw_abort_decide


class Command(ActingCommand):
    help = "A leader approves (the draw is aborted, publicly) or rejects a request to abort."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--request", type=int, required=True, help="abort request id")
        decision = parser.add_mutually_exclusive_group(required=True)
        decision.add_argument("--approve", action="store_true")
        decision.add_argument("--reject", action="store_true")
        parser.add_argument("--comment", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        request = self.call(
            draw_abort_decide,
            actor=user,
            request=lookup(AbortRequest, "作废申请", pk=options["request"]),
            approve=options["approve"],
            comment=options["comment"],
        )
        if request.approved:
            self.stdout.write(f"第{request.draw_id}号抽取已作废，承诺公示已标记作废")
        else:
            self.stdout.write(f"已驳回作废第{request.draw_id}号抽取的申请")
