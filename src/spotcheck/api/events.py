"""Audit events of the API app (token lifecycle)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from spotcheck.audit.events import AuditEventData


@dataclass(frozen=True, kw_only=True)
class ApiTokenCreated(AuditEventData):
    event_type: ClassVar[str] = "api.token_created"
    object_type: ClassVar[str] = "api.apitoken"
    prefix: str


@dataclass(frozen=True, kw_only=True)
class ApiTokenRevoked(AuditEventData):
    event_type: ClassVar[str] = "api.token_revoked"
    object_type: ClassVar[str] = "api.apitoken"
    prefix: str
