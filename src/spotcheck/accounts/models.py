from __future__ import annotations

from typing import Any

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


class BureauLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    DISTRICT = "district", _("县（区）级")


HOME_BUREAU_CODE = "home"


class Bureau(models.Model):
    """A regulator in the organisation tree (province → city → district bureau).

    One deployment serves a whole province: each bureau's staff see their own bureau and the
    bureaus below it. ``path`` ("/<root pk>/<child pk>/…/") makes "this bureau and everything
    under it" one indexed prefix match instead of a recursive query.
    """

    code = models.SlugField(_("机关代码"), max_length=40, unique=True)
    name = models.CharField(_("机关名称"), max_length=100, unique=True)
    level = models.CharField(
        _("层级"), max_length=10, choices=BureauLevel.choices, default=BureauLevel.DISTRICT
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级机关"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("监管机关")
        verbose_name_plural = _("监管机关")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keeps ``path`` (and the paths of everything below) in step with ``parent``."""
        old = self.path
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        if self.pk and old and parent_path.startswith(old):
            raise ValueError("a bureau cannot be placed under itself or its own subordinate")
        super().save(*args, **kwargs)
        from django.core.cache import cache

        cache.delete_many([SEVERAL_BUREAUS_KEY, BUREAU_NAMES_KEY])
        new = f"{parent_path}{self.pk}/"
        if new == old:
            return
        Bureau.objects.filter(pk=self.pk).update(path=new)
        self.path = new
        if old:
            for pk, path in (
                Bureau.objects.filter(path__startswith=old)
                .exclude(pk=self.pk)
                .values_list("pk", "path")
            ):
                Bureau.objects.filter(pk=pk).update(path=new + path[len(old) :])

    def depth(self) -> int:
        return self.path.count("/") - 2

    def subtree_ids(self) -> list[int]:
        return list(Bureau.objects.filter(path__startswith=self.path).values_list("pk", flat=True))


SEVERAL_BUREAUS_KEY = "accounts:several-bureaus"
BUREAU_NAMES_KEY = "accounts:bureau-names"


def several_bureaus() -> bool:
    """More than one bureau: names of departments need their bureau to be unambiguous.
    Cached (a page may ask for every row); ``Bureau.save`` forgets the answer."""
    from django.core.cache import cache

    found = cache.get(SEVERAL_BUREAUS_KEY)
    if found is None:
        found = Bureau.objects.all()[1:2].exists()
        cache.set(SEVERAL_BUREAUS_KEY, found, 300)
    return bool(found)


def bureau_names() -> dict[int, str]:
    """Every bureau's name by id, cached like ``several_bureaus``: lists of departments name
    their bureaus without a query per row."""
    from django.core.cache import cache

    names = cache.get(BUREAU_NAMES_KEY)
    if names is None:
        names = dict(Bureau.objects.values_list("pk", "name"))
        cache.set(BUREAU_NAMES_KEY, names, 300)
    return dict(names)


def home_bureau_id() -> int:
    """The bureau a department belongs to when none is named: the first root of the tree
    (in a single-bureau deployment, the only bureau). Created on first need, so a fresh
    database and the test suite never lack one."""
    root = Bureau.objects.filter(parent=None).order_by("pk").first()
    if root is None:
        root = Bureau.objects.create(code=HOME_BUREAU_CODE, name="本局")
    return root.pk


class Department(models.Model):
    """An internal section of a bureau, or an outside agency taking part in joint tasks."""

    code = models.SlugField(_("部门代码"), max_length=40, unique=True)
    # Unique within its bureau: every district has its 市场建设科.
    name = models.CharField(_("部门名称"), max_length=100)
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("所属机关"),
        on_delete=models.PROTECT,
        default=home_bureau_id,
        related_name="departments",
    )
    is_external = models.BooleanField(
        _("外部机关"), default=False, help_text=_("参与跨部门联合抽查的其他行政机关")
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "name"], name="department_name_per_bureau")
        ]

    def __str__(self) -> str:
        # Once there are several bureaus every district has its 市场建设科: say whose.
        if several_bureaus():
            bureau = bureau_names().get(self.bureau_id or 0)
            if bureau:
                return f"{self.name}（{bureau}）"
        return self.name

    def qualified_name(self) -> str:
        """ "金凤区商务局 市场建设科" once there are several bureaus, else just the name."""
        return f"{self.bureau.name} {self.name}" if several_bureaus() else self.name


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
    # For users without a department (administrator, auditor, legal reviewer): the bureau they
    # serve. Empty means the whole deployment; a department's members serve its bureau.
    bureau = models.ForeignKey(
        Bureau,
        verbose_name=_("所属机关"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("无所属部门的用户（管理员、纪检、法制审核）服务的机关；空表示全部机关"),
    )

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
