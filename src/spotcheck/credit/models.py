"""Risk model versions (Art. 13) and credit records that feed later draws (Art. 19)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotcheck.directory.models import Target


class RiskModel(models.Model):
    """An immutable version of the risk-weight configuration.

    Versions are never edited: a task records the version it drew with, so its 抽查概率 can be
    recomputed and explained years later.
    """

    version = models.PositiveIntegerField(_("版本"), unique=True)
    config = models.JSONField(_("参数"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("风险模型")
        verbose_name_plural = _("风险模型")
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"风险模型 v{self.version}"


class CreditSource(models.TextChoices):
    INSPECTION = "inspection", _("抽查检查结果")
    PENALTY = "penalty", _("行政处罚")
    MANUAL = "manual", _("人工录入")


class CreditRecord(models.Model):
    target = models.ForeignKey(
        Target, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="credit_records"
    )
    source = models.CharField(_("来源"), max_length=20, choices=CreditSource.choices)
    problem_found = models.BooleanField(_("发现问题"), default=False)
    summary = models.CharField(_("内容"), max_length=300)
    occurred_on = models.DateField(_("日期"))
    reference = models.CharField(_("关联记录"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("信用记录")
        verbose_name_plural = _("信用记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["target", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.target_id} {self.summary}"
