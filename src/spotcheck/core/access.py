"""Who may do what: the single place where role rules live.

Views, the API and services all ask these predicates, so the UI and the API cannot disagree.
Reads are filtered by selectors using the same predicates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from spotcheck.accounts.models import Role

if TYPE_CHECKING:
    from spotcheck.directory.models import CheckItem, Inspector, Target

DIRECTORY_READERS = {Role.ADMIN, Role.SECTION, Role.LEADER, Role.AUDITOR, Role.LEGAL_REVIEWER}
PUBLIC_LIST_READERS = DIRECTORY_READERS | {Role.INSPECTOR}


def _role(user: Any) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return str(user.role)


# --- the organisation tree: which bureaus a user sees ------------------------------------------

_SCOPE_ATTR = "_spotcheck_bureau_scope"


def bureau_scope(user: Any) -> frozenset[int] | None:
    """Ids of the bureaus whose records ``user`` may see: its own bureau and every bureau
    under it. ``None`` means every bureau (a user at the root of a one-root tree, which is
    also every user of a single-bureau deployment), so the common case adds no filter.

    A department's members serve the department's bureau; users without a department serve
    ``user.bureau`` (empty: the whole deployment). Memoised on the user object, which lives
    for one request.

    One query reads the whole tree (a province has a few hundred bureaus, a few kilobytes)
    rather than three reading the bureau, the other roots and the subtree. The tree is not
    cached across requests on purpose: without a shared cache each process would keep its
    own copy, and a bureau moved elsewhere would keep its old superiors' access for as long
    as the copy lived.
    """
    if _role(user) is None:
        return frozenset()
    if hasattr(user, _SCOPE_ATTR):
        cached: frozenset[int] | None = getattr(user, _SCOPE_ATTR)
        return cached
    from django.db.models import BooleanField, ExpressionWrapper, Q

    from spotcheck.accounts.models import Bureau, Department

    if user.department_id is not None:
        mine = Q(pk__in=Department.objects.filter(pk=user.department_id).values("bureau_id"))
    elif user.bureau_id is not None:
        mine = Q(pk=user.bureau_id)
    else:
        setattr(user, _SCOPE_ATTR, None)
        return None
    tree = list(
        Bureau.objects.annotate(mine=ExpressionWrapper(mine, output_field=BooleanField()))
        .order_by()
        .values_list("pk", "path", "parent_id", "mine")
    )
    own = [(path, parent) for _pk, path, parent, is_mine in tree if is_mine]
    scope: frozenset[int] | None = frozenset()  # (its bureau gone: nothing, not a 500)
    if own:
        own_path, own_parent = own[0]
        roots = sum(1 for row in tree if row[2] is None)
        scope = None
        if own_parent is not None or roots > 1:
            scope = frozenset(pk for pk, path, _parent, _mine in tree if path.startswith(own_path))
    setattr(user, _SCOPE_ATTR, scope)
    return scope


def in_bureau_scope(user: Any, bureau_id: int | None) -> bool:
    scope = bureau_scope(user)
    return scope is None or bureau_id in scope


def department_in_scope(user: Any, department_id: int | None) -> bool:
    scope = bureau_scope(user)
    if scope is None:
        return True
    if department_id is None:
        return False
    from spotcheck.accounts.models import Department

    return Department.objects.filter(pk=department_id, bureau_id__in=scope).exists()


def scope_departments(user: Any, rows: Any, field: str = "department") -> Any:
    """``rows`` narrowed to records whose ``field`` (a department) lies in the user's
    bureaus (``field=""``: the rows are departments); unchanged for a user who sees every
    bureau."""
    scope = bureau_scope(user)
    if scope is None:
        return rows
    return rows.filter(**{f"{field}__bureau_id__in" if field else "bureau_id__in": scope})


def task_in_scope(user: Any, task: Any) -> bool:
    """A task is in a bureau's view when any department taking part belongs to it: a joint
    task across bureaus is overseen by the auditors of every bureau in it."""
    scope = bureau_scope(user)
    if scope is None:
        return True
    return bool(task.departments.filter(bureau_id__in=scope).exists())


def can_view_targets(user: Any) -> bool:
    return _role(user) in DIRECTORY_READERS


def can_view_items(user: Any) -> bool:
    return _role(user) in PUBLIC_LIST_READERS


def can_view_inspectors(user: Any) -> bool:
    return _role(user) in PUBLIC_LIST_READERS


def can_view_history(user: Any) -> bool:
    return _role(user) in DIRECTORY_READERS


def can_view_audit(user: Any) -> bool:
    return _role(user) in {Role.AUDITOR, Role.ADMIN}


def _is_section_of(user: Any, department_id: int | None) -> bool:
    return (
        _role(user) == Role.SECTION
        and user.department_id is not None
        and user.department_id == department_id
    )


def can_create_directory_records(user: Any) -> bool:
    return _role(user) == Role.SECTION and user.department_id is not None


def can_edit_target(user: Any, target: Target) -> bool:
    if _role(user) != Role.SECTION or user.department_id is None:
        return False
    return target.departments.filter(id=user.department_id).exists()


def can_set_supervision(user: Any, department_id: int | None) -> bool:
    """A department's own grade and key-industry flag for the targets it supervises: its
    clerks (who edit its targets), the leaders over it, and an administrator whose bureaus
    include it. Whether the department supervises the target is the service's check."""
    role = _role(user)
    if department_id is None:
        return False
    if role == Role.SECTION:
        return _is_section_of(user, department_id)
    if role == Role.LEADER:
        return department_id in user.department_ids()
    if role == Role.ADMIN:
        return department_in_scope(user, department_id)
    return False


