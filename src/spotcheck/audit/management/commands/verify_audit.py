from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Verify the hash chain of the audit log; exits non-zero on any break."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(verify_chain())
        for p in problems:
            self.stderr.write(f"事件 #{p.seq}: {p.message}")
        if problems:
            raise CommandError(f"审计日志校验失败：{len(problems)} 处问题")
        self.stdout.write(f"审计日志完整：{AuditEvent.objects.count()} 条事件，哈希链无断裂。")
