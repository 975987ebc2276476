"""Delete old import uploads and export files (run daily from cron or a systemd timer)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from spotcheck.directory.job_files import purge_job_files


class Command(BaseCommand):
    help = "删除已结束超过保留期的导入上传文件和导出文件（检查证据不受影响）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=settings.JOB_FILE_RETENTION_DAYS,
            help="保留天数（默认取 JOB_FILE_RETENTION_DAYS）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只列出将删除的文件")

    def handle(self, *args: Any, **options: Any) -> None:
        days = max(int(options["days"]), 0)
        result = purge_job_files(older_than=dt.timedelta(days=days), dry_run=options["dry_run"])
        verb = "将删除" if options["dry_run"] else "已删除"
        for path in result.deleted:
            self.stdout.write(f"{verb} {path}")
        self.stdout.write(
            f"{verb} {len(result.deleted)} 个文件（{result.freed_bytes / 1048576:.1f} MB），"
            f"保留 {result.kept} 个"
        )