def can_edit_item(user: Any, item: CheckItem) -> bool:
    return _is_section_of(user, item.department_id)


def can_edit_inspector(user: Any, inspector: Inspector) -> bool:
    return _is_section_of(user, inspector.department_id)


def can_declare_conflict(user: Any, inspector: Inspector) -> bool:
    """The inspector themself, or a section user of the inspector's department."""
    if _role(user) == Role.INSPECTOR:
        return inspector.user_id == user.pk
    return _is_section_of(user, inspector.department_id)


def can_view_conflicts(user: Any) -> bool:
    return _role(user) in DIRECTORY_READERS | {Role.INSPECTOR}


# --- import/export of the directories ---------------------------------------------------------

EXPORTERS = {Role.ADMIN, Role.SECTION, Role.LEADER, Role.AUDITOR}


def can_import(user: Any) -> bool:
    """Only a section user imports, and always into its own department."""
    return can_create_directory_records(user)


def can_export(user: Any) -> bool:
    """Exports contain contact data of inspectors and targets: oversight roles and sections."""
    return _role(user) in EXPORTERS


# --- spot-check tasks and draws (Art. 18 confidentiality) --------------------------------------


def _in_task_departments(user: Any, task: Any) -> bool:
    ids = user.department_ids() if hasattr(user, "department_ids") else set()
    return bool(ids & set(task.departments.values_list("pk", flat=True)))


def can_view_task(user: Any, task: Any) -> bool:
    """The task itself (mode, items, window) — not yet who was drawn."""
    role = _role(user)
    if role in {Role.AUDITOR, Role.ADMIN}:
        return task_in_scope(user, task)
    if role in {Role.SECTION, Role.LEADER}:
        return _in_task_departments(user, task)
    return False


def window_open(task: Any, today: Any = None) -> bool:
    import datetime as dt

    from django.utils import timezone

    day: dt.date = today or timezone.localdate()
    return bool(day >= task.window_start)


def can_view_draw_result(user: Any, task: Any) -> bool:
    """The whole drawn list and all teams.

    Before the inspection window opens only the task's sections and leaders and the auditor
    may see them; inspectors see their own assignments through ``own_assignments`` instead.
    """
    role = _role(user)
    if role == Role.AUDITOR:
        return task_in_scope(user, task)
    if role in {Role.SECTION, Role.LEADER}:
        return _in_task_departments(user, task)
    if role == Role.ADMIN:
        # Administrators run the system, not the checks: no view of drawn lists before the window.
        return window_open(task) and task_in_scope(user, task)
    return False


def draw_result_denial(user: Any, task: Any) -> str:
    """Why ``can_view_draw_result`` said no, in the words of the rule that applied."""
    from django.utils.translation import gettext as _

    role = _role(user)
    if role in {Role.SECTION, Role.LEADER}:
        return _("该抽查任务不属于您的部门，抽取名单只向任务参与部门和纪检监督人员开放")
    if role == Role.INSPECTOR:
        return _("执法检查人员只能在“我的检查任务”中查看本人的检查安排")
    if role in {Role.ADMIN, Role.AUDITOR} and not task_in_scope(user, task):
        return _("该抽查任务不属于您所在机关及其下级机关")
    if role == Role.ADMIN and not window_open(task):
        return _("抽取结果在检查开始前保密（第十八条），您无权查看")
    return _("您的角色不能查看抽取名单")


