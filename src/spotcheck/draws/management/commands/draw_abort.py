from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.draws.models import Draw
from spotcheck.draws.services import draw_abort


class Command(ActingCommand):
    help = "Abort a draw with a reason; the record is kept and the task can be drawn again."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--draw", type=int, required=True)
        parser.add_argument("--reason", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        draw = self.call(
            draw_abort,
            actor=user,
            draw=lookup(Draw, "抽取", pk=options["draw"]),
            reason=options["reason"],
        )
        self.stdout.write(f"第{draw.pk}号抽取已作废")
