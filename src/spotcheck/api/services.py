"""Writes of the API app: a user creates and revokes their own token, with an audit event."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from spotcheck.api.events import ApiTokenCreated, ApiTokenRevoked
from spotcheck.api.models import ApiToken
from spotcheck.audit.services import record
from spotcheck.core.errors import NotAllowed


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        ApiTokenRevoked(object_id=str(token.pk), summary="撤销接口令牌", prefix=token.prefix),
        actor=actor,
    )


@transaction.atomic
def token_create(*, actor: Any) -> tuple[ApiToken, str]:
    """Issue a new token for ``actor`` and return it with the raw value (shown only once).

    One active token per user: a new one replaces (revokes) the old, so a user never has to
    hunt for forgotten tokens."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotAllowed("请先登录")
    for old in ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True):
        _revoke(actor=actor, token=old)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=actor, prefix=raw[:8], digest=token_digest(raw))
    record(
        ApiTokenCreated(object_id=str(token.pk), summary="创建接口令牌", prefix=token.prefix),
        actor=actor,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    # Nobody revokes someone else's token here; an administrator deactivates the user instead.
    if token.user_id != getattr(actor, "pk", None):
        raise NotAllowed("只能撤销自己的接口令牌")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        _revoke(actor=actor, token=token)
    return token
