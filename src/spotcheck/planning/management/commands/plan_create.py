from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.directory.models import CheckItem
from spotcheck.planning.services import plan_create


def _sector(spec: str) -> dict[str, Any]:
    """ "名称:行业代码前缀:比例:每年频次", e.g. "再生资源回收:F5191:0.05:1"."""
    parts = spec.split(":")
    if len(parts) != 4 or not parts[3].isdigit():
        raise CommandError(f"行业“{spec}”格式应为 名称:行业代码前缀:比例:每年频次")
    name, industry, ratio, rounds = parts
    return {"name": name, "industry": industry, "ratio": ratio, "rounds_per_year": int(rounds)}


class Command(ActingCommand):
    help = "Draw up an annual spot-check plan (年度抽查工作计划) as a section user."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--items", required=True, help="item codes, comma-separated")
        parser.add_argument(
            "--sector", action="append", default=[], help="name:industry:ratio:rounds"
        )
        parser.add_argument("--notes", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        plan = self.call(
            plan_create,
            actor=user,
            year=options["year"],
            items=[lookup(CheckItem, "抽查事项", code=c) for c in options["items"].split(",")],
            sectors=[_sector(s) for s in options["sector"]],
            notes=options["notes"],
        )
        self.stdout.write(f"已编制年度计划 #{plan.pk}：{plan}")
