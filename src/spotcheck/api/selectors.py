from __future__ import annotations

from typing import Any

from spotcheck.api.models import ApiToken


def active_token(*, user: Any) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).first()
