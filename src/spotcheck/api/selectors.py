from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from spotcheck.api.models import ApiToken


def active_token(*, user: Any) -> ApiToken | None:
    """The user's unrevoked token (possibly expired: the page says so)."""
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).first()


def usable_tokens(*, user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
