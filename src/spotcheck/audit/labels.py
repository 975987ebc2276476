"""Words for the codes an audit event carries: its type and the kind of object it is about."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy

# Readable names for the event types known today; an unknown type is shown by its code, so a new
# event kind never disappears from the page just because nobody named it here yet.
EVENT_LABELS = {
    "directory.created": gettext_lazy("新增名录记录"),
    "directory.changed": gettext_lazy("修改名录记录"),
    "directory.supervision_changed": gettext_lazy("修改部门监管属性"),
    "directory.import_committed": gettext_lazy("批量导入"),
    "directory.exported": gettext_lazy("导出"),
    "directory.conflict_declared": gettext_lazy("申报利害关系"),
    "directory.conflict_withdrawn": gettext_lazy("撤回利害关系申报"),
    "planning.plan_saved": gettext_lazy("保存年度计划"),
    "planning.plan_approved": gettext_lazy("批准年度计划"),
    "planning.task_created": gettext_lazy("创建抽查任务"),
    "planning.task_state_changed": gettext_lazy("抽查任务状态变更"),
    "draws.committed": gettext_lazy("抽取承诺"),
    "draws.executed": gettext_lazy("执行抽取"),
    "draws.execution_failed": gettext_lazy("录入随机数后抽取失败"),
    "draws.aborted": gettext_lazy("抽取作废"),
    "draws.abort_requested": gettext_lazy("申请作废抽取"),
    "draws.abort_rejected": gettext_lazy("驳回作废抽取申请"),
    "disclosure.publication_voided": gettext_lazy("公示标记作废"),
    "disclosure.publication_drafted": gettext_lazy("起草公示"),
    "disclosure.publication_transition": gettext_lazy("公示状态变更"),
    "disclosure.calendar_override_set": gettext_lazy("设置工作日历例外"),
    "disclosure.calendar_override_removed": gettext_lazy("删除工作日历例外"),
    "disclosure.calendar_year_imported": gettext_lazy("导入全年节假日安排"),
    "inspections.result_category_saved": gettext_lazy("保存检查结果类别"),
    "draws.recusal": gettext_lazy("回避"),
    "draws.advance_notice": gettext_lazy("提前告知"),
    "draws.confidential_access": gettext_lazy("查看保密名单"),
    "draws.cap_override_requested": gettext_lazy("申请超出年度检查次数"),
    "draws.cap_override_approved": gettext_lazy("批准超出年度检查次数"),
    "inspections.saved": gettext_lazy("保存检查结果"),
    "inspections.submitted": gettext_lazy("提交检查结果"),
    "inspections.reviewed": gettext_lazy("审核检查结果"),
    "inspections.legal_review": gettext_lazy("法制审核"),
    "inspections.evidence_added": gettext_lazy("添加证据"),
    "inspections.follow_up_added": gettext_lazy("新增后续处置"),
    "inspections.follow_up_changed": gettext_lazy("修改后续处置"),
    "inspections.document_generated": gettext_lazy("生成文书"),
    "credit.record_added": gettext_lazy("新增信用记录"),
    "credit.risk_model_created": gettext_lazy("新建风险模型"),
    "audit.signing_key_registered": gettext_lazy("登记审计签名公钥"),
    "system.demo_loaded": gettext_lazy("载入演示数据"),
    "accounts.user_created": gettext_lazy("新建用户"),
    "accounts.user_changed": gettext_lazy("修改用户（角色、部门、机关、分管、启用）"),
    "accounts.password_reset": gettext_lazy("重置用户密码"),
    "accounts.department_created": gettext_lazy("新建部门"),
    "accounts.department_changed": gettext_lazy("修改部门"),
    "accounts.bureau_created": gettext_lazy("新建机关"),
    "accounts.bureau_changed": gettext_lazy("修改机关"),
    "api.token_created": gettext_lazy("创建接口令牌"),
    "api.token_revoked": gettext_lazy("撤销接口令牌"),
}


def event_label(event_type: str) -> str:
    """The event type in words; its code is in the event's details (and a test checks that
    every event kind the code can write has a label here)."""
    return str(EVENT_LABELS.get(event_type, event_type))


def object_label(object_type: str) -> str:
    """ "disclosure.Publication" or a bare model name ("Target") → the model's verbose name."""
    try:
        if "." in object_type:
            model = apps.get_model(object_type)
        else:
            model = next(m for m in apps.get_models() if m.__name__ == object_type)
    except (LookupError, ValueError, StopIteration):
        return object_type
    return str(model._meta.verbose_name)
