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
