"""Sign the audit chain's current head (the job worker also does this every hour)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from spotcheck.audit import checkpoints, signing


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit log with AUDIT_SIGNING_KEY_FILE; --json prints it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the signed checkpoint")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            cp = checkpoints.create_checkpoint()
        except (checkpoints.CheckpointError, signing.SigningKeyError) as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(checkpoints.document(cp), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(
                f"已签署检查点：{cp.tree_size} 条事件，链头 {cp.head}，密钥 {cp.key_id[:16]}…"
            )