def can_view_all_draw_results(user: Any) -> bool:
    """Every draw's lists, whatever the task and the day: an auditor who oversees every
    bureau (a district's auditor sees its own bureaus' draws through ``can_view_draw_result``)."""
    return _role(user) == Role.AUDITOR and bureau_scope(user) is None


def can_run_draw(user: Any, task: Any) -> bool:
    return _role(user) == Role.SECTION and user.department_id == task.lead_department_id


def can_approve_task(user: Any, task: Any) -> bool:
    return _role(user) == Role.LEADER and task.lead_department_id in user.department_ids()


def can_download_proof(user: Any, task: Any) -> bool:
    """The full proof names every drawn target: public only once the window has opened."""
    return window_open(task) or can_view_draw_result(user, task)


# --- annual plans, task pages and the ceremony around them (web UI) ---------------------------

TASK_READERS = {Role.ADMIN, Role.SECTION, Role.LEADER, Role.AUDITOR}


def can_view_plans(user: Any) -> bool:
    """The plan list: oversight roles see all, sections and leaders their departments'."""
    return _role(user) in TASK_READERS


def can_view_plan(user: Any, plan: Any) -> bool:
    role = _role(user)
    if role in {Role.AUDITOR, Role.ADMIN}:
        return department_in_scope(user, plan.department_id)
    if role in {Role.SECTION, Role.LEADER}:
        return plan.department_id in user.department_ids()
    return False


def can_approve_plan(user: Any, plan: Any) -> bool:
    return _role(user) == Role.LEADER and plan.department_id in user.department_ids()


def can_view_tasks(user: Any) -> bool:
    """Mirrors draws.selectors.task_list: who gets a task list at all."""
    return _role(user) in TASK_READERS


def can_manage_team(user: Any, task: Any) -> bool:
    """Recusals and advance notices: a section user of any department taking part."""
    return _role(user) == Role.SECTION and _in_task_departments(user, task)


def can_view_own_assignments(user: Any) -> bool:
    return _role(user) == Role.INSPECTOR


# --- inspections, follow-up and legal review -------------------------------------------------


def _task_department_ids(task: Any) -> set[int]:
    return set(task.departments.values_list("pk", flat=True))


def is_assigned_inspector(user: Any, draw: Any, target: Any) -> bool:
    """An inspector user currently (not recused) on the team of ``target`` in ``draw``."""
    if _role(user) != Role.INSPECTOR:
        return False
    from spotcheck.draws.models import TeamMember

    return TeamMember.objects.filter(
        draw=draw, target=target, inspector__user=user, active=True
    ).exists()


def can_record_inspection(user: Any, draw: Any, target: Any) -> bool:
    """Team members record their own visit; section users of a participating department too."""
    role = _role(user)
    if role == Role.INSPECTOR:
        return is_assigned_inspector(user, draw, target)
    if role == Role.SECTION:
        return user.department_id in _task_department_ids(draw.task)
    return False


def can_review_inspection(user: Any, task: Any) -> bool:
    """Acceptance is the lead department's: it answers for the whole task."""
    return _role(user) == Role.SECTION and user.department_id == task.lead_department_id


def can_view_inspections_of(user: Any, task: Any) -> bool:
    """All results of a task (an inspector sees only own ones, through the selectors)."""
    role = _role(user)
    if role == Role.AUDITOR:
        return task_in_scope(user, task)
    if role in {Role.SECTION, Role.LEADER}:
        return bool(user.department_ids() & _task_department_ids(task))
    return False


def can_add_follow_up(user: Any, task: Any) -> bool:
    """谁执法谁处置: a section user of a department taking part in the task."""
    return _role(user) == Role.SECTION and user.department_id in _task_department_ids(task)


def can_verify_rectification(user: Any, follow_up: Any) -> bool:
    if _is_section_of(user, follow_up.department_id):
        return True
    inspection = follow_up.inspection
    return is_assigned_inspector(user, inspection.draw, inspection.target)


def can_legal_review(user: Any) -> bool:
    return _role(user) == Role.LEGAL_REVIEWER


def can_generate_target_documents(user: Any, draw: Any, target: Any) -> bool:
    """检查通知书 and 双清单 are prepared by the task's sections or the assigned team."""
    if _role(user) == Role.SECTION:
        return user.department_id in _task_department_ids(draw.task)
    return is_assigned_inspector(user, draw, target)


# --- inspection pages (web UI) ---------------------------------------------------------------

INSPECTION_LIST_READERS = {Role.SECTION, Role.LEADER, Role.AUDITOR, Role.INSPECTOR}


