"""``manage.py rectification_verify``: record whether an ordered rectification was done."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.inspections.models import FollowUp
from spotcheck.inspections.services_followup import rectification_verify


class Command(ActingCommand):
    help = "核查责令改正的整改情况：--rectified 整改到位 或 --not-rectified 未整改到位。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--id", type=int, required=True, help="后续处置编号")
        outcome = parser.add_mutually_exclusive_group(required=True)
        outcome.add_argument("--rectified", action="store_true")
        outcome.add_argument("--not-rectified", action="store_true")
        parser.add_argument("--note", required=True, help="核查情况")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        follow_up = self.call(
            rectification_verify,
            actor=user,
            follow_up=lookup(FollowUp, "后续处置", pk=options["id"]),
            rectified=options["rectified"],
            note=options["note"],
        )
        self.stdout.write(self.style.SUCCESS(f"已核查（编号 {follow_up.pk}）"))
