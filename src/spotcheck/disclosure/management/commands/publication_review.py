"""``manage.py publication_review``: approve or return a submitted publication (Art. 14)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.disclosure.management.commands._common import (
    add_id_argument,
    describe,
    publication_of,
)
from spotcheck.disclosure.publications import publication_review


class Command(ActingCommand):
    help = "审核公示：--approve 同意公示，或 --return 退回（须 --comment 说明）。起草人不能审核。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_id_argument(parser)
        decision = parser.add_mutually_exclusive_group(required=True)
        decision.add_argument("--approve", action="store_true", help="同意公示")
        decision.add_argument("--return", dest="return_", action="store_true", help="退回修改")
        parser.add_argument("--comment", default="", help="审核意见（退回时必填）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        comment = options["comment"].strip()
        if options["return_"] and not comment:
            raise CommandError("退回公示须填写审核意见（--comment）")
        publication = self.call(
            publication_review,
            actor=user,
            publication=publication_of(options),
            approve=options["approve"],
            comment=comment,
        )
        self.stdout.write(self.style.SUCCESS(describe(publication)))
