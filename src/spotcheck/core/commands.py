"""Shared plumbing for clerk-facing management commands: act as a named user, fail in Chinese."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spotcheck.accounts.models import User
from spotcheck.core.errors import ServiceError

T = TypeVar("T")


class ActingCommand(BaseCommand):
    """A command run on behalf of a user, through the same services as the web UI."""

    # One service call each: the whole system check (every URL module imported, about a
    # second) belongs to deployment (`manage.py check --deploy`), not to each step of a draw.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username the action is attributed to")

    def acting_user(self, options: dict[str, Any]) -> User:
        try:
            return User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"用户 {options['user']} 不存在或已停用") from exc

    def call(self, fn: Callable[..., T], **kwargs: Any) -> T:
        try:
            return fn(**kwargs)
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(f"无权操作：{exc}") from exc


def parse_date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{what}“{value}”不是有效日期（格式 YYYY-MM-DD）") from exc


def lookup(model: type[Any], what: str, **filters: Any) -> Any:
    try:
        return model.objects.get(**filters)
    except model.DoesNotExist as exc:
        raise CommandError(f"找不到{what}：{', '.join(str(v) for v in filters.values())}") from exc
