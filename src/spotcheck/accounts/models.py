from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("系统管理员")
    SECTION = "section", _("业务科室人员")
    INSPECTOR = "inspector", _("执法检查人员")
    LEGAL_REVIEWER = "legal_reviewer", _("法制审核人员")
    LEADER = "leader", _("分管领导")
    AUDITOR = "auditor", _("纪检监督")


class Department(models.Model):
    """An internal section of the bureau, or an outside agency taking part in joint tasks."""

    code = models.SlugField(_("部门代码"), max_length=40, unique=True)
    name = models.CharField(_("部门名称"), max_length=100, unique=True)
    is_external = models.BooleanField(
        _("外部机关"), default=False, help_text=_("参与跨部门联合抽查的其他行政机关")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.SECTION)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    # A leader usually oversees several sections; the primary department is always included.
    oversees = models.ManyToManyField(
        Department, verbose_name=_("分管部门"), blank=True, related_name="overseen_by"
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def department_ids(self) -> set[int]:
        """Departments whose records this user acts for (own + overseen)."""
        ids = set(self.oversees.values_list("id", flat=True))
        if self.department_id:
            ids.add(self.department_id)
        return ids
