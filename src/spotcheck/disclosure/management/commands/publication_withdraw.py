"""``manage.py publication_withdraw``: take a published record off the public list."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.disclosure.management.commands._common import (
    add_id_argument,
    describe,
    publication_of,
)
from spotcheck.disclosure.publications import publication_withdraw


class Command(ActingCommand):
    help = "撤回已公示的记录（须 --reason 说明理由）；记录和理由保留，公众只能看到撤回信息。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_id_argument(parser)
        parser.add_argument("--reason", default="", help="撤回理由（必填）")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        reason = options["reason"].strip()
        if not reason:
            raise CommandError("撤回须说明理由（--reason）")
        publication = self.call(
            publication_withdraw, actor=user, publication=publication_of(options), reason=reason
        )
        self.stdout.write(self.style.SUCCESS(describe(publication)))
