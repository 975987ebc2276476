from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.draws.models import Draw
from spotcheck.draws.services_abort import draw_abort_request


class Command(ActingCommand):
    help = (
        "Ask to abort a draw, with a reason. Nothing is aborted until a leader approves it "
        "(draw_abort_decide)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--draw", type=int, required=True)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        request = self.call(
            draw_abort_request,
            actor=user,
            draw=lookup(Draw, "抽取", pk=options["draw"]),
            reason=options["reason"],
        )
        self.stdout.write(
            f"已申请作废第{request.draw_id}号抽取（申请编号 {request.pk}），待分管领导审批"
        )
