"""Shared by the account commands: optional acting user, department lookups, Chinese errors."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import CommandError

from spotcheck.accounts.models import Bureau, Department, User


def acting_user(username: str | None) -> User | None:
    if not username:
        return None
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist as exc:
        raise CommandError(f"用户 {username} 不存在或已停用") from exc


def department(code: str) -> Department | None:
    if not code:
        return None
    try:
        return Department.objects.get(code=code)
    except Department.DoesNotExist as exc:
        raise CommandError(f"找不到部门代码 {code}") from exc


def bureau(code: str) -> Bureau | None:
    if not code:
        return None
    try:
        return Bureau.objects.get(code=code)
    except Bureau.DoesNotExist as exc:
        raise CommandError(f"找不到机关代码 {code}") from exc


def departments(codes: str) -> list[Department]:
    found = [department(c.strip()) for c in codes.split(",") if c.strip()]
    return [d for d in found if d is not None]


def read_password(options: dict[str, Any]) -> str:
    """Prompted for, never an argument: a password on the command line would end up in the
    shell history and the process list."""
    first = getpass.getpass("密码：")
    second = getpass.getpass("再次输入密码：")
    if first != second:
        raise CommandError("两次输入的密码不一致")
    return first
