"""``manage.py inspection_submit``: submit a drawn target's result for the lead section's review."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.inspections.management.commands._common import (
    add_target_arguments,
    inspection_of,
)
from spotcheck.inspections.services_inspection import inspection_submit


class Command(ActingCommand):
    help = "提交检查结果，等待牵头部门审核。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_target_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        inspection = self.call(inspection_submit, actor=user, inspection=inspection_of(options))
        self.stdout.write(self.style.SUCCESS(f"已提交检查结果（编号 {inspection.pk}）"))
