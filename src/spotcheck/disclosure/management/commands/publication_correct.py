"""``manage.py publication_correct``: draft a corrected version, rebuilt from the source."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.disclosure.management.commands._common import (
    add_id_argument,
    add_restriction_arguments,
    delay_of,
    describe,
    publication_of,
)
from spotcheck.disclosure.publications import publication_correct


class Command(ActingCommand):
    help = (
        "更正已公示的记录：按来源记录的当前内容生成新版本（须 --note 说明原因），"
        "审核通过后替换原版本。未给出限制公开参数时沿用原版本的限制。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_id_argument(parser)
        parser.add_argument("--note", default="", help="更正原因（必填）")
        add_restriction_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        note = options["note"].strip()
        if not note:
            raise CommandError("更正须说明原因（--note）")
        reason = options["restriction_reason"]
        correction = self.call(
            publication_correct,
            actor=user,
            publication=publication_of(options),
            note=note,
            restriction_reason=reason.strip() if reason is not None else None,
            withheld_fields=options["withhold"],
            delayed_until=delay_of(options),
        )
        self.stdout.write(self.style.SUCCESS(f"已起草更正版：{describe(correction)}"))
