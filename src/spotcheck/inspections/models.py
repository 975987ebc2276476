"""Inspection results, evidence, follow-up decisions and legal review (Art. 4, 6, 19).

Rows here are the 执法全过程记录 together with the audit log: nothing is deleted, a returned
inspection keeps its review history, and a penalty keeps every legal review it went through.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from spotcheck.accounts.models import Department
from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.draws.models import Draw


class ResultCategory(models.Model):
    """抽查检查结果 categories of the national platform; editable reference data."""

    code = models.SlugField(_("编码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    problem_found = models.BooleanField(_("属于发现问题"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("检查结果类别")
        verbose_name_plural = _("检查结果类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class InspectionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交待审核")
    ACCEPTED = "accepted", _("审核通过")
    RETURNED = "returned", _("退回修改")


class Inspection(models.Model):
    """One visit to one drawn target: a joint task still visits the target only once."""

    draw = models.ForeignKey(
        Draw, verbose_name=_("抽取"), on_delete=models.PROTECT, related_name="inspections"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("检查对象"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    inspectors = models.ManyToManyField(
        Inspector, verbose_name=_("到场检查人员"), blank=True, related_name="inspections_present"
    )
    overall_category = models.ForeignKey(
        ResultCategory,
        verbose_name=_("总体检查结果"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    summary = models.TextField(_("检查情况说明"), blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=InspectionState.choices, default=InspectionState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    history = HistoricalRecords(m2m_fields=[inspectors])

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["draw_id", "target_id"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "target"], name="one_inspection_per_target")
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"第{self.draw_id}号抽取 · {self.target_id}"


class ItemResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.PROTECT, related_name="item_results"
    )
    item = models.ForeignKey(
        CheckItem, verbose_name=_("抽查事项"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        ResultCategory, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="+"
    )
    findings = models.TextField(_("检查发现"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("事项检查结果")
        verbose_name_plural = _("事项检查结果")
        ordering = ["inspection_id", "item__code"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.inspection_id}:{self.item_id}"


class InspectionTransition(models.Model):
    """Submit / accept / return with who and why: the inspection's visible review history."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=10, choices=InspectionState.choices)
    to_state = models.CharField(max_length=10, choices=InspectionState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id}: {self.from_state} → {self.to_state}"


class Evidence(models.Model):
    """A photo or PDF taken during the visit, stored with its SHA-256 (执法全过程记录)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="evidence"
    )
    # The stored name is generated, never the uploader's file name (no path tricks, no clashes).
    file = models.FileField(_("文件"), max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=40)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.sha256[:12]}）"

    @property
    def format_label(self) -> str:
        """The file type in words; the MIME type is a code."""
        return str(EVIDENCE_FORMATS.get(self.content_type, self.content_type))


# The types evidence_add accepts (it sniffs the content), in words.
EVIDENCE_FORMATS = {
    "image/jpeg": _("JPEG 图片"),
    "image/png": _("PNG 图片"),
    "application/pdf": _("PDF 文件"),
}


class FollowUpKind(models.TextChoices):
    RECTIFICATION = "rectification", _("责令改正")
    PENALTY = "penalty", _("行政处罚")
    TRANSFER = "transfer", _("移送")


class FollowUpState(models.TextChoices):
    OPEN = "open", _("整改中")
    VERIFIED = "verified", _("已核查")
    PENDING_LEGAL_REVIEW = "pending_legal_review", _("待法制审核")
    RETURNED = "returned", _("法制审核退回")
    EFFECTIVE = "effective", _("已生效")


class PenaltyKind(models.TextChoices):
    WARNING = "warning", _("警告")
    FINE = "fine", _("罚款")
    CONFISCATION = "confiscation", _("没收违法所得")
    SUSPENSION = "suspension", _("责令停产停业")
    LICENCE = "licence", _("暂扣或吊销许可证")
    OTHER = "other", _("其他")


class TransferTo(models.TextChoices):
    JUDICIAL = "judicial", _("移送司法机关")
    AGENCY = "agency", _("移送其他行政机关")


class FollowUp(models.Model):
    """后续处置 (Art. 6). One table for the three kinds; only the kind's own fields are filled."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查结果"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("处置部门"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("处置类型"), max_length=15, choices=FollowUpKind.choices)
    state = models.CharField(_("状态"), max_length=25, choices=FollowUpState.choices)
    description = models.TextField(_("事实与依据"), blank=True)
    # rectification (责令改正)
    order_text = models.TextField(_("责令改正内容"), blank=True)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verification_note = models.TextField(_("核查情况"), blank=True)
    rectified = models.BooleanField(_("整改到位"), null=True, blank=True)
    # penalty (行政处罚)
    decision_no = models.CharField(_("处罚决定书文号"), max_length=100, blank=True)
    penalty_kind = models.CharField(
        _("处罚种类"), max_length=15, choices=PenaltyKind.choices, blank=True
    )
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    major = models.BooleanField(_("重大执法决定"), default=False)
    effective_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    # transfer (移送)
    transfer_to = models.CharField(
        _("移送去向"), max_length=10, choices=TransferTo.choices, blank=True
    )
    receiving_body = models.CharField(_("接收机关"), max_length=200, blank=True)
    transferred_on = models.DateField(_("移送日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Who last (re)submitted a penalty: the section user answerable for it.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("后续处置")
        verbose_name_plural = _("后续处置")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_no"],
                condition=models.Q(kind="penalty"),
                name="penalty_decision_no_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="follow_up_amount_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["kind", "state"])]

    def __str__(self) -> str:
        if self.kind == FollowUpKind.PENALTY:
            return f"行政处罚 {self.decision_no}"
        return f"{self.get_kind_display()} #{self.pk}"


class LegalReviewDecision(models.TextChoices):
    APPROVED = "approved", _("审核通过")
    RETURNED = "returned", _("退回")


class LegalReview(models.Model):
    """重大执法决定法制审核 (Art. 4): one row per decision of the legal reviewer."""

    follow_up = models.ForeignKey(
        FollowUp, verbose_name=_("处罚决定"), on_delete=models.PROTECT, related_name="legal_reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("法制审核人员"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("审核结论"), max_length=10, choices=LegalReviewDecision.choices)
    comment = models.TextField(_("审核意见"), blank=True)
    decided_at = models.DateTimeField(_("审核时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("法制审核")
        verbose_name_plural = _("法制审核")
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.decision}"
