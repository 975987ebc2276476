"""一单两库: the item list, the target directory and the inspector directory (Art. 7)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from spotcheck.accounts.models import Department


class TargetKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    INDIVIDUAL = "individual", _("个体工商户")
    COOPERATIVE = "cooperative", _("农民专业合作社")
    PROJECT = "project", _("投资项目")
    OTHER = "other", _("其他")


class ItemCategory(models.TextChoices):
    GENERAL = "general", _("一般检查事项")
    KEY = "key", _("重点检查事项")


class CheckItem(models.Model):
    code = models.CharField(_("事项编码"), max_length=40, unique=True)
    name = models.CharField(_("抽查事项名称"), max_length=200)
    legal_basis = models.TextField(_("抽查依据"))
    department = models.ForeignKey(
        Department, verbose_name=_("检查主体"), on_delete=models.PROTECT, related_name="items"
    )
    content = models.TextField(_("检查内容"))
    disclosure_channel = models.CharField(_("公开途径"), max_length=200)
    target_kinds = models.JSONField(_("适用对象类型"), default=list, blank=True)
    category = models.CharField(
        _("事项类别"), max_length=10, choices=ItemCategory.choices, default=ItemCategory.GENERAL
    )
    active = models.BooleanField(_("有效"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("抽查事项")
        verbose_name_plural = _("随机抽查事项清单")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def target_kind_labels(self) -> list[str]:
        labels = dict(TargetKind.choices)
        return [str(labels.get(k, k)) for k in self.target_kinds]


class CreditClass(models.TextChoices):
    A = "A", _("A类（低风险）")
    B = "B", _("B类（一般风险）")
    C = "C", _("C类（较高风险）")
    D = "D", _("D类（高风险）")


class SupervisionGrade(models.IntegerChoices):
    LOW = 1, _("一级（低）")
    NORMAL = 2, _("二级（一般）")
    ELEVATED = 3, _("三级（较高）")
    HIGH = 4, _("四级（高）")


class Scale(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Affiliation(models.TextChoices):
    CENTRAL = "central", _("中央")
    REGION = "region", _("自治区")
    CITY = "city", _("市属")
    DISTRICT = "district", _("区属")
    OTHER = "other", _("其他")


class ProjectProgress(models.TextChoices):
    NONE = "", _("不适用")
    PREPARING = "preparing", _("前期")
    BUILDING = "building", _("在建")
    COMPLETED = "completed", _("竣工")
    OPERATING = "operating", _("投产运营")


class TargetStatus(models.TextChoices):
    ACTIVE = "active", _("存续")
    DEREGISTERED = "deregistered", _("注销")
    REVOKED = "revoked", _("吊销")
    CANCELLED = "cancelled", _("撤销")
    MOVED = "moved", _("迁出")


class Supervision(models.Model):
    """One department's supervision of a target, with that department's own attributes.

    The register is shared by every bureau, but the grade a department gives an entity and
    whether it counts it in a key industry are that department's judgement: null means "the
    entity's value applies". It is the ``through`` table of ``Target.departments`` (the old
    auto-created table, kept by name), so every ``departments.add()/set()`` still works and the
    target's history snapshots these columns along with the links."""

    target = models.ForeignKey("Target", on_delete=models.CASCADE, related_name="supervisions")
    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="supervisions"
    )
    supervision_grade = models.PositiveSmallIntegerField(
        _("本部门监管等级"), choices=SupervisionGrade.choices, null=True, blank=True
    )
    key_industry = models.BooleanField(_("本部门重点行业"), null=True, blank=True)

    class Meta:
        verbose_name = _("部门监管属性")
        verbose_name_plural = _("部门监管属性")
        db_table = "directory_target_departments"
        # unique_together, not a UniqueConstraint: it is the constraint Django created for the
        # auto-created table, under the name it derives, so the switch needs no DDL.
        unique_together = [("target", "department")]
        indexes = [
            # The few links that carry a department's own 重点行业 flag, for the register's
            # flag filter (selectors.effective_key_industry), which reads them by department.
            models.Index(
                fields=["department", "target"],
                condition=models.Q(key_industry__isnull=False),
                name="supervision_own_key_industry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department} — {self.target}"

    @property
    def effective_grade(self) -> int:
        if self.supervision_grade is None:
            return int(self.target.supervision_grade)
        return int(self.supervision_grade)

    @property
    def effective_key_industry(self) -> bool:
        if self.key_industry is None:
            return bool(self.target.key_industry)
        return bool(self.key_industry)


class Target(models.Model):
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    code_warning_confirmed = models.BooleanField(
        _("校验位异常已确认"),
        default=False,
        help_text=_("代码校验位不符但经人工核实为真实代码"),
    )
    name = models.CharField(_("名称"), max_length=200, db_index=True)
    kind = models.CharField(_("对象类型"), max_length=20, choices=TargetKind.choices)
    legal_representative = models.CharField(_("法定代表人/负责人"), max_length=50, blank=True)
    address = models.CharField(_("住所/经营场所"), max_length=300, blank=True)
    industry_code = models.CharField(_("行业代码"), max_length=10, blank=True, db_index=True)
    industry_name = models.CharField(_("行业名称"), max_length=100, blank=True)
    region = models.CharField(_("所属区域"), max_length=50, blank=True, db_index=True)
    affiliation = models.CharField(
        _("隶属关系"), max_length=20, choices=Affiliation.choices, default=Affiliation.DISTRICT
    )
    scale = models.CharField(_("生产经营规模"), max_length=20, choices=Scale.choices, blank=True)
    project_progress = models.CharField(
        _("项目进展"), max_length=20, choices=ProjectProgress.choices, blank=True, default=""
    )
    credit_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=CreditClass.choices, default=CreditClass.B
    )
    supervision_grade = models.PositiveSmallIntegerField(
        _("内部监管等级"), choices=SupervisionGrade.choices, default=SupervisionGrade.NORMAL
    )
    key_industry = models.BooleanField(_("重点行业"), default=False)
    complaint_count = models.PositiveIntegerField(_("投诉举报次数"), default=0)
    blacklisted = models.BooleanField(_("列入黑名单"), default=False)
    abnormal_list = models.BooleanField(_("列入经营异常名录"), default=False)
    serious_violation = models.BooleanField(_("严重违法失信"), default=False)
    status = models.CharField(
        _("登记状态"), max_length=20, choices=TargetStatus.choices, default=TargetStatus.ACTIVE
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("监管部门"), related_name="targets", through=Supervision
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象名录库")
        ordering = ["credit_code"]
        indexes = [
            models.Index(fields=["credit_class"]),
            models.Index(fields=["status"]),
            models.Index(fields=["kind"]),
            # The list's flag filters (few targets carry each flag): the page walks these in
            # list order and stops, where a scan of the whole table took ~180 ms at 10^6.
            *(
                models.Index(
                    fields=["credit_code"],
                    condition=models.Q(**{flag: True}),
                    name=f"target_{flag}",
                )
                for flag in ("key_industry", "blacklisted", "abnormal_list", "serious_violation")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.credit_code}）"


class InspectorStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    LEAVE = "leave", _("休假/借调")
    LEFT = "left", _("离岗")


class Inspector(models.Model):
    cert_no = models.CharField(_("执法证号"), max_length=40, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="inspectors"
    )
    employee_no = models.CharField(_("工号"), max_length=30, blank=True)
    cert_valid_from = models.DateField(_("执法证有效期起"))
    cert_valid_to = models.DateField(_("执法证有效期止"))
    expertise_industries = models.CharField(
        _("专长行业代码"), max_length=200, blank=True, help_text=_("多个以逗号分隔，如 F52,O80")
    )
    expertise_items = models.ManyToManyField(
        CheckItem, verbose_name=_("专长事项"), blank=True, related_name="experts"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=InspectorStatus.choices, default=InspectorStatus.ACTIVE
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspector",
    )
    history = HistoricalRecords(m2m_fields=[expertise_items])

    class Meta:
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员名录库")
        ordering = ["department_id", "cert_no"]

    def __str__(self) -> str:
        return f"{self.name}（{self.cert_no}）"

    def qualified_on(self, day: dt.date) -> bool:
        """Art. 3: active and holding a certificate valid on ``day``."""
        return (
            self.status == InspectorStatus.ACTIVE
            and self.cert_valid_from <= day <= self.cert_valid_to
        )


class ConflictRelation(models.TextChoices):
    KIN = "kin", _("近亲属关系")
    FORMER_EMPLOYMENT = "former_employment", _("曾任职")
    SHAREHOLDING = "shareholding", _("持股/投资")
    OTHER = "other", _("其他利害关系")


class ConflictDeclaration(models.Model):
    inspector = models.ForeignKey(
        Inspector, verbose_name=_("检查人员"), on_delete=models.PROTECT, related_name="conflicts"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="conflicts"
    )
    relation = models.CharField(_("利害关系"), max_length=20, choices=ConflictRelation.choices)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申报人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("利害关系申报")
        verbose_name_plural = _("利害关系申报")
        ordering = ["-declared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspector", "target"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="one_open_conflict_per_pair",
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.target}"
