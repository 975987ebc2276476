from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One hash-chained entry of the 执法全过程记录.

    ``hash`` covers every other column plus the previous event's hash, so editing, deleting or
    reordering rows breaks the chain; ``ChainHead`` pins the tail so truncation is caught too.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    at = models.DateTimeField(_("时间"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    event_type = models.CharField(_("事件类型"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True, db_index=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    payload = models.JSONField(_("内容"), default=dict)
    algorithm = models.CharField(_("算法"), max_length=10)
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    hash = models.CharField(_("哈希"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计日志")
        ordering = ["-seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event_type}"


class ChainHead(models.Model):
    """Single row holding the chain tail; locking it serialises concurrent writers."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("链头")

    def __str__(self) -> str:
        return f"head #{self.seq}"
