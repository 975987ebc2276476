"""Audit events of user and department management (who may do what is history too)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from spotcheck.audit.events import AuditEventData


@dataclass(frozen=True, kw_only=True)
class UserCreated(AuditEventData):
    event_type: ClassVar[str] = "accounts.user_created"
    object_type: ClassVar[str] = "accounts.user"
    username: str
    role: str
    department: str
    oversees: list[str] = field(default_factory=list)
    bureau: str = ""


@dataclass(frozen=True, kw_only=True)
class UserChanged(AuditEventData):
    """Role, department, leader scope, name or active flag changed: field → [old, new]."""

    event_type: ClassVar[str] = "accounts.user_changed"
    object_type: ClassVar[str] = "accounts.user"
    username: str
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class PasswordReset(AuditEventData):
    """The administrator set a new password (the password itself is never recorded)."""

    event_type: ClassVar[str] = "accounts.password_reset"
    object_type: ClassVar[str] = "accounts.user"
    username: str


@dataclass(frozen=True, kw_only=True)
class DepartmentCreated(AuditEventData):
    event_type: ClassVar[str] = "accounts.department_created"
    object_type: ClassVar[str] = "accounts.department"
    code: str
    name: str
    is_external: bool
    bureau: str = ""


@dataclass(frozen=True, kw_only=True)
class DepartmentChanged(AuditEventData):
    event_type: ClassVar[str] = "accounts.department_changed"
    object_type: ClassVar[str] = "accounts.department"
    code: str
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class BureauCreated(AuditEventData):
    event_type: ClassVar[str] = "accounts.bureau_created"
    object_type: ClassVar[str] = "accounts.bureau"
    code: str
    name: str
    level: str
    parent: str = ""


@dataclass(frozen=True, kw_only=True)
class BureauChanged(AuditEventData):
    """Renamed, level changed or moved in the tree (which changes who oversees whom)."""

    event_type: ClassVar[str] = "accounts.bureau_changed"
    object_type: ClassVar[str] = "accounts.bureau"
    code: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
