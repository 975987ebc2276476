from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup, parse_date
from spotcheck.directory.models import Target
from spotcheck.draws.models import Draw
from spotcheck.draws.services_confidential import advance_notice_record


class Command(ActingCommand):
    help = "Record that a drawn target was told of its inspection in advance (Art. 18)."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--draw", type=int, required=True)
        parser.add_argument("--target", required=True, help="credit code")
        parser.add_argument("--reason", required=True)
        parser.add_argument("--date", required=True, help="YYYY-MM-DD the target was told")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        self.call(
            advance_notice_record,
            actor=user,
            draw=lookup(Draw, "抽取", pk=options["draw"]),
            target=lookup(Target, "检查对象", credit_code=options["target"]),
            reason=options["reason"],
            notified_on=parse_date(options["date"], "告知日期"),
        )
        self.stdout.write("已登记提前告知")
