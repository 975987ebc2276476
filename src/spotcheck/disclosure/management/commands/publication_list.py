"""``manage.py publication_list``: the publications a user may see, or (--due) the ones whose
Art. 16 deadline is coming or has passed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser

from spotcheck.accounts.models import Department
from spotcheck.core import access
from spotcheck.core.commands import ActingCommand, lookup
from spotcheck.disclosure import selectors_staff
from spotcheck.disclosure.models import PublicationKind, PublicationState


class Command(ActingCommand):
    help = (
        "列出公示（业务科室、分管领导看本部门，纪检监督看全部）；"
        "--due 只列有法定期限、尚未发布的公示及其期限。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--state", choices=PublicationState.values, help="状态")
        parser.add_argument("--kind", choices=PublicationKind.values, help="公示类型")
        parser.add_argument("--department", help="部门代码")
        parser.add_argument("--due", action="store_true", help="只列即将到期和已逾期的公示")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self.acting_user(options)
        if not access.can_view_publications(user):
            raise CommandError("无权查看公示：只有业务科室人员、分管领导和纪检监督可以查看")
        if options["due"]:
            self._due(user)
            return
        department = (
            lookup(Department, "部门", code=options["department"])
            if options["department"]
            else None
        )
        rows = selectors_staff.staff_publications(
            user=user,
            state=options["state"] or "",
            kind=options["kind"] or "",
            department_id=department.pk if department else None,
        )
        count = 0
        for p in rows.iterator():
            count += 1
            due = f"{p.due_on:%Y-%m-%d}" if p.due_on else "-"
            self.stdout.write(
                f"{p.pk}\t{p.get_state_display()}\t{p.get_kind_display()}\t{p.department.name}"
                f"\tv{p.version}\t期限 {due}\t{p.title}"
            )
        self.stdout.write(f"共 {count} 条")

    def _due(self, user: Any) -> None:
        rows = selectors_staff.due_context(user)["due"]
        for row in rows:
            p = row.publication
            when = f"已逾期 {-row.days_left} 天" if row.overdue else f"还有 {row.days_left} 天"
            flag = "（放假安排未知，按法定节假日推算）" if row.uncertain else ""
            if p is None:
                # Not drafted yet: the id to pass to publication_draft --source.
                head = f"-\t未起草\t{row.department.name}\t{row.kind}:{row.source_pk}"
                title = row.title
            else:
                head = f"{p.pk}\t{p.get_state_display()}\t{p.department.name}"
                title = p.title
            line = f"{head}\t期限 {row.due_on:%Y-%m-%d}{flag}\t{when}\t{title}"
            self.stdout.write(self.style.ERROR(line) if row.overdue else line)
        overdue = sum(1 for r in rows if r.overdue)
        self.stdout.write(f"共 {len(rows)} 条，其中逾期 {overdue} 条")
        if any(r.uncertain for r in rows):
            self.stdout.write(
                self.style.WARNING("部分期限所在年份的放假安排尚未录入，请系统管理员录入工作日历")
            )
