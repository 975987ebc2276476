"""``manage.py publication_submit``: send a draft (or a returned one) for review."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.disclosure.management.commands._common import (
    add_id_argument,
    describe,
    publication_of,
)
from spotcheck.disclosure.publications import publication_submit


class Command(ActingCommand):
    help = "提交公示审核（起草人以外的本科室人员或分管领导审核）。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        add_id_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        publication = self.call(publication_submit, actor=user, publication=publication_of(options))
        self.stdout.write(self.style.SUCCESS(describe(publication)))
