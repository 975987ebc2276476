"""The working-day calendar the publication deadlines (Art. 16) are counted on.

chinese-calendar ships the State Council's schedules up to the year it was released; the next
year's schedule is announced around December, so an administrator enters it here until the
library catches up. Overrides also correct the library for any year.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class PublicationKind(models.TextChoices):
    ITEM_LIST = "item_list", _("随机抽查事项清单")
    INSPECTOR_LIST = "inspector_list", _("执法检查人员名录")
    ANNUAL_PLAN = "annual_plan", _("年度抽查工作计划")
    TASK_ANNOUNCEMENT = "task_announcement", _("抽查任务公告")
    INSPECTION_RESULT = "inspection_result", _("抽查检查结果")
    PENALTY_DECISION = "penalty_decision", _("行政处罚决定")
    DRAW_COMMITMENT = "draw_commitment", _("抽取承诺")
    DRAW_PROOF = "draw_proof", _("抽取证明")


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    # Approved, but a restriction delays it (Art. 17): public from ``delayed_until`` on.
    SCHEDULED = "scheduled", _("待发布")
    PUBLISHED = "published", _("已公示")
    # Replaced by a published correction; kept so the public can see what was shown when.
    CORRECTED = "corrected", _("已更正")
    WITHDRAWN = "withdrawn", _("已撤回")


class Publication(models.Model):
    """One version of one public record. Nothing is overwritten: a correction is a new
    version pointing at the one it supersedes, a withdrawal keeps the record with its reason."""

    kind = models.CharField(_("公示类型"), max_length=20, choices=PublicationKind.choices)
    # "谁执法、谁公示": the department that publishes (for a joint task, one per department).
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("公示部门"),
    )
    source_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+"
    )
    source_id = models.CharField(max_length=40)
    title = models.CharField(_("标题"), max_length=300)
    # Built through the redaction rules when drafted; the only data the public ever gets.
    payload = models.JSONField(_("公示内容"), default=dict)
    # Kinds of data masked or left out (never the values), also in the audit event.
    redactions = models.JSONField(_("脱敏记录"), default=list, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    # No database-level foreign key (db_constraint=False) into this table: on PostgreSQL it is
    # partitioned by year of ``created_at`` (disclosure migration 0008, core/partitions.py),
    # and a foreign key into a partitioned table would have to name the partition key. PROTECT
    # still holds in the ORM, and one successor per version is checked under a row lock by
    # ``publication_correct`` (the database's unique index includes ``created_at``).
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("更正的版本"),
    )
    correction_note = models.TextField(_("更正说明"), blank=True)
    # Art. 16 deadline, counted on the working-day calendar from the decision date.
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    due_on = models.DateField(_("公示期限"), null=True, blank=True)
    due_uncertain = models.BooleanField(_("期限所在年份放假安排未知"), default=False)
    # Art. 17 restriction: a trade-secret/privacy mark narrows the scope and/or delays.
    restricted = models.BooleanField(_("涉及商业秘密或个人隐私"), default=False)
    restriction_reason = models.TextField(_("限制公开理由"), blank=True)
    withheld_fields = models.JSONField(_("不予公开的字段"), default=list, blank=True)
    delayed_until = models.DateField(_("暂缓公开至"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The partition key on PostgreSQL (one partition per year): set once, never changed.
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回理由"), blank=True)
    # A draw commitment stays public when its draw is aborted, marked 作废 with why and when:
    # withdrawing it would hide the re-draw, which is exactly what must stay visible.
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=300, blank=True)
    # Denormalised from the stored (redacted) payload when drafted, so that public search
    # never reads JSON and stays indexed (see ``disclosure.search``). Never hand-edited.
    search_text = models.CharField(_("检索文本"), max_length=600, blank=True, editable=False)
    search_credit_code = models.CharField(
        _("检索用信用代码"), max_length=18, blank=True, editable=False
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        indexes = [
            models.Index(fields=["state", "kind"], name="publication_state_kind"),
            models.Index(fields=["source_type", "source_id"], name="publication_source"),
            # Public lists are newest first; kind/department filters narrow the same order.
            models.Index(fields=["published_at", "id"], name="publication_public_order"),
            models.Index(fields=["kind", "published_at", "id"], name="publication_kind_order"),
            models.Index(
                fields=["department", "published_at", "id"], name="publication_dept_order"
            ),
            # (PostgreSQL also has a covering index for visibility, migration 0006.)
            models.Index(
                fields=["search_credit_code"],
                name="publication_credit_code",
                condition=~models.Q(search_credit_code=""),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reviewer=models.F("author")),
                name="publication_reviewer_not_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title} v{self.version}"

    @property
    def public_on(self) -> dt.date | None:
        """The local date the public could first see this version: approval, or the end of
        an Art. 17 delay. None if it was never approved."""
        if self.published_at is None:
            return None
        approved = timezone.localdate(self.published_at)
        if self.delayed_until is not None and self.delayed_until > approved:
            return self.delayed_until
        return approved


class PublicationItemCode(models.Model):
    """A check item a publication concerns, for the public "by item" filter. Filled with the
    search columns; a record whose item list is withheld (Art. 17) gets no rows."""

    # db_constraint=False: publications are partitioned on PostgreSQL (see ``supersedes``);
    # the ORM's CASCADE still deletes a publication's item codes with it.
    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="item_codes", db_constraint=False
    )
    code = models.CharField(_("事项编码"), max_length=40)

    class Meta:
        verbose_name = _("公示涉及的抽查事项")
        verbose_name_plural = _("公示涉及的抽查事项")
        constraints = [
            models.UniqueConstraint(fields=["publication", "code"], name="publication_item_code"),
        ]
        indexes = [models.Index(fields=["code", "publication"], name="publication_item_by_code")]

    def __str__(self) -> str:
        return self.code
