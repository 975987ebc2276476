"""Look-ups shared by the inspection commands: a drawn target's inspection by draw + code."""

from __future__ import annotations

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import lookup
from spotcheck.directory.models import Target
from spotcheck.draws.models import Draw
from spotcheck.inspections.models import Inspection


def add_target_arguments(parser: CommandParser) -> None:
    parser.add_argument("--draw", type=int, required=True, help="抽取编号")
    parser.add_argument("--target", required=True, help="检查对象统一社会信用代码")


def draw_and_target(options: dict[str, object]) -> tuple[Draw, Target]:
    draw = lookup(Draw, "抽取", pk=options["draw"])
    target = lookup(Target, "检查对象", credit_code=options["target"])
    return draw, target


def inspection_of(options: dict[str, object]) -> Inspection:
    draw, target = draw_and_target(options)
    inspection = Inspection.objects.filter(draw=draw, target=target).first()
    if inspection is None:
        raise CommandError(f"第{draw.pk}号抽取中尚无 {target.credit_code} 的检查结果")
    return inspection
