"""``Authorization: Token <key>`` against hashed, revocable tokens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from spotcheck.api.models import ApiToken
from spotcheck.api.services import token_digest

# Writing last_used_at on every request would turn each read into a write; once a minute is
# enough to tell a user whether a token is still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


def _locked_out(user: Any, request: Request) -> bool:
    """django-axes' own verdict for this account from this client, with the lock-out
    parameters the login uses (AXES_LOCKOUT_PARAMETERS): a client locked out of the login
    page cannot use the account's token either."""
    if not settings.AXES_ENABLED:
        return False
    return bool(AxesProxyHandler.is_locked(request._request, {"username": user.get_username()}))


def refuse_token(token: ApiToken, request: Request) -> str:
    """Why ``token`` may not be used now (a Chinese message), or "" if it may."""
    user = token.user
    if timezone.now() >= token.expires_at:
        return gettext("令牌已过期，请在“接口令牌”页面重新生成")
    if not user.is_active:
        return gettext("账户已停用，令牌失效")
    if token.issued_role != user.role:
        return gettext("账户角色已变更，令牌失效，请重新生成")
    if _locked_out(user, request):
        return gettext("账户因多次登录失败已被暂时锁定，令牌暂不可用")
    return ""


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].decode(errors="replace").lower() not in {"token", "bearer"}:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(gettext("Authorization 头格式应为：Token <令牌>"))
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(gettext("令牌无效")) from None
        token = (
            ApiToken.objects.select_related("user")
            .filter(digest=token_digest(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed(gettext("令牌无效或已撤销"))
        refusal = refuse_token(token, request)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (not 403) to a request without credentials.
        return self.keyword
