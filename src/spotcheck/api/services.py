"""Writes of the API app: a user creates and revokes their own token, with an audit event.

A token lasts ``settings.API_TOKEN_DAYS`` and is bound to the role its user had when it was
issued. The account services revoke every token of a user whose role, department or leader
scope changes, who is deactivated or whose password the administrator resets
(:func:`revoke_all_for_user`); the authentication refuses expired tokens, tokens of
inactive, locked-out or role-changed users on top of that.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.api.events import ApiTokenCreated, ApiTokenRevoked
from spotcheck.api.models import ApiToken
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.API_TOKEN_DAYS)


def _revoke(*, actor: Any, token: ApiToken, why: str = "") -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    summary = f"撤销接口令牌（{why}）" if why else "撤销接口令牌"
    record(
        ApiTokenRevoked(object_id=str(token.pk), summary=summary, prefix=token.prefix),
        actor=actor,
    )


@transaction.atomic
def token_create(*, actor: Any) -> tuple[ApiToken, str]:
    """Issue a new token for ``actor`` and return it with the raw value (shown only once).

    One active token per user: a new one replaces (revokes) the old, so a user never has to
    hunt for forgotten tokens."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise NotAllowed(gettext("请先登录"))
    for old in ApiToken.objects.select_for_update().filter(user=actor, revoked_at__isnull=True):
        _revoke(actor=actor, token=old)
    raw = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=actor,
        prefix=raw[:8],
        digest=token_digest(raw),
        expires_at=timezone.now() + token_lifetime(),
        issued_role=str(actor.role),
    )
    record(
        ApiTokenCreated(object_id=str(token.pk), summary="创建接口令牌", prefix=token.prefix),
        actor=actor,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """A user revokes their own token; the administrator may revoke anyone's (user management)."""
    if token.user_id != getattr(actor, "pk", None) and not access.can_manage_users(actor):
        raise NotAllowed(gettext("只能撤销自己的接口令牌"))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        why = "" if token.user_id == actor.pk else "系统管理员撤销"
        _revoke(actor=actor, token=token, why=why)
    return token


def revoke_all_for_user(*, actor: Any, user: Any, why: str) -> int:
    """Revoke every unrevoked token of ``user``; runs inside the caller's transaction (the
    account services call it when a user's rights change)."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        _revoke(actor=actor, token=token, why=why)
    return len(tokens)
