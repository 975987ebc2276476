from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.draws.services import draw_commit
from spotcheck.planning.models import SpotCheckTask


class Command(ActingCommand):
    help = "Commit a draw: snapshot the pool and announce the public randomness to be used."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--task", type=int, required=True)
        parser.add_argument("--witnesses", help="names, comma-separated (at least two)")
        parser.add_argument("--beacon", help="beacon round name")
        parser.add_argument("--lottery", help="lottery draw names, comma-separated")
        parser.add_argument("--not-before", help="ISO time the beacon/lottery value appears")
        parser.add_argument("--reason", default="", help="required when redoing an aborted draw")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        task = lookup(SpotCheckTask, "抽查任务", pk=options["task"])
        not_before = None
        if options["not_before"]:
            try:
                not_before = dt.datetime.fromisoformat(options["not_before"])
            except ValueError as exc:
                raise CommandError("--not-before 不是有效时间（ISO 8601，含时区）") from exc
            if not_before.tzinfo is None:
                raise CommandError("--not-before 必须带时区，例如 2026-12-01T20:30:00+08:00")
        if options["witnesses"]:
            kind, names = "witnesses", options["witnesses"].split(",")
        elif options["beacon"]:
            kind, names = "beacon", [options["beacon"]]
        elif options["lottery"]:
            kind, names = "lottery", options["lottery"].split(",")
        else:
            raise CommandError("请用 --witnesses、--beacon 或 --lottery 指定公开随机数来源")
        draw = self.call(
            draw_commit,
            actor=user,
            task=task,
            randomness_kind=kind,
            randomness_names=names,
            not_before=not_before,
            reason=options["reason"],
        )
        self.stdout.write(f"第{draw.pk}号抽取已承诺。承诺指纹：{draw.commitment_digest}")
        for item in draw.commitment["randomness_source"]["items"]:
            self.stdout.write(f"  待录入随机数：{item['name']}")
