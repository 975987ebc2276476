"""``manage.py publication_draft``: draft a publication from a source record (Art. 14–17)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.core.commands import ActingCommand
from spotcheck.disclosure import selectors_staff
from spotcheck.disclosure.management.commands._common import (
    add_restriction_arguments,
    delay_of,
    describe,
    source_of,
)
from spotcheck.disclosure.models import PublicationKind
from spotcheck.disclosure.publications import publication_draft

SOURCES = (
    "item_list/inspector_list：部门代码或编号；annual_plan：年度计划编号；"
    "task_announcement：抽查任务编号；draw_commitment/draw_proof：抽取编号；"
    "inspection_result：检查结果编号；penalty_decision：处罚决定（后续处置）编号"
)


class Command(ActingCommand):
    help = f"起草公示，内容按脱敏规则从来源记录生成。--source：{SOURCES}。"

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--kind", required=True, choices=PublicationKind.values)
        parser.add_argument("--source", required=True, help=SOURCES)
        add_restriction_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        kind = options["kind"]
        source = source_of(kind, options["source"])
        if (
            kind == PublicationKind.INSPECTION_RESULT
            and selectors_staff.drafting_department(kind, source, user) is None
        ):
            raise CommandError("本科室在该检查中没有检查事项，无需公示其结果（谁执法、谁公示）")
        not_ready = selectors_staff.not_ready_reason(kind, source)
        if not_ready:
            raise CommandError(not_ready)
        department = selectors_staff.drafting_department(kind, source, user)
        current = (
            selectors_staff.active_publication(kind, source, department) if department else None
        )
        if current is not None:
            raise CommandError(
                f"该记录已有公示（编号 {current.pk}，v{current.version}，"
                f"{current.get_state_display()}）；如需修改请用 publication_correct 更正"
            )
        reason = (options["restriction_reason"] or "").strip()
        withheld = options["withhold"] or []
        delayed = delay_of(options)
        publication = self.call(
            publication_draft,
            actor=user,
            kind=kind,
            source=source,
            restriction_reason=reason,
            withheld_fields=withheld,
            delayed_until=delayed,
        )
        self.stdout.write(self.style.SUCCESS(f"已起草{describe(publication)}"))
