from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 digest is stored: a leaked database (or backup)
    does not leak usable credentials, and the raw token is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    prefix = models.CharField(_("令牌前缀"), max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # A token stops working on this date (settings.API_TOKEN_DAYS after creation) ...
    expires_at = models.DateTimeField(_("到期时间"))
    # ... and as soon as its user's role is no longer the one it was issued under (the
    # services also revoke it then; this catches any other path that changes the role).
    issued_role = models.CharField(_("签发时角色"), max_length=20)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and timezone.now() < self.expires_at

    @property
    def expired(self) -> bool:
        return timezone.now() >= self.expires_at
