"""User and department management: every change of who may do what is an audited service.

The in-app pages (``accounts/views_manage.py``), the management commands (``user_create``,
``user_update``) and nothing else write users and departments; Django admin shows them
read-only. Each service checks ``core.access.can_manage_users``, validates with Chinese
messages, writes in one transaction and records its audit event inside it.

A change of role, department or leader scope, a deactivation and a password reset revoke the
user's API tokens in the same transaction: a script must not keep rights its owner lost.
``is_staff``/``is_superuser`` (Django admin) follow the role: only active administrators.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from spotcheck.accounts.events import (
    DepartmentChanged,
    DepartmentCreated,
    PasswordReset,
    UserChanged,
    UserCreated,
)
from spotcheck.accounts.models import Bureau, Department, Role, User, home_bureau_id
from spotcheck.api.services import revoke_all_for_user
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError

# Roles that act for a department and so must have one (a leader's is its primary one).
NEEDS_DEPARTMENT = {Role.SECTION, Role.INSPECTOR, Role.LEADER}
KEEP: Any = object()  # "leave this field as it is" in user_update


class AccountError(ServiceError):
    """A refused change, with the form field it concerns (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message, field=field or "")


def _check_actor(actor: User | None) -> None:
    if actor is None:
        return  # the command line's bootstrap, checked by the caller
    if not access.can_manage_users(actor):
        raise NotAllowed(gettext("只有系统管理员可以管理用户和部门"))


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def _dept_label(department: Department | None) -> str:
    return department.name if department else ""


def _bureau_label(bureau: Bureau | None) -> str:
    return bureau.name if bureau else ""


def _check_assignment(
    *,
    role: str,
    department: Department | None,
    oversees: list[Department],
    actor: User | None = None,
    bureau: Bureau | None = None,
) -> None:
    if actor is not None:
        # A bureau's administrator assigns people only within its own bureaus.
        scope = access.bureau_scope(actor)
        if scope is not None:
            if department is not None and department.bureau_id not in scope:
                raise AccountError(f"部门“{department.name}”不属于您管理的机关", "department")
            if department is None and (bureau is None or bureau.pk not in scope):
                raise AccountError("请选择您管理的机关", "bureau")
            outside = [d.name for d in oversees if d.bureau_id not in scope]
            if outside:
                raise AccountError(f"分管部门“{'、'.join(outside)}”不属于您管理的机关", "oversees")
    if role not in Role.values:
        raise AccountError(f"角色“{role}”不存在", "role")
    if role in NEEDS_DEPARTMENT and department is None:
        raise AccountError(f"{_role_label(role)}必须有所属部门", "department")
    if department is not None and not department.active:
        raise AccountError(f"部门“{department.name}”已停用，不能分配用户", "department")
    if oversees and role != Role.LEADER:
        raise AccountError("只有分管领导可以设置分管部门", "oversees")
    stopped = [d.name for d in oversees if not d.active]
    if stopped:
        raise AccountError(f"分管部门“{'、'.join(stopped)}”已停用", "oversees")


def _check_password(password: str, user: User) -> None:
    if not password:
        raise AccountError("请填写密码", "password1")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise AccountError("；".join(_password_messages(exc)), "password1") from exc


# Django's own Chinese catalogue misses some of these (the plural "too short" comes out in
# English), so the messages of the four configured validators are written here, by code.
PASSWORD_MESSAGES = {
    "password_too_short": "密码太短，至少需要 {min_length} 个字符",
    "password_too_common": "这个密码太常见了",
    "password_entirely_numeric": "密码不能全是数字",
    "password_too_similar": "密码与用户名或姓名太相似",
}


