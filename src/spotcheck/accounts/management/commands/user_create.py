"""Create an account through the audited service (use this, not ``createsuperuser``).

The first administrator of a new installation::

    manage.py user_create --username admin --role admin

Later accounts are created by an administrator, named with ``--user``::

    manage.py user_create --user admin --username zhang --role section --department market
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser

from spotcheck.accounts import services
from spotcheck.accounts.management.commands import _common
from spotcheck.accounts.models import Role
from spotcheck.core.errors import ServiceError


class Command(BaseCommand):
    help = "新建用户（写入审计日志）；没有系统管理员时可不带 --user 创建第一个管理员"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", default="", help="acting administrator (username)")
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="", help="display name (姓名)")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", default="", help="department code")
        parser.add_argument("--oversees", default="", help="leader: comma-separated codes")
        parser.add_argument(
            "--bureau", default="", help="bureau code, for a user without a department"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = _common.acting_user(options["user"])
        try:
            user = services.user_create(
                actor=actor,
                username=options["username"],
                display_name=options["name"],
                role=options["role"],
                department=_common.department(options["department"]),
                oversees=_common.departments(options["oversees"]),
                password=_common.read_password(options),
                bureau=_common.bureau(options["bureau"]),
            )
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        except PermissionDenied as exc:
            raise CommandError(f"无权操作：{exc}") from exc
        self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}）")
