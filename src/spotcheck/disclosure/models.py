"""The working-day calendar the publication deadlines (Art. 16) are counted on.

chinese-calendar ships the State Council's schedules up to the year it was released; the next
year's schedule is announced around December, so an administrator enters it here until the
library catches up. Overrides also correct the library for any year.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日")
    WORKDAY = "workday", _("调休上班日")


class CalendarOverride(models.Model):
    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=OverrideKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历调整")
        verbose_name_plural = _("工作日历调整")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class CalendarYear(models.Model):
    """A year whose whole official schedule an administrator has entered: deadlines that run
    through it are no longer flagged as uncertain."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"), auto_now=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("已录入放假安排的年份")
        verbose_name_plural = _("已录入放假安排的年份")

    def __str__(self) -> str:
        return str(self.year)
