from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.directory.models import Inspector, Target
from spotcheck.draws.models import Draw, RecusalReason
from spotcheck.draws.services import draw_recuse


class Command(ActingCommand):
    help = "Record an inspector's recusal after the draw; the engine names the replacement."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--draw", type=int, required=True)
        parser.add_argument("--inspector", required=True, help="certificate number")
        parser.add_argument("--target", required=True, help="credit code")
        parser.add_argument(
            "--reason-code",
            required=True,
            choices=RecusalReason.values,
            help="published in the proof: " + ", ".join(RecusalReason.values),
        )
        parser.add_argument("--reason", required=True, help="free-text note (internal)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        member = self.call(
            draw_recuse,
            actor=user,
            draw=lookup(Draw, "抽取", pk=options["draw"]),
            inspector=lookup(Inspector, "执法检查人员", cert_no=options["inspector"]),
            target=lookup(Target, "检查对象", credit_code=options["target"]),
            reason_code=options["reason_code"],
            reason=options["reason"],
        )
        self.stdout.write(
            f"已登记回避，替补人员：{member.inspector.name}（{member.inspector.cert_no}）"
        )
