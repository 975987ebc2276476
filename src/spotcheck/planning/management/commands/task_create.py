from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.accounts.models import Department
from spotcheck.core.commands import ActingCommand, lookup, parse_date
from spotcheck.directory.models import CheckItem
from spotcheck.planning.models import AnnualPlan
from spotcheck.planning.services import task_create


def _sample(spec: str) -> dict[str, Any]:
    """ "count:*=5,A=2" or "ratio:*=0.05" → the task's sample spec."""
    mode, _, rest = spec.partition(":")
    values: dict[str, Any] = {}
    for part in filter(None, rest.split(",")):
        key, sep, value = part.partition("=")
        if not sep:
            raise CommandError(f"抽查比例“{part}”格式应为 分层=值")
        if mode == "count":
            if not value.isdigit():
                raise CommandError(f"抽取数量“{value}”应为整数")
            values[key] = int(value)
        else:
            values[key] = value
    return {"mode": mode, "values": values}


class Command(ActingCommand):
    help = "Create a spot-check task (实施方案) as a section user."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--name", required=True)
        parser.add_argument("--mode", required=True, choices=["directed", "undirected", "joint"])
        parser.add_argument("--items", required=True, help="item codes, comma-separated")
        parser.add_argument("--window", required=True, help="YYYY-MM-DD:YYYY-MM-DD")
        parser.add_argument("--sample", required=True, help='e.g. "count:*=5" or "ratio:*=0.05"')
        parser.add_argument("--filter", action="append", default=[], help="key=value (Art. 8)")
        parser.add_argument("--stratify", default="")
        parser.add_argument("--team-size", type=int, default=2)
        parser.add_argument("--partner", action="append", default=[], help="department code")
        parser.add_argument("--plan", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        start, _, end = options["window"].partition(":")
        filters: dict[str, Any] = {}
        for f in options["filter"]:
            key, sep, value = f.partition("=")
            if not sep:
                raise CommandError(f"限定条件“{f}”格式应为 key=value")
            if key == "flag":
                filters.setdefault("flag", []).append(value)
            else:
                filters[key] = value
        items = [lookup(CheckItem, "抽查事项", code=c) for c in options["items"].split(",")]
        task = self.call(
            task_create,
            actor=user,
            name=options["name"],
            mode=options["mode"],
            items=items,
            window_start=parse_date(start, "开始日期"),
            window_end=parse_date(end, "结束日期"),
            sample=_sample(options["sample"]),
            filters=filters,
            stratify_by=options["stratify"],
            team_size=options["team_size"],
            partner_departments=[lookup(Department, "部门", code=c) for c in options["partner"]],
            plan=lookup(AnnualPlan, "年度计划", pk=options["plan"]) if options["plan"] else None,
        )
        self.stdout.write(f"已创建抽查任务 #{task.pk}：{task.name}（草稿）")
