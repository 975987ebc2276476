"""Change an account through the audited service, acting as a named administrator::

manage.py user_update --user admin --username zhang --role auditor --department ""
manage.py user_update --user admin --username zhang --deactivate
manage.py user_update --user admin --username zhang --reset-password
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spotcheck.accounts import services
from spotcheck.accounts.management.commands import _common
from spotcheck.accounts.models import Role, User
from spotcheck.core.errors import ServiceError


class Command(BaseCommand):
    help = "修改用户的角色、部门、分管部门、启用状态或密码（写入审计日志）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="acting administrator (username)")
        parser.add_argument("--username", required=True, help="the account to change")
        parser.add_argument("--name", default=None, help="display name (姓名)")
        parser.add_argument("--role", default=None, choices=Role.values)
        parser.add_argument("--department", default=None, help='department code ("" for none)')
        parser.add_argument("--oversees", default=None, help="leader: comma-separated codes")
        parser.add_argument(
            "--bureau", default=None, help='bureau code, for a user without a department ("": all)'
        )
        state = parser.add_mutually_exclusive_group()
        state.add_argument("--activate", action="store_true")
        state.add_argument("--deactivate", action="store_true")
        parser.add_argument("--reset-password", action="store_true", help="prompt for a new one")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _common.acting_user(options["user"])
        if actor is None:
            raise CommandError("请用 --user 指定执行操作的系统管理员")
        try:
            subject = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"用户 {options['username']} 不存在") from exc
        changes: dict[str, Any] = {}
        if options["name"] is not None:
            changes["display_name"] = options["name"]
        if options["role"] is not None:
            changes["role"] = options["role"]
        if options["department"] is not None:
            changes["department"] = _common.department(options["department"])
        if options["oversees"] is not None:
            changes["oversees"] = _common.departments(options["oversees"])
        if options["bureau"] is not None:
            changes["bureau"] = _common.bureau(options["bureau"])
        if options["activate"] or options["deactivate"]:
            changes["is_active"] = bool(options["activate"])
        try:
            if changes:
                services.user_update(actor=actor, user=subject, **changes)
            if options["reset_password"]:
                services.user_set_password(
                    actor=actor, user=subject, password=_common.read_password(options)
                )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(f"无权操作：{exc}") from exc
        subject.refresh_from_db()
        self.stdout.write(
            f"用户 {subject.username}：{subject.get_role_display()}，"
            f"{subject.department or '无所属部门'}，{'启用' if subject.is_active else '已停用'}"
        )