def _password_messages(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.error_list:
        template = PASSWORD_MESSAGES.get(error.code or "")
        params = error.params if isinstance(error.params, dict) else {}
        out.append(template.format(**params) if template else " ".join(error.messages))
    return out


def _check_username(username: str) -> str:
    username = username.strip()
    if not username:
        raise AccountError("请填写用户名", "username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise AccountError("用户名只能包含字母、数字、汉字和 @ . + - _ 字符", "username") from exc
    if len(username) > 150:
        raise AccountError("用户名不能超过 150 个字符", "username")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(f"用户名“{username}”已被使用", "username")
    return username


def _sync_admin_flags(user: User) -> None:
    """Django admin access follows the role; nobody else gets staff or superuser rights."""
    admin = user.role == Role.ADMIN and user.is_active
    user.is_staff = admin
    user.is_superuser = admin


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(role=Role.ADMIN, is_active=True).exclude(pk=user.pk).exists()


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    display_name: str,
    role: str,
    department: Department | None,
    oversees: Iterable[Department] = (),
    password: str,
    bureau: Bureau | None = None,
) -> User:
    """A new account. ``actor=None`` is the command line's first administrator only."""
    _check_actor(actor)
    if actor is None and User.objects.filter(role=Role.ADMIN, is_active=True).exists():
        raise NotAllowed(gettext("已有系统管理员：请以管理员身份（--user）创建用户"))
    username = _check_username(username)
    scope = sorted(set(oversees), key=lambda d: d.code)
    # A department's member serves the department's bureau; the field is for the others.
    bureau = None if department is not None else bureau
    _check_assignment(role=role, department=department, oversees=scope, actor=actor, bureau=bureau)
    user = User(
        username=username,
        display_name=display_name.strip()[:50],
        role=role,
        department=department,
        bureau=bureau,
    )
    _check_password(password, user)
    user.set_password(password)
    _sync_admin_flags(user)
    user.save()
    user.oversees.set(scope)
    record(
        UserCreated(
            object_id=str(user.pk),
            summary=(
                f"新建用户 {username}（{_role_label(role)}"
                f"{'，' + department.name if department else ''}）"
            ),
            username=username,
            role=role,
            department=_dept_label(department),
            oversees=[d.name for d in scope],
            bureau=bureau.name if bureau else "",
        ),
        actor=actor,
    )
    return user


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    display_name: Any = KEEP,
    role: Any = KEEP,
    department: Any = KEEP,
    oversees: Any = KEEP,
    is_active: Any = KEEP,
    bureau: Any = KEEP,
) -> User:
    """Change any of the given fields (others are kept); one audit event naming old → new."""
    _check_actor(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and not access.can_manage_account(actor, user):
        raise NotAllowed(gettext("该用户不属于您管理的机关"))
    old_scope = sorted(user.oversees.all(), key=lambda d: d.code)
    new_name: str = user.display_name if display_name is KEEP else display_name.strip()[:50]
    new_role: str = user.role if role is KEEP else role
    new_dept: Department | None = user.department if department is KEEP else department
    new_active: bool = user.is_active if is_active is KEEP else bool(is_active)
    scope = old_scope if oversees is KEEP else sorted(set(oversees), key=lambda d: d.code)
    if new_role != Role.LEADER and oversees is KEEP:
        scope = []  # a former leader's scope goes with the role
    new_bureau: Bureau | None = user.bureau if bureau is KEEP else bureau
    if new_dept is not None:
        new_bureau = None
    _check_assignment(
        role=new_role, department=new_dept, oversees=scope, actor=actor, bureau=new_bureau
    )
    if actor is not None and actor.pk == user.pk:
        if new_role != user.role:
            raise AccountError("不能更改自己的角色", "role")
        if not new_active:
            raise AccountError("不能停用自己的账户", "is_active")
    demoted = user.role == Role.ADMIN and (new_role != Role.ADMIN or not new_active)
    if demoted and user.is_active and not _other_active_admins(user):
        raise AccountError("这是唯一启用的系统管理员账户，不能更改其角色或停用")

    changes: dict[str, list[Any]] = {}
    labels: list[str] = []
    if new_name != user.display_name:
        changes["display_name"] = [user.display_name, new_name]
        labels.append("姓名")
    if new_role != user.role:
        changes["role"] = [user.role, new_role]
        labels.append(f"角色 {_role_label(user.role)} → {_role_label(new_role)}")
    if new_dept != user.department:
        changes["department"] = [_dept_label(user.department), _dept_label(new_dept)]
        labels.append(
            f"所属部门 {_dept_label(user.department) or '无'} → {_dept_label(new_dept) or '无'}"
        )
    if new_bureau != user.bureau:
        changes["bureau"] = [_bureau_label(user.bureau), _bureau_label(new_bureau)]
        labels.append(
            f"所属机关 {_bureau_label(user.bureau) or '全部'} → {_bureau_label(new_bureau) or '全部'}"
        )
    if [d.pk for d in scope] != [d.pk for d in old_scope]:
        changes["oversees"] = [[d.name for d in old_scope], [d.name for d in scope]]
        labels.append("分管部门")
    if new_active != user.is_active:
        changes["is_active"] = [user.is_active, new_active]
        labels.append("启用" if new_active else "停用")
    if not changes:
        return user

    user.display_name = new_name
    user.role = new_role
    user.department = new_dept
    user.bureau = new_bureau
    user.is_active = new_active
    _sync_admin_flags(user)
    user.save()
    user.oversees.set(scope)
    record(
        UserChanged(
            object_id=str(user.pk),
            summary=f"修改用户 {user.username}：{'；'.join(labels)}"[:300],
            username=user.username,
            changes=changes,
        ),
        actor=actor,
    )
    rights = {"role", "department", "oversees", "bureau"} & changes.keys()
    if rights or changes.get("is_active") == [True, False]:
        why = "账户已停用" if "is_active" in changes and not user.is_active else "账户权限变更"
        revoke_all_for_user(actor=actor, user=user, why=why)
    return user


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> User:
    """The administrator sets a new password (the user forgot theirs, or it leaked)."""
    _check_actor(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if actor is not None and not access.can_manage_account(actor, user):
        raise NotAllowed(gettext("该用户不属于您管理的机关"))
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        PasswordReset(
            object_id=str(user.pk),
            summary=f"重置用户 {user.username} 的密码",
            username=user.username,
        ),
        actor=actor,
    )
    revoke_all_for_user(actor=actor, user=user, why="密码已重置")
    return user


# --- departments -----------------------------------------------------------------------------


def check_code(code: str, *, model: type[Department | Bureau], noun: str) -> str:
    """A department's or bureau's code: a new, lower-case slug (it keys imports, exports and
    portal addresses, so it never changes once given)."""
    code = code.strip().lower()
    if not code:
        raise AccountError(f"请填写{noun}代码", "code")
    try:
        model._meta.get_field("code").run_validators(code)
    except ValidationError as exc:
        raise AccountError(
            f"{noun}代码只能包含小写字母、数字、连字符和下划线，不超过 40 个字符", "code"
        ) from exc
    if len(code) > 40:
        raise AccountError(f"{noun}代码不能超过 40 个字符", "code")
    if model.objects.filter(code=code).exists():
        raise AccountError(f"{noun}代码“{code}”已存在", "code")
    return code


def _check_department_name(name: str, *, bureau_id: int | None, exclude: int | None = None) -> str:
    name = name.strip()
    if not name:
        raise AccountError("请填写部门名称", "name")
    if len(name) > 100:
        raise AccountError("部门名称不能超过 100 个字符", "name")
    clash = Department.objects.filter(name=name, bureau=bureau_id)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise AccountError(f"本机关已有名为“{name}”的部门", "name")
    return name


@transaction.atomic
def department_create(
    *,
    actor: User | None,
    code: str,
    name: str,
    is_external: bool = False,
    bureau: Bureau | None = None,
) -> Department:
    """A new department of ``bureau`` (default: the actor's own bureau, else the root)."""
    _check_actor(actor)
    if bureau is None:
        scoped = access.bureau_scope(actor) if actor is not None else None
        own = actor.bureau if actor is not None and actor.department is None else None
        if actor is not None and actor.department is not None:
            own = actor.department.bureau
        bureau = own if scoped is not None and own is not None else None
    if bureau is None:
        bureau = Bureau.objects.get(pk=home_bureau_id())
    if actor is not None and not access.in_bureau_scope(actor, bureau.pk):
        raise AccountError(f"“{bureau.name}”不是您管理的机关", "bureau")
    code = check_code(code, model=Department, noun="部门")
    name = _check_department_name(name, bureau_id=bureau.pk)
    department = Department.objects.create(
        code=code, name=name, is_external=is_external, bureau=bureau
    )
    record(
        DepartmentCreated(
            object_id=str(department.pk),
            summary=f"新建部门 {name}（{code}，{bureau.name}）",
            code=code,
            name=name,
            is_external=is_external,
            bureau=bureau.code,
        ),
        actor=actor,
    )
    return department


@transaction.atomic
def department_update(
    *,
    actor: User | None,
    department: Department,
    name: Any = KEEP,
    is_external: Any = KEEP,
    active: Any = KEEP,
) -> Department:
    """Rename, mark as outside agency, or (de)activate. The code never changes: it is the
    department's key in imports and exports."""
    _check_actor(actor)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if actor is not None and not access.in_bureau_scope(actor, department.bureau_id):
        raise NotAllowed(gettext("该部门不属于您管理的机关"))
    new_name = (
        department.name
        if name is KEEP
        else _check_department_name(name, bureau_id=department.bureau_id, exclude=department.pk)
    )
    new_external = department.is_external if is_external is KEEP else bool(is_external)
    new_active = department.active if active is KEEP else bool(active)
    if department.active and not new_active:
        members = department.members.filter(is_active=True).count()
        if members:
            raise AccountError(
                f"部门“{department.name}”还有 {members} 个启用的用户，"
                "请先把他们调到其他部门或停用后再停用该部门",
                "active",
            )
    changes: dict[str, list[Any]] = {}
    for field, value in (("name", new_name), ("is_external", new_external), ("active", new_active)):
        if getattr(department, field) != value:
            changes[field] = [getattr(department, field), value]
            setattr(department, field, value)
    if not changes:
        return department
    department.save()
    labels = {"name": "名称", "is_external": "外部机关", "active": "启用" if new_active else "停用"}
    record(
        DepartmentChanged(
            object_id=str(department.pk),
            summary=f"修改部门 {department.name}：{'、'.join(labels[f] for f in changes)}",
            code=department.code,
            changes=changes,
        ),
        actor=actor,
    )
    return department
