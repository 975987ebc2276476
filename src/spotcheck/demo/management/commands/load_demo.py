"""``manage.py load_demo``: load the synthetic Jinfeng District demo directory (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spotcheck.core.errors import ServiceError
from spotcheck.demo import data
from spotcheck.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "加载演示数据（虚构的银川市金凤区检查对象、执法人员、抽查事项、各角色演示账号，"
        "以及一项从年度计划到结果公示的演示抽查任务）。"
        "已加载时不重复写入；--reset 先清除演示数据再重新加载。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="先删除已有演示数据（账号和审计日志保留）再加载"
        )
        parser.add_argument("--no-logins", action="store_true", help="不打印演示账号表")
        parser.add_argument(
            "--no-workflow",
            action="store_true",
            help="只加载名录库，不运行演示抽查任务（年度计划、抽取、检查结果、处罚和公示）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = load_demo(reset=options["reset"], workflow=not options["no_workflow"])
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(data.BANNER)
        counts = (
            f"检查对象 {result.targets} 个，执法检查人员 {result.inspectors} 名，"
            f"抽查事项 {result.items} 项，利害关系申报 {result.conflicts} 条"
        )
        if result.loaded:
            self.stdout.write(
                self.style.SUCCESS(f"已加载演示数据：{counts}（用时 {result.seconds:.1f} 秒）")
            )
        else:
            self.stdout.write(f"演示数据已存在，未重复加载：{counts}。如需重置：load_demo --reset")
        flow = result.workflow
        if flow is not None and flow.loaded:
            self.stdout.write(
                self.style.SUCCESS(
                    f"已运行演示抽查任务：公示记录 {flow.publications} 条（已公示 {flow.published} 条，"
                    "含更正、撤回和一条待公示草稿）"
                )
            )
        if not options["no_logins"]:
            call_command("demo_logins", stdout=self.stdout._out)
