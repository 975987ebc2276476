"""Create this year's and next year's partitions of the partitioned tables (run daily).

PostgreSQL only; on SQLite the tables are not partitioned and the command says so. Must run as
a role that owns the tables (creating a partition is DDL), not as the application's role: see
docs/operations.md, section 7a.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from spotcheck.core import partitions


class Command(BaseCommand):
    help = (
        "为按年分区的表（审计日志、公示）建立本年和下一年的分区，"
        "并把落入默认分区的记录移入其年份的分区（仅 PostgreSQL；可重复运行）"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("当前数据库不是 PostgreSQL，表未分区，无需操作。")
            return
        today = timezone.localdate()
        for spec in partitions.TABLES:
            # One transaction per table: a failure leaves the other table's partitions made.
            with transaction.atomic(), connection.cursor() as cursor:
                if not partitions.is_partitioned(cursor, spec.table):
                    self.stderr.write(f"{spec.table} 尚未分区（请先运行 migrate）")
                    continue
                created = partitions.ensure(cursor, spec, today=today)
                names = partitions.partitions(cursor, spec.table)
            for c in created:
                moved = f"，从默认分区移入 {c.moved} 条记录" if c.moved else ""
                self.stdout.write(f"已建立分区 {spec.partition(c.year)}{moved}")
            self.stdout.write(f"{spec.table}：{len(names)} 个分区（{', '.join(names)}）")
