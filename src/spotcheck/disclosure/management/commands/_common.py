"""Shared pieces of the publication commands: finding a publication or a source, the Art. 17
restriction options, and a one-line description of a publication."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

from spotcheck.accounts.models import Department
from spotcheck.core.commands import lookup, parse_date
from spotcheck.disclosure import selectors_staff
from spotcheck.disclosure.models import Publication, PublicationKind


def add_id_argument(parser: CommandParser) -> None:
    parser.add_argument("--id", type=int, required=True, help="公示编号")


def publication_of(options: dict[str, Any]) -> Publication:
    publication: Publication = lookup(Publication, "公示", pk=options["id"])
    return publication


def source_of(kind: str, raw: str) -> Any:
    """The source record; department lists also take the department's code (e.g. market)."""
    if kind in {PublicationKind.ITEM_LIST, PublicationKind.INSPECTOR_LIST}:
        department = Department.objects.filter(code=raw).first()
        if department is not None:
            return department
    if not raw.isdigit():
        raise CommandError(f"来源编号“{raw}”无效，应为数字编号")
    source = selectors_staff.source_of(kind, int(raw))
    if source is None:
        raise CommandError(f"找不到{PublicationKind(kind).label}的来源记录：{raw}")
    return source


def add_restriction_arguments(parser: CommandParser) -> None:
    parser.add_argument("--restriction-reason", help="限制公开理由（第十七条）")
    parser.add_argument(
        "--withhold", action="append", metavar="FIELD", help="不予公开的字段（可重复）"
    )
    parser.add_argument("--delay-until", help="暂缓公开至 YYYY-MM-DD（须晚于今天）")


def delay_of(options: dict[str, Any]) -> dt.date | None:
    if not options.get("delay_until"):
        return None
    day = parse_date(options["delay_until"], "暂缓公开日期")
    if day <= timezone.localdate():
        raise CommandError("暂缓公开的日期须晚于今天")
    return day


def describe(publication: Publication) -> str:
    due = ""
    if publication.due_on:
        due = f"，公示期限 {publication.due_on:%Y-%m-%d}"
        if publication.due_uncertain:
            due += "（所在年份放假安排未录入，按法定节假日推算，调休安排未知）"
    return (
        f"公示（编号 {publication.pk}）「{publication.title}」v{publication.version}："
        f"{publication.get_state_display()}{due}"
    )
