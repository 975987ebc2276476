"""Who gets what: every page of the core, directory, audit, planning and draws namespaces ×
every persona (and, for the confidential draw pages, before and after the window opens).

The expected statuses are written out by hand on purpose. They are NOT derived from
spotcheck.core.access, so a change to an access rule (or a view that forgets to ask it) shows up
here as a diff in one readable table, and has to be agreed by editing this table.

Columns: anonymous, admin, section, other_section, inspector, legal_reviewer, leader, auditor.
``section`` belongs to the department that owns the sample records; ``other_section`` belongs to
another department; the ``inspector`` persona is linked to the sample inspector record.
Anonymous visitors are always sent to the login page (302), except for the health check and the
API (401 on data endpoints; the schema and its docs page are public).
POSTs carry no data: an allowed user gets the form back (200), or a redirect after an action.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from spotcheck.directory import services
from spotcheck.jobs.models import Job
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory

NAMESPACES = (
    "core",
    "accounts",
    "directory",
    "audit",
    "planning",
    "draws",
    "inspections",
    "jobs",
    "reports",
    "credit",
    "disclosure",
    "api",
    "portal",
    "opendata",
)
COLUMNS = (
    "anonymous",
    "admin",
    "section",
    "other_section",
    "inspector",
    "legal_reviewer",
    "leader",
    "auditor",
)


@dataclass
class Samples:
    item: Any
    target: Any
    inspector: Any
    conflict: Any
    job: Any
    export_job: Any = None
    personas: Any = None
    _cache: dict[str, Any] = field(default_factory=dict)

    def inspections(self, *, window_open: bool = True) -> Any:
        """Results on the window-open draw (or just the team link before the window)."""
        key = f"inspections-{window_open}"
        if key not in self._cache:
            self._cache[key] = _build_inspections(self, window_open=window_open)
        return self._cache[key]

    def workflow(self, *, window_open: bool = False) -> Any:
        """A plan, and an executed draw of a task of ``section``'s department (built lazily:
        only the planning/draws rows need it). The window opens in 10 days unless
        ``window_open``: the sensitive state is before the inspection (Art. 18)."""
        key = f"draw-{window_open}"
        if key not in self._cache:
            self._cache[key] = _build_workflow(self, window_open=window_open)
        return self._cache[key]


# (url name, method): expected status per column, in COLUMNS order.
#                                          anon adm  sec  oth  insp legal lead aud
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("core:home", "GET"):                  (302, 200, 200, 200, 200, 200, 200, 200),
    ("core:healthz", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    ("core:readyz", "GET"):                (200, 200, 200, 200, 200, 200, 200, 200),
    ("core:favicon", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    # Login and logout; 用户与部门管理: the system administrator alone (issue 13)
    ("accounts:login", "GET"):             (200, 200, 200, 200, 200, 200, 200, 200),
    ("accounts:logout", "POST"):           (302, 302, 302, 302, 302, 302, 302, 302),
    ("accounts:user_list", "GET"):         (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_create", "GET"):       (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_create", "POST"):      (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_edit", "GET"):         (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_edit", "POST"):        (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_password", "GET"):     (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_password", "POST"):    (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:user_token_revoke", "GET"): (302, 405, 405, 405, 405, 405, 405, 405),
    ("accounts:user_token_revoke", "POST"):(302, 302, 403, 403, 403, 403, 403, 403),
    ("accounts:department_list", "GET"):   (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:department_list", "POST"):  (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:department_edit", "GET"):   (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:department_edit", "POST"):  (302, 200, 403, 403, 403, 403, 403, 403),
    # The organisation tree: an administrator of the whole deployment only
    ("accounts:bureau_list", "GET"):       (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:bureau_list", "POST"):      (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:bureau_edit", "GET"):       (302, 200, 403, 403, 403, 403, 403, 403),
    ("accounts:bureau_edit", "POST"):      (302, 200, 403, 403, 403, 403, 403, 403),
    # 随机抽查事项清单: public list, readable by every role incl. inspectors
    ("directory:item_list", "GET"):        (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:item_detail", "GET"):      (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:item_create", "GET"):      (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:item_create", "POST"):     (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:item_edit", "GET"):        (302, 403, 200, 403, 403, 403, 403, 403),
    ("directory:item_edit", "POST"):       (302, 403, 200, 403, 403, 403, 403, 403),
    # 检查对象名录库: not for inspectors (Art. 18 confidentiality of who gets checked)
    ("directory:target_list", "GET"):      (302, 200, 200, 200, 403, 200, 200, 200),
    ("directory:target_detail", "GET"):    (302, 200, 200, 200, 403, 200, 200, 200),
    ("directory:target_create", "GET"):    (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:target_create", "POST"):   (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:target_edit", "GET"):      (302, 403, 200, 403, 403, 403, 403, 403),
    ("directory:target_edit", "POST"):     (302, 403, 200, 403, 403, 403, 403, 403),
    # 纳入本部门监管 (shared register); an empty code is refused back to the list
    ("directory:target_join", "GET"):      (302, 405, 405, 405, 405, 405, 405, 405),
    ("directory:target_join", "POST"):     (302, 403, 302, 302, 403, 403, 403, 403),
    # 本部门监管属性: the department's clerks and leaders, an administrator of its bureaus
    ("directory:supervision_set", "GET"):  (302, 405, 405, 405, 405, 405, 405, 405),
    ("directory:supervision_set", "POST"): (302, 302, 302, 403, 403, 403, 302, 403),
    # 执法检查人员名录库: public list
    ("directory:inspector_list", "GET"):   (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:inspector_detail", "GET"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:inspector_create", "GET"): (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:inspector_create", "POST"):(302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:inspector_edit", "GET"):   (302, 403, 200, 403, 403, 403, 403, 403),
    ("directory:inspector_edit", "POST"):  (302, 403, 200, 403, 403, 403, 403, 403),
    # 利害关系申报: inspectors declare their own, sections for their department's inspectors
    ("directory:conflict_list", "GET"):    (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:conflict_create", "GET"):  (302, 403, 200, 200, 200, 403, 403, 403),
    ("directory:conflict_create", "POST"): (302, 403, 200, 200, 200, 403, 403, 403),
    ("directory:conflict_withdraw", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("directory:conflict_withdraw", "POST"):(302, 403, 302, 403, 302, 403, 403, 403),
    # Import (sections only, into their own department) and export (oversight roles, sections)
    ("directory:import_start", "GET"):     (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:import_start", "POST"):    (302, 403, 400, 400, 403, 403, 403, 403),
    ("directory:import_preview", "GET"):   (302, 403, 200, 404, 403, 403, 403, 403),
    ("directory:import_commit", "POST"):   (302, 403, 302, 404, 403, 403, 403, 403),
    ("directory:import_template", "GET"):  (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:export", "GET"):           (302, 200, 200, 200, 403, 403, 200, 200),
    # A background export's progress/download page: only its owner (the section user)
    ("directory:export_download", "GET"):  (302, 404, 200, 404, 403, 403, 404, 404),
    # Job progress partials: only the job's owner
    ("jobs:job_status", "GET"):            (302, 404, 200, 404, 404, 404, 404, 404),
    # 工作概览 and task reports: sections, leaders and oversight roles of the departments
    ("reports:dashboard", "GET"):          (302, 200, 200, 200, 403, 403, 200, 200),
    ("reports:annual", "GET"):             (302, 200, 200, 200, 403, 403, 200, 200),
    ("reports:task_report", "GET"):        (302, 200, 200, 403, 403, 403, 200, 200),
    # 风险模型: read by planners and oversight; only the administrator publishes versions
    ("credit:risk_model", "GET"):          (302, 200, 200, 200, 403, 403, 200, 200),
    ("credit:risk_model", "POST"):         (302, 200, 403, 403, 403, 403, 403, 403),
    # 工作日历: the auditor reads how deadlines are counted; only the administrator maintains it
    ("disclosure:calendar", "GET"):        (302, 200, 403, 403, 403, 403, 403, 200),
    ("disclosure:calendar", "POST"):       (302, 200, 403, 403, 403, 403, 403, 403),
    # 公示管理 (staff side): the department's sections and leaders, the auditor reads. The sample
    # is the department's item list, drafted by ``section`` and already published.
    ("disclosure:publication_list", "GET"):(302, 403, 200, 200, 403, 403, 200, 200),
    ("disclosure:publication_detail", "GET"):(302, 403, 200, 403, 403, 403, 200, 200),
    ("disclosure:publication_new", "GET"): (302, 403, 200, 403, 403, 403, 403, 403),
    ("disclosure:publication_new", "POST"):(302, 403, 302, 403, 403, 403, 403, 403),
    ("disclosure:publication_submit", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("disclosure:publication_submit", "POST"):(302, 403, 302, 403, 403, 403, 403, 403),
    # The author (section) may not review its own publication (Art. 14)
    ("disclosure:publication_review", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("disclosure:publication_review", "POST"):(302, 403, 403, 403, 403, 403, 200, 403),
    ("disclosure:publication_correct", "GET"):(302, 403, 200, 403, 403, 403, 403, 403),
    ("disclosure:publication_correct", "POST"):(302, 403, 200, 403, 403, 403, 403, 403),
    ("disclosure:publication_withdraw", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("disclosure:publication_withdraw", "POST"):(302, 403, 200, 403, 403, 403, 200, 403),
    # REST API: anonymous callers get 401 (no login redirect); same rules as the pages above.
    ("api:schema", "GET"):                 (200, 200, 200, 200, 200, 200, 200, 200),
    ("api:docs", "GET"):                   (200, 200, 200, 200, 200, 200, 200, 200),
    ("api:token", "GET"):                  (302, 200, 200, 200, 200, 200, 200, 200),
    ("api:token", "POST"):                 (302, 302, 302, 302, 302, 302, 302, 302),
    ("api:item-list", "GET"):              (401, 200, 200, 200, 200, 200, 200, 200),
    ("api:item-detail", "GET"):            (401, 200, 200, 200, 200, 200, 200, 200),
    ("api:target-list", "GET"):            (401, 200, 200, 200, 403, 200, 200, 200),
    ("api:target-detail", "GET"):          (401, 200, 200, 200, 403, 200, 200, 200),
    ("api:inspector-list", "GET"):         (401, 200, 200, 200, 200, 200, 200, 200),
    ("api:inspector-detail", "GET"):       (401, 200, 200, 200, 200, 200, 200, 200),
    ("api:task-list", "GET"):              (401, 200, 200, 200, 403, 403, 200, 200),
    ("api:task-detail", "GET"):            (401, 200, 200, 403, 403, 403, 200, 200),
    # 待办: everyone signed in has one (the same list as the home page)
    ("api:todo", "GET"):                   (401, 200, 200, 200, 200, 200, 200, 200),
    # Public API over publications (一公开): no login, everyone alike
    ("api:public-publication-list", "GET"):(200, 200, 200, 200, 200, 200, 200, 200),
    ("api:public-publication-detail", "GET"):(200, 200, 200, 200, 200, 200, 200, 200),
    # 开放数据: no login, everyone alike; downloads are GET only
    ("opendata:index", "GET"):             (200, 200, 200, 200, 200, 200, 200, 200),
    ("opendata:csv", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    ("opendata:csv", "POST"):              (405, 405, 405, 405, 405, 405, 405, 405),
    ("opendata:json", "GET"):              (200, 200, 200, 200, 200, 200, 200, 200),
    ("opendata:feed", "GET"):              (200, 200, 200, 200, 200, 200, 200, 200),
    # 公示门户: no login, everyone alike; read-only
    ("portal:home", "GET"):                (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:search", "GET"):              (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:search", "POST"):             (405, 405, 405, 405, 405, 405, 405, 405),
    ("portal:detail", "GET"):              (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:proof", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:items", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:inspectors", "GET"):          (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:tasks", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:penalties", "GET"):           (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:draws", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:draw_history", "GET"):        (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:verify", "GET"):              (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:verifier_download", "GET"):   (200, 200, 200, 200, 200, 200, 200, 200),
    # The audit log's signed checkpoints and keys are public; the log itself is not
    ("portal:audit_checkpoints", "GET"):   (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:audit_checkpoints", "POST"):  (405, 405, 405, 405, 405, 405, 405, 405),
    ("portal:audit_checkpoint", "GET"):    (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:audit_latest", "GET"):        (200, 200, 200, 200, 200, 200, 200, 200),
    ("opendata:audit_checkpoints", "GET"): (200, 200, 200, 200, 200, 200, 200, 200),
    ("portal:verify_browser", "GET"):      (200, 200, 200, 200, 200, 200, 200, 200),
    # 审计日志: auditors and admins only
    ("audit:event_list", "GET"):           (302, 200, 403, 403, 403, 403, 403, 200),
    ("audit:full_verify", "GET"):          (302, 405, 405, 405, 405, 405, 405, 405),
    ("audit:full_verify", "POST"):         (302, 302, 403, 403, 403, 403, 403, 302),
    # 年度计划: sections and leaders of the department, oversight roles; leader approves
    ("planning:plan_list", "GET"):         (302, 200, 200, 200, 403, 403, 200, 200),
    ("planning:plan_create", "GET"):       (302, 403, 200, 200, 403, 403, 403, 403),
    ("planning:plan_create", "POST"):      (302, 403, 200, 200, 403, 403, 403, 403),
    ("planning:plan_detail", "GET"):       (302, 200, 200, 403, 403, 403, 200, 200),
    ("planning:plan_approve", "GET"):      (302, 405, 405, 405, 405, 405, 405, 405),
    ("planning:plan_approve", "POST"):     (302, 403, 403, 403, 403, 403, 302, 403),
    # 抽查任务 (the sample task is drawn, window not yet open)
    ("planning:task_list", "GET"):         (302, 200, 200, 200, 403, 403, 200, 200),
    ("planning:task_create", "GET"):       (302, 403, 200, 200, 403, 403, 403, 403),
    ("planning:task_create", "POST"):      (302, 403, 200, 200, 403, 403, 403, 403),
    ("planning:task_detail", "GET"):       (302, 200, 200, 403, 403, 403, 200, 200),
    ("planning:preview_refresh", "GET"):   (302, 405, 405, 405, 405, 405, 405, 405),
    ("planning:preview_refresh", "POST"):  (302, 302, 302, 403, 403, 403, 302, 302),
    ("planning:task_approve", "GET"):      (302, 405, 405, 405, 405, 405, 405, 405),
    ("planning:task_approve", "POST"):     (302, 403, 403, 403, 403, 403, 302, 403),
    ("planning:task_advance", "GET"):      (302, 405, 405, 405, 405, 405, 405, 405),
    ("planning:task_advance", "POST"):     (302, 403, 302, 403, 403, 403, 403, 403),
    ("planning:override_request", "GET"):  (302, 405, 405, 405, 405, 405, 405, 405),
    ("planning:override_request", "POST"): (302, 403, 302, 403, 403, 403, 403, 403),
    ("planning:override_approve", "GET"):  (302, 405, 405, 405, 405, 405, 405, 405),
    ("planning:override_approve", "POST"): (302, 403, 403, 403, 403, 403, 302, 403),
    # The ceremony: only the lead section acts; the commitment is public to task viewers
    ("draws:commit", "GET"):               (302, 403, 200, 403, 403, 403, 403, 403),
    ("draws:commit", "POST"):              (302, 403, 200, 403, 403, 403, 403, 403),
    ("draws:draw_detail", "GET"):          (302, 200, 200, 403, 403, 403, 200, 200),
    ("draws:execute", "GET"):              (302, 405, 405, 405, 405, 405, 405, 405),
    ("draws:execute", "POST"):             (302, 403, 302, 403, 403, 403, 403, 403),
    ("draws:abort", "GET"):                (302, 405, 405, 405, 405, 405, 405, 405),
    ("draws:abort", "POST"):               (302, 403, 200, 403, 403, 403, 403, 403),
    # Aborting takes two people: a section clerk asks, a leader over the department decides.
    ("draws:abort_decide", "GET"):         (302, 405, 405, 405, 405, 405, 405, 405),
    ("draws:abort_decide", "POST"):        (302, 403, 403, 403, 403, 403, 200, 403),
    ("draws:commitment", "GET"):           (302, 200, 200, 403, 403, 403, 200, 200),
    # Drawn list, teams, export, proof before the window (Art. 18): task departments + auditor
    ("draws:proof", "GET"):                (302, 403, 200, 403, 403, 403, 200, 200),
    ("draws:results", "GET"):              (302, 403, 200, 403, 403, 403, 200, 200),
    ("draws:export", "GET"):               (302, 403, 200, 403, 403, 403, 200, 200),
    ("draws:recuse", "GET"):               (302, 405, 405, 405, 405, 405, 405, 405),
    ("draws:recuse", "POST"):              (302, 403, 200, 403, 403, 403, 403, 403),
    ("draws:advance_notice", "GET"):       (302, 405, 405, 405, 405, 405, 405, 405),
    ("draws:advance_notice", "POST"):      (302, 403, 200, 403, 403, 403, 403, 403),
    ("draws:my_assignments", "GET"):       (302, 403, 403, 403, 200, 403, 403, 403),
    # Inspections (window open). ``inspector`` is on the team of target A only; A is submitted,
    # B accepted with an open rectification and a major penalty awaiting legal review.
    ("inspections:inspection_list", "GET"):(302, 403, 200, 200, 200, 403, 200, 200),
    ("inspections:review_queue", "GET"):   (302, 403, 200, 200, 403, 403, 403, 403),
    ("inspections:record", "GET"):         (302, 403, 200, 403, 200, 403, 200, 200),
    ("inspections:record", "POST"):        (302, 403, 200, 403, 200, 403, 403, 403),
    ("inspections:target_documents", "GET"):(302, 403, 200, 403, 200, 403, 403, 403),
    ("inspections:submit", "GET"):         (302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:submit", "POST"):        (302, 403, 302, 403, 302, 403, 403, 403),
    ("inspections:evidence_add", "GET"):   (302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:evidence_add", "POST"):  (302, 403, 200, 403, 200, 403, 403, 403),
    ("inspections:evidence_file", "GET"):  (302, 403, 200, 403, 200, 403, 200, 200),
    ("inspections:review", "GET"):         (302, 403, 200, 403, 403, 403, 403, 403),
    ("inspections:review", "POST"):        (302, 403, 200, 403, 403, 403, 403, 403),
    ("inspections:rectification_add", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:rectification_add", "POST"):(302, 403, 200, 403, 403, 403, 403, 403),
    ("inspections:penalty_add", "GET"):    (302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:penalty_add", "POST"):   (302, 403, 200, 403, 403, 403, 403, 403),
    ("inspections:transfer_add", "GET"):   (302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:transfer_add", "POST"):  (302, 403, 200, 403, 403, 403, 403, 403),
    ("inspections:rectification_verify", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:rectification_verify", "POST"):(302, 403, 200, 403, 403, 403, 403, 403),
    ("inspections:penalty_resubmit", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("inspections:penalty_resubmit", "POST"):(302, 403, 200, 403, 403, 403, 403, 403),
    # 重大执法决定法制审核: legal reviewers only
    ("inspections:legal_queue", "GET"):    (302, 403, 403, 403, 403, 200, 403, 403),
    ("inspections:legal_review", "GET"):   (302, 403, 403, 403, 403, 200, 403, 403),
    ("inspections:legal_review", "POST"):  (302, 403, 403, 403, 403, 200, 403, 403),
}  # fmt: skip

# Before the window opens a target's record and its 检查通知书/双清单 name the team (Art. 18):
# the task's sections and leader, the assigned inspector and the auditor only.
MATRIX_BEFORE_WINDOW: dict[tuple[str, str], tuple[int, ...]] = {
    ("inspections:record", "GET"):         (302, 403, 200, 403, 200, 403, 200, 200),
    ("inspections:target_documents", "GET"):(302, 403, 200, 403, 200, 403, 403, 403),
}  # fmt: skip

# Once the inspection window has opened the proof is public to every logged-in user; the
# drawn list and teams stay with the task's departments (and the admin, who runs the system).
MATRIX_WINDOW_OPEN: dict[tuple[str, str], tuple[int, ...]] = {
    ("draws:proof", "GET"):                (302, 200, 200, 200, 200, 200, 200, 200),
    ("draws:results", "GET"):              (302, 200, 200, 403, 403, 403, 200, 200),
    ("draws:export", "GET"):               (302, 200, 200, 403, 403, 403, 200, 200),
}  # fmt: skip

URL_ARGS: dict[str, Callable[[Samples], list[Any]]] = {
    "directory:item_detail": lambda s: [s.item.pk],
    "directory:export_download": lambda s: [s.export_job.pk],
    "jobs:job_status": lambda s: [s.job.pk],
    "reports:task_report": lambda s: [s.workflow().draw.task_id],
    "directory:item_edit": lambda s: [s.item.pk],
    "directory:target_detail": lambda s: [s.target.pk],
    "directory:target_edit": lambda s: [s.target.pk],
    "directory:supervision_set": lambda s: [s.target.pk, s.personas.dept.pk],
    "directory:inspector_detail": lambda s: [s.inspector.pk],
    "directory:inspector_edit": lambda s: [s.inspector.pk],
    "directory:conflict_withdraw": lambda s: [s.conflict.pk],
    "directory:import_start": lambda s: ["targets"],
    "directory:import_preview": lambda s: [s.job.pk],
    "directory:import_commit": lambda s: [s.job.pk],
    "directory:import_template": lambda s: ["targets", "csv"],
    "directory:export": lambda s: ["targets"],
    "api:item-detail": lambda s: [s.item.pk],
    "api:target-detail": lambda s: [s.target.pk],
    "api:inspector-detail": lambda s: [s.inspector.pk],
    "api:task-detail": lambda s: [s.workflow().task.pk],
    "api:public-publication-detail": lambda s: [_published_item_list(s).pk],
    "portal:detail": lambda s: [_published_item_list(s).pk],
    "portal:proof": lambda s: [_published_commitment(s).pk],
    "portal:draw_history": lambda s: [_published_commitment(s).payload["task_id"]],
    "portal:audit_checkpoint": lambda s: [_checkpoint(s).pk],
    "portal:audit_latest": lambda s: [_checkpoint(s)][:0],  # exists; no URL argument
    "accounts:user_edit": lambda s: [s.personas.section.pk],
    "accounts:user_password": lambda s: [s.personas.section.pk],
    "accounts:user_token_revoke": lambda s: [s.personas.section.pk],
    "accounts:department_edit": lambda s: [s.personas.dept.pk],
    "accounts:bureau_edit": lambda s: [s.personas.dept.bureau_id],
    "disclosure:publication_detail": lambda s: [_staff_publication(s).pk],
    "disclosure:publication_new": lambda s: ["item_list", s.personas.dept.pk],
    "disclosure:publication_submit": lambda s: [_staff_publication(s).pk],
    "disclosure:publication_review": lambda s: [_staff_publication(s).pk],
    "disclosure:publication_correct": lambda s: [_staff_publication(s).pk],
    "disclosure:publication_withdraw": lambda s: [_staff_publication(s).pk],
    "planning:plan_detail": lambda s: [s.workflow().plan.pk],
    "planning:plan_approve": lambda s: [s.workflow().plan.pk],
    "planning:task_detail": lambda s: [s.workflow().task.pk],
    "planning:task_approve": lambda s: [s.workflow().task.pk],
    "planning:preview_refresh": lambda s: [s.workflow().task.pk],
    "planning:task_advance": lambda s: [s.workflow().task.pk],
    "planning:override_request": lambda s: [s.workflow().task.pk],
    "planning:override_approve": lambda s: [s.workflow().override.pk],
    "draws:commit": lambda s: [s.workflow().task.pk],
    "draws:draw_detail": lambda s: [s.workflow().draw.pk],
    "draws:execute": lambda s: [s.workflow().draw.pk],
    "draws:abort": lambda s: [s.workflow().draw.pk],
    "draws:abort_decide": lambda s: [_abort_request(s).pk],
    "draws:commitment": lambda s: [s.workflow().draw.pk],
    "draws:proof": lambda s: [s.workflow().draw.pk],
    "draws:results": lambda s: [s.workflow().draw.pk],
    "draws:export": lambda s: [s.workflow().draw.pk],
    "draws:recuse": lambda s: [s.workflow().draw.pk],
    "draws:advance_notice": lambda s: [s.workflow().draw.pk],
    "inspections:record": lambda s: s.inspections().record_args,
    "inspections:target_documents": lambda s: s.inspections().record_args,
    "inspections:submit": lambda s: [s.inspections().submitted.pk],
    "inspections:evidence_add": lambda s: [s.inspections().submitted.pk],
    "inspections:evidence_file": lambda s: [s.inspections().evidence.pk],
    "inspections:review": lambda s: [s.inspections().submitted.pk],
    "inspections:rectification_add": lambda s: [s.inspections().accepted.pk],
    "inspections:penalty_add": lambda s: [s.inspections().accepted.pk],
    "inspections:transfer_add": lambda s: [s.inspections().accepted.pk],
    "inspections:rectification_verify": lambda s: [s.inspections().rectification.pk],
    "inspections:penalty_resubmit": lambda s: [s.inspections().penalty.pk],
    "inspections:legal_review": lambda s: [s.inspections().penalty.pk],
}


def _published_item_list(s: Samples) -> Any:
    """A published record (the department's item list), for the public detail pages."""
    if "published" not in s._cache:
        from spotcheck.disclosure import publications

        p = s.personas
        pub = publications.publication_draft(actor=p.section, kind="item_list", source=p.dept)
        pub = publications.publication_submit(actor=p.section, publication=pub)
        s._cache["published"] = publications.publication_review(
            actor=p.leader, publication=pub, approve=True
        )
    return s._cache["published"]


def _published_commitment(s: Samples) -> Any:
    """A published draw commitment, whose document the portal offers for download: committing
    the workflow's draw published it (no draft, no review)."""
    if "commitment" not in s._cache:
        from spotcheck.disclosure.draw_records import published_commitment

        pub = published_commitment(s.workflow().draw)
        assert pub is not None
        s._cache["commitment"] = pub
    return s._cache["commitment"]


def _abort_request(s: Samples) -> Any:
    """``section``'s pending request to abort the workflow's draw, for a leader to decide."""
    if "abort-request" not in s._cache:
        from spotcheck.draws.services_abort import draw_abort_request

        s._cache["abort-request"] = draw_abort_request(
            actor=s.personas.section, draw=s.workflow().draw, reason="访问矩阵样例"
        )
    return s._cache["abort-request"]


def _checkpoint(s: Samples) -> Any:
    """A stored checkpoint row (its signature does not matter for who may fetch it)."""
    if "checkpoint" not in s._cache:
        from spotcheck.audit.models import AuditCheckpoint

        s._cache["checkpoint"] = AuditCheckpoint.objects.create(
            log_id="spotcheck",
            tree_size=0,
            head="0" * 64,
            hash_algorithm="sha256",
            timestamp=0,
            key_id="a" * 64,
            signature="",
            created_at=timezone.now(),
        )
    return s._cache["checkpoint"]


def _staff_publication(s: Samples) -> Any:
    """The department's item list, drafted by ``section`` and published by the leader: the same
    record as the portal's sample (a record is published once; a page scan that visits both the
    staff and the public side needs the two to be one)."""
    return _published_item_list(s)


@dataclass
class Workflow:
    plan: Any
    task: Any
    override: Any
    draw: Any


def _build_workflow(s: Samples, *, window_open: bool) -> Workflow:
    from django.utils import timezone

    from spotcheck.draws import services as draws
    from spotcheck.draws.services_cap import cap_override_request
    from spotcheck.planning import services as planning

    p = s.personas
    for _ in range(3):
        TargetFactory(departments=[p.dept])
    for _ in range(3):
        InspectorFactory(department=p.dept)
    today = timezone.localdate()
    start = today if window_open else today + dt.timedelta(days=10)
    plan = planning.plan_create(
        actor=p.section, year=start.year + (0 if window_open else 1), items=[s.item], sectors=[]
    )
    task = planning.task_create(
        actor=p.section,
        name="访问矩阵抽查任务",
        mode="undirected",
        items=[s.item],
        window_start=start,
        window_end=start + dt.timedelta(days=10),
        sample={"mode": "count", "values": {"*": 2}},
        plan=plan,
    )
    override = cap_override_request(
        actor=p.section, task=task, target=s.target, reason="访问矩阵样例"
    )
    task = planning.task_approve(actor=p.leader, task=task)
    draw = draws.draw_commit(
        actor=p.section, task=task, randomness_kind="witnesses", randomness_names=["甲", "乙"]
    )
    # The executed draw is the sensitive state; a second, committed one is what execute acts on.
    draw = draws.draw_execute(
        actor=p.section, draw=draw, entries={"见证人：甲": "123456", "见证人：乙": "654321"}
    )
    return Workflow(plan=plan, task=task, override=override, draw=draw)


@dataclass
class Results:
    record_args: list[int]
    submitted: Any = None
    accepted: Any = None
    evidence: Any = None
    rectification: Any = None
    penalty: Any = None


def _build_inspections(s: Samples, *, window_open: bool) -> Results:
    """Target A's team gets the ``inspector`` persona (and B's team loses it, by a recusal, so
    that the columns do not depend on the dice). With the window open: A submitted with one
    photo, B accepted with an open rectification and a major penalty awaiting legal review."""
    from decimal import Decimal

    from spotcheck.accounts.models import Role
    from spotcheck.draws import services as draws
    from spotcheck.draws.models import DrawnLine, TeamMember
    from spotcheck.inspections import services as inspections
    from spotcheck.inspections.models import ResultCategory
    from tests.factories import UserFactory

    p, draw = s.personas, s.workflow(window_open=window_open).draw
    a, b = (e.target for e in DrawnLine.objects.filter(draw=draw).order_by("credit_code"))
    member = TeamMember.objects.filter(draw=draw, target=a, active=True).order_by("position")[0]
    s.inspector.user = None
    s.inspector.save()
    member.inspector.user = p.inspector
    member.inspector.save()
    if TeamMember.objects.filter(draw=draw, target=b, active=True, inspector=member.inspector):
        draws.draw_recuse(
            actor=p.section,
            draw=draw,
            inspector=member.inspector,
            target=b,
            reason_code="kinship",
            reason="矩阵样例",
        )
    results = Results(record_args=[draw.pk, a.pk])
    if not window_open:
        return results
    ok = ResultCategory.objects.get(code="no_problem")
    problem = ResultCategory.objects.get(code="pending_follow_up")
    today = timezone.localdate()

    def record(target: Any, category: Any) -> Any:
        team = [
            m.inspector for m in TeamMember.objects.filter(draw=draw, target=target, active=True)
        ]
        return inspections.inspection_save(
            actor=p.section,
            draw=draw,
            target=target,
            inspected_on=today,
            inspectors=team,
            overall_category=category,
            summary="矩阵样例",
            item_results=[inspections.ItemResultInput(s.item, category, "样例发现")],
        )

    results.submitted = record(a, ok)
    results.evidence = inspections.evidence_add(
        actor=p.section,
        inspection=results.submitted,
        file=b"\x89PNG\r\n\x1a\n" + b"\x00" * 32,
        filename="a.png",
    )
    results.submitted = inspections.inspection_submit(actor=p.section, inspection=results.submitted)
    clerk: Any = UserFactory(username="section2", role=Role.SECTION, department=p.dept)
    accepted = inspections.inspection_submit(actor=clerk, inspection=record(b, problem))
    results.accepted = inspections.inspection_review(
        actor=p.section, inspection=accepted, accept=True
    )
    results.rectification = inspections.rectification_order(
        actor=p.section, inspection=results.accepted, order_text="限期改正", due_on=today
    )
    results.penalty = inspections.penalty_decide(
        actor=p.section,
        inspection=results.accepted,
        decision_no="矩阵罚〔2026〕1号",
        penalty_kind="fine",
        decided_on=today,
        amount=Decimal("1000"),
        major=True,
    )
    return results


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path  # evidence files of the sample inspection


@pytest.fixture
def samples(personas: Personas) -> Samples:
    from spotcheck.directory.exporting import EXPORT_JOB_KIND
    from spotcheck.directory.importing.jobs import JOB_KIND

    item = CheckItemFactory(department=personas.dept)
    target = TargetFactory(departments=[personas.dept])
    inspector = InspectorFactory(department=personas.dept, user=personas.inspector)
    conflict = services.conflict_declare(
        actor=personas.inspector, inspector=inspector, target=target, relation="kin"
    )
    job = Job.objects.create(
        id=uuid.uuid4(),
        kind=JOB_KIND,
        label="导入检查对象",
        owner=personas.section,
        params={"kind": "targets"},
        result={},
    )
    export_job = Job.objects.create(
        id=uuid.uuid4(),
        kind=EXPORT_JOB_KIND,
        label="导出检查对象",
        owner=personas.section,
        params={"kind": "targets"},
        result={},
    )
    return Samples(
        item=item,
        target=target,
        inspector=inspector,
        conflict=conflict,
        job=job,
        export_job=export_job,
        personas=personas,
    )


def _namespace_url_names(namespace: str) -> set[str]:
    _, resolver = get_resolver().namespace_dict[namespace]
    return {f"{namespace}:{key}" for key in resolver.reverse_dict if isinstance(key, str)}


def test_every_url_is_in_the_matrix() -> None:
    names = set().union(*(_namespace_url_names(ns) for ns in NAMESPACES))
    covered = {name for name, _ in MATRIX}
    assert names - covered == set(), "add these pages to the access matrix"
    assert covered - names == set(), "the matrix lists pages that no longer exist"


def _statuses(client: Client, personas: Personas, url: str, method: str) -> dict[str, int]:
    users = personas.all()
    got: dict[str, int] = {}
    for column in COLUMNS:
        client.logout()
        if column != "anonymous":
            client.force_login(users[column])
        response = client.get(url) if method == "GET" else client.post(url, {})
        got[column] = response.status_code
        if response.status_code == 302 and column == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
    return got


@pytest.mark.parametrize(("name", "method"), list(MATRIX), ids=lambda v: str(v))
def test_access(
    client: Client, personas: Personas, samples: Samples, name: str, method: str
) -> None:
    url = reverse(name, args=URL_ARGS.get(name, lambda s: [])(samples))
    expected = dict(zip(COLUMNS, MATRIX[(name, method)], strict=True))
    assert _statuses(client, personas, url, method) == expected, f"{method} {name}"


@pytest.mark.parametrize(("name", "method"), list(MATRIX_WINDOW_OPEN), ids=lambda v: str(v))
def test_access_once_the_window_is_open(
    client: Client, personas: Personas, samples: Samples, name: str, method: str
) -> None:
    url = reverse(name, args=[samples.workflow(window_open=True).draw.pk])
    expected = dict(zip(COLUMNS, MATRIX_WINDOW_OPEN[(name, method)], strict=True))
    assert _statuses(client, personas, url, method) == expected, f"{method} {name}"


@pytest.mark.parametrize(("name", "method"), list(MATRIX_BEFORE_WINDOW), ids=lambda v: str(v))
def test_access_before_the_window(
    client: Client, personas: Personas, samples: Samples, name: str, method: str
) -> None:
    url = reverse(name, args=samples.inspections(window_open=False).record_args)
    expected = dict(zip(COLUMNS, MATRIX_BEFORE_WINDOW[(name, method)], strict=True))
    assert _statuses(client, personas, url, method) == expected, f"{method} {name}"
