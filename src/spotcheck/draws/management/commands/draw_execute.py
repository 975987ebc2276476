from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.draws.models import Draw
from spotcheck.draws.services import draw_execute


class Command(ActingCommand):
    help = "Enter the announced public randomness and execute a committed draw."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--draw", type=int, required=True)
        parser.add_argument(
            "--value", action="append", default=[], help='"NAME=VALUE", once per announced value'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        draw = lookup(Draw, "抽取", pk=options["draw"])
        entries = {}
        for v in options["value"]:
            name, sep, value = v.rpartition("=")
            if not sep:
                raise CommandError(f"“{v}”格式应为 名称=随机数")
            entries[name] = value
        draw = self.call(draw_execute, actor=user, draw=draw, entries=entries)
        assert draw.proof is not None
        self.stdout.write(
            f"第{draw.pk}号抽取完成：抽中 {len(draw.proof['result']['selected'])} 个检查对象；"
            f"种子 {draw.proof['seed']}"
        )
