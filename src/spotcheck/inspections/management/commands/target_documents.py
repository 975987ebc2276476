"""``manage.py target_documents``: write the 检查通知书 and 双清单 of a drawn target as .docx."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.inspections.documents import DOCUMENTS, target_document
from spotcheck.inspections.management.commands._common import (
    add_target_arguments,
    draw_and_target,
)


class Command(ActingCommand):
    help = "生成被抽中检查对象的检查通知书和双清单（.docx），每次生成均记入审计日志。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_target_arguments(parser)
        parser.add_argument(
            "--document", choices=sorted(DOCUMENTS), action="append", help="默认两种都生成"
        )
        parser.add_argument("--out", default=".", help="输出目录")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        draw, target = draw_and_target(options)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for document in options["document"] or ["notice", "double_list"]:
            name, data = self.call(
                target_document, actor=user, draw=draw, target=target, document=document
            )
            path = out / name
            path.write_bytes(data)
            self.stdout.write(self.style.SUCCESS(f"已生成 {path}"))
