"""Delete stored probability previews of committed tasks (run daily with purge_job_files)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from spotcheck.draws.preview import purge_previews


class Command(BaseCommand):
    help = "删除已承诺抽取的任务保存的抽查概率预览（任务页此后显示承诺时固定的对象池）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只统计将删除的预览")

    def handle(self, *args: Any, **options: Any) -> None:
        previews, lines = purge_previews(dry_run=options["dry_run"])
        verb = "将删除" if options["dry_run"] else "已删除"
        self.stdout.write(f"{verb} {previews} 份预览（{lines} 行）")
