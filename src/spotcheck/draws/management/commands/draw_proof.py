from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core import access
from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.draws.models import Draw
from spotcheck.draws.services_confidential import log_confidential_access
from spotcheck.draws.snapshot import proof_file_bytes


class Command(ActingCommand):
    help = "Write a draw's proof document (JSON) for `python -m spotcheck.engine.verify`."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--draw", type=int, required=True)
        parser.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        draw = lookup(Draw, "抽取", pk=options["draw"])
        if draw.proof is None:
            raise CommandError(f"第{draw.pk}号抽取尚未执行，还没有证明文件")
        if not access.can_download_proof(user, draw.task):
            raise CommandError("检查开始前抽取证明保密，您无权导出")
        log_confidential_access(actor=user, draw=draw, what="抽取证明（命令行导出）")
        with open(options["out"], "wb") as fh:
            fh.write(proof_file_bytes(draw))
        self.stdout.write(f"已写出 {options['out']}")
