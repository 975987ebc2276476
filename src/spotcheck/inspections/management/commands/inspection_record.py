"""``manage.py inspection_record``: create or update the draft result of one drawn target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, lookup, parse_date
from spotcheck.directory.models import CheckItem, Inspector
from spotcheck.inspections.management.commands._common import (
    add_target_arguments,
    draw_and_target,
)
from spotcheck.inspections.models import ResultCategory
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    evidence_add,
    inspection_save,
)


class Command(ActingCommand):
    help = (
        "录入（或修改）一个被抽中检查对象的检查结果草稿。例："
        "inspection_record --user zhang --draw 3 --target 91640106... --date 2026-12-02 "
        "--inspectors 640106200001,640106200002 --overall no_problem "
        "--item SW-01=no_problem --item SW-02=pending_follow_up:未按规定存管资金 --evidence 现场.jpg"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_target_arguments(parser)
        parser.add_argument("--date", help="检查日期 YYYY-MM-DD")
        parser.add_argument("--inspectors", help="到场检查人员执法证号，逗号分隔")
        parser.add_argument("--overall", help="总体检查结果类别编码")
        parser.add_argument("--summary", help="检查情况说明")
        parser.add_argument(
            "--item",
            action="append",
            default=[],
            metavar="事项编码=类别编码[:检查发现]",
            help="单项检查结果，可重复",
        )
        parser.add_argument("--evidence", action="append", default=[], help="证据文件路径，可重复")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        draw, target = draw_and_target(options)
        results = []
        for spec in options["item"]:
            code, sep, rest = spec.partition("=")
            if not sep:
                raise CommandError(f"“{spec}”格式错误：应为 事项编码=类别编码[:检查发现]")
            category, _, findings = rest.partition(":")
            results.append(
                ItemResultInput(
                    item=lookup(CheckItem, "抽查事项", code=code.strip()),
                    category=lookup(ResultCategory, "检查结果类别", code=category.strip()),
                    findings=findings,
                )
            )
        inspectors = None
        if options["inspectors"] is not None:
            inspectors = [
                lookup(Inspector, "执法检查人员", cert_no=c.strip())
                for c in options["inspectors"].split(",")
                if c.strip()
            ]
        files = [Path(p) for p in options["evidence"]]
        for path in files:
            if not path.is_file():
                raise CommandError(f"找不到证据文件：{path}")
        inspection = self.call(
            inspection_save,
            actor=user,
            draw=draw,
            target=target,
            inspected_on=parse_date(options["date"], "检查日期") if options["date"] else None,
            inspectors=inspectors,
            overall_category=lookup(ResultCategory, "检查结果类别", code=options["overall"])
            if options["overall"]
            else None,
            summary=options["summary"],
            item_results=results,
        )
        for path in files:
            with path.open("rb") as fh:
                evidence = self.call(
                    evidence_add, actor=user, inspection=inspection, file=fh, filename=path.name
                )
            self.stdout.write(f"已上传证据 {evidence.original_name}  SHA-256 {evidence.sha256}")
        self.stdout.write(
            self.style.SUCCESS(
                f"已保存 {target.name} 的检查结果（编号 {inspection.pk}，"
                f"状态：{inspection.get_state_display()}）"
            )
        )