def can_view_inspection_list(user: Any) -> bool:
    """Mirrors inspections.selectors.inspections_visible (inspectors get their own only)."""
    return _role(user) in INSPECTION_LIST_READERS


def can_view_review_queue(user: Any) -> bool:
    """Any section user; the queue itself holds only tasks its department leads."""
    return _role(user) == Role.SECTION and user.department_id is not None


def can_view_inspection(user: Any, draw: Any, target: Any) -> bool:
    """One target's inspection record: who records it, who oversees the task, the auditor, and
    a legal reviewer once a major penalty rests on it (to judge the facts behind it)."""
    if can_record_inspection(user, draw, target) or can_view_inspections_of(user, draw.task):
        return True
    if _role(user) == Role.LEGAL_REVIEWER:
        from spotcheck.inspections.models import FollowUp

        return FollowUp.objects.filter(
            inspection__draw=draw, inspection__target=target, kind="penalty", major=True
        ).exists()
    return False


def can_record_item(user: Any, task: Any, item: Any) -> bool:
    """Joint task: a partner department's clerk answers only for its own items (Art. 8); the
    lead section and the team answer for all (the services apply the same rule)."""
    if _role(user) == Role.SECTION and user.department_id != task.lead_department_id:
        return bool(item.department_id == user.department_id)
    return True


# --- 待办 (the home page and /api/v1/todo/) ----------------------------------------------------


def can_view_todo(user: Any) -> bool:
    """Everyone signed in has a 待办 list (empty for roles that only oversee)."""
    return _role(user) is not None


# --- dashboard and risk model -------------------------------------------------------------------

OVERSIGHT = {Role.ADMIN, Role.SECTION, Role.LEADER, Role.AUDITOR}


def can_view_dashboard(user: Any) -> bool:
    return _role(user) in OVERSIGHT


def can_view_risk_model(user: Any) -> bool:
    return _role(user) in OVERSIGHT


def can_publish_risk_model(user: Any) -> bool:
    """The risk model is one for the deployment: its administrator of every bureau."""
    return _role(user) == Role.ADMIN and bureau_scope(user) is None


# --- working-day calendar (publication deadlines, Art. 16) -----------------------------------


def can_view_calendar(user: Any) -> bool:
    """The auditor checks how deadlines were counted; only the administrator maintains it."""
    return _role(user) in {Role.ADMIN, Role.AUDITOR}


def can_manage_calendar(user: Any) -> bool:
    return _role(user) == Role.ADMIN


# --- publications, staff side (Art. 14–18) -----------------------------------------------------

PUBLICATION_READERS = {Role.SECTION, Role.LEADER, Role.AUDITOR}


def can_view_publications(user: Any) -> bool:
    """Sections and leaders see their departments' publications, the auditor all of them. The
    administrator runs the system, not the checks: a draft draw proof names the drawn targets
    before the window opens (Art. 18)."""
    return _role(user) in PUBLICATION_READERS


def can_view_publication(user: Any, publication: Any) -> bool:
    role = _role(user)
    if role == Role.AUDITOR:
        return department_in_scope(user, publication.department_id)
    if role in {Role.SECTION, Role.LEADER}:
        return publication.department_id in user.department_ids()
    return False


def can_withdraw_publication(user: Any, publication: Any) -> bool:
    """Mirrors disclosure.publications.publication_withdraw: the department's sections and the
    leaders overseeing it. A draw commitment is never withdrawn (its draw is aborted instead)."""
    if getattr(publication, "kind", "") == "draw_commitment" and publication.state != "draft":
        return False
    role = _role(user)
    if role == Role.SECTION:
        return bool(user.department_id == publication.department_id)
    return role == Role.LEADER and publication.department_id in user.department_ids()


# --- users and departments ------------------------------------------------------------------


def can_manage_users(user: Any) -> bool:
    """Accounts, roles, departments, leader scopes, passwords: the administrator alone (of
    its own bureau and those below it, see ``can_manage_account``)."""
    return _role(user) == Role.ADMIN


def can_manage_account(user: Any, subject: Any) -> bool:
    """An administrator manages the accounts of its bureaus; an account without a bureau
    (the whole deployment) only an administrator of the whole deployment."""
    if not can_manage_users(user):
        return False
    scope = bureau_scope(user)
    if scope is None:
        return True
    bureau_id = subject.department.bureau_id if subject.department_id else subject.bureau_id
    return bureau_id in scope


def can_manage_bureaus(user: Any) -> bool:
    """The organisation tree itself: an administrator of the whole deployment."""
    return can_manage_users(user) and bureau_scope(user) is None
