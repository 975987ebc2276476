"""Annual plans (年度抽查工作计划) and spot-check tasks (实施方案), Art. 8, 9, 12."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from spotcheck.accounts.models import Department
from spotcheck.credit.models import RiskModel
from spotcheck.directory.models import CheckItem


class PlanState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")


class AnnualPlan(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"))
    department = models.ForeignKey(
        Department, verbose_name=_("部门"), on_delete=models.PROTECT, related_name="plans"
    )
    items = models.ManyToManyField(CheckItem, verbose_name=_("抽查事项"), related_name="plans")
    # [{"name": "再生资源回收", "industry": "F5191", "ratio": "0.05", "rounds_per_year": 1}]
    sectors = models.JSONField(_("行业抽查比例与频次"), default=list)
    notes = models.TextField(_("说明"), blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度抽查工作计划")
        verbose_name_plural = _("年度抽查工作计划")
        ordering = ["-year", "department_id"]
        constraints = [
            models.UniqueConstraint(fields=["year", "department"], name="one_plan_per_dept_year")
        ]

    def __str__(self) -> str:
        return _("%(year)s年度 %(department)s 抽查计划") % {
            "year": self.year,
            "department": self.department,
        }


class TaskMode(models.TextChoices):
    DIRECTED = "directed", _("定向抽查")
    UNDIRECTED = "undirected", _("不定向抽查")
    JOINT = "joint", _("跨部门联合抽查")


class TaskState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    COMMITTED = "committed", _("已承诺（待随机数）")
    DRAWN = "drawn", _("已抽取")
    INSPECTING = "inspecting", _("检查中")
    RESULTS_IN = "results_in", _("结果已录入")
    CLOSED = "closed", _("已办结")


class StratifyBy(models.TextChoices):
    NONE = "", _("不分层")
    CREDIT_CLASS = "credit_class", _("信用风险分类")
    INDUSTRY = "industry", _("行业门类")
    REGION = "region", _("所属区域")
    KIND = "kind", _("对象类型")


class SpotCheckTask(models.Model):
    name = models.CharField(_("任务名称"), max_length=200)
    plan = models.ForeignKey(
        AnnualPlan,
        verbose_name=_("年度计划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    lead_department = models.ForeignKey(
        Department, verbose_name=_("牵头部门"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("参与部门"), related_name="tasks"
    )
    mode = models.CharField(_("抽查方式"), max_length=12, choices=TaskMode.choices)
    items = models.ManyToManyField(CheckItem, verbose_name=_("抽查事项"), related_name="tasks")
    # Directed-mode limits on the Art. 8 attributes, as TargetFilter.as_dict() stores them.
    filters = models.JSONField(_("定向条件"), default=dict, blank=True)
    stratify_by = models.CharField(
        _("分层依据"), max_length=20, choices=StratifyBy.choices, blank=True, default=""
    )
    # {stratum: "0.05" (ratio) | 12 (count)}; "*" applies to every stratum not listed.
    sample = models.JSONField(_("抽查比例或数量"), default=dict)
    team_size = models.PositiveSmallIntegerField(_("每组检查人员数"), default=2)
    window_start = models.DateField(_("检查开始日期"))
    window_end = models.DateField(_("检查结束日期"))
    risk_model = models.ForeignKey(
        RiskModel, verbose_name=_("风险模型版本"), on_delete=models.PROTECT, null=True, blank=True
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=TaskState.choices, default=TaskState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[departments, items])

    class Meta:
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务（实施方案）")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team_size__gte=2), name="team_of_at_least_two"
            ),
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="window_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TaskTransition(models.Model):
    """Every state change of a task, with who and why: the task's visible history."""

    task = models.ForeignKey(SpotCheckTask, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=12, choices=TaskState.choices)
    to_state = models.CharField(max_length=12, choices=TaskState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id}: {self.from_state} → {self.to_state}"
