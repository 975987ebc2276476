"""用户与部门管理 (issue 13): every change of who may do what goes through an audited service,
whatever the path — the in-app pages, Django admin (read-only) or the management commands.
There is no API for users. Bad input gets Chinese messages and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from spotcheck.accounts import services
from spotcheck.accounts.models import Department, Role, User
from spotcheck.api import services as token_services
from spotcheck.api.models import ApiToken
from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
STRONG = "Qiang-mima-2026!"


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event_type).order_by("seq"))


def _admin_client(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.admin)
    return client


def _create_form(**overrides: Any) -> dict[str, Any]:
    data = {
        "username": "zhangsan",
        "display_name": "张三",
        "role": Role.SECTION,
        "department": "",
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(overrides)
    return data


# --- the in-app pages ---------------------------------------------------------------------------


def test_admin_creates_a_user_and_the_chain_records_it(personas: Personas) -> None:
    client = _admin_client(personas)
    response = client.post(
        reverse("accounts:user_create"), _create_form(department=personas.dept.pk)
    )
    assert response.status_code == 302
    user = User.objects.get(username="zhangsan")
    assert (user.role, user.department, user.is_staff) == (Role.SECTION, personas.dept, False)
    assert user.check_password(STRONG)
    (event,) = _events("accounts.user_created")
    assert event.actor == personas.admin and event.object_id == str(user.pk)
    assert event.payload["role"] == "section" and event.payload["department"] == "市场建设科"
    assert STRONG not in str(event.payload) and STRONG not in event.summary


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"username": "section"}, "用户名“section”已被使用"),
        ({"username": "SECTION"}, "用户名“SECTION”已被使用"),
        ({"department": ""}, "业务科室人员必须有所属部门"),
        ({"role": Role.INSPECTOR, "department": ""}, "执法检查人员必须有所属部门"),
        ({"password1": "zhangsan1", "password2": "zhangsan1"}, "密码与用户名或姓名太相似"),
        ({"password1": "12345678", "password2": "12345678"}, "这个密码太常见了；密码不能全是数字"),
        ({"password1": "ab1", "password2": "ab1"}, "密码太短，至少需要 8 个字符"),
        ({"password2": "something-else-1"}, "两次输入的密码不一致"),
        ({"username": "bad name!"}, "用户名只能包含"),
    ],
)
def test_bad_input_gets_a_chinese_message_and_writes_nothing(
    personas: Personas, overrides: dict[str, Any], message: str
) -> None:
    data = _create_form(department=personas.dept.pk)
    data.update(overrides)
    users, events = User.objects.count(), AuditEvent.objects.count()
    response = _admin_client(personas).post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == (users, events)


def test_oversees_only_for_leaders(personas: Personas) -> None:
    data = _create_form(department=personas.dept.pk, oversees=[personas.other_dept.pk])
    response = _admin_client(personas).post(reverse("accounts:user_create"), data)
    assert "只有分管领导可以设置分管部门" in response.content.decode()
    data["role"] = Role.LEADER
    assert _admin_client(personas).post(reverse("accounts:user_create"), data).status_code == 302
    leader = User.objects.get(username="zhangsan")
    assert leader.department_ids() == {personas.dept.pk, personas.other_dept.pk}


def _edit_form(user: User, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "display_name": user.display_name,
        "role": user.role,
        "department": user.department_id or "",
        "oversees": [d.pk for d in user.oversees.all()],
        "is_active": "on" if user.is_active else "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_role_change_in_app_is_audited_and_revokes_tokens(personas: Personas) -> None:
    token_services.token_create(actor=personas.section)
    client = _admin_client(personas)
    url = reverse("accounts:user_edit", args=[personas.section.pk])
    response = client.post(url, _edit_form(personas.section, role=Role.AUDITOR, department=""))
    assert response.status_code == 302
    personas.section.refresh_from_db()
    assert (personas.section.role, personas.section.department) == (Role.AUDITOR, None)
    (event,) = _events("accounts.user_changed")
    assert event.actor == personas.admin
    assert event.payload["changes"]["role"] == ["section", "auditor"]
    assert event.payload["changes"]["department"] == ["市场建设科", ""]
    assert "角色 业务科室人员 → 纪检监督" in event.summary
    assert not ApiToken.objects.filter(user=personas.section, revoked_at__isnull=True).exists()
    revoked = _events("api.token_revoked")
    assert [e.actor for e in revoked] == [personas.admin]


def test_saving_without_changes_writes_no_event(personas: Personas) -> None:
    client = _admin_client(personas)
    url = reverse("accounts:user_edit", args=[personas.section.pk])
    assert client.post(url, _edit_form(personas.section)).status_code == 302
    assert _events("accounts.user_changed") == []


def test_deactivation_and_password_reset(personas: Personas) -> None:
    client = _admin_client(personas)
    url = reverse("accounts:user_edit", args=[personas.section.pk])
    client.post(url, _edit_form(personas.section, is_active=""))
    personas.section.refresh_from_db()
    assert personas.section.is_active is False
    assert _events("accounts.user_changed")[0].payload["changes"] == {"is_active": [True, False]}
    url = reverse("accounts:user_password", args=[personas.section.pk])
    response = client.post(url, {"password1": "abc", "password2": "abc"})
    assert "密码太短，至少需要 8 个字符" in response.content.decode()
    response = client.post(url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    personas.section.refresh_from_db()
    assert personas.section.check_password(STRONG)
    (event,) = _events("accounts.password_reset")
    assert STRONG not in str(event.payload)


def test_an_admin_cannot_demote_or_deactivate_itself(personas: Personas) -> None:
    client = _admin_client(personas)
    url = reverse("accounts:user_edit", args=[personas.admin.pk])
    response = client.post(url, _edit_form(personas.admin, role=Role.AUDITOR))
    assert "不能更改自己的角色" in response.content.decode()
    response = client.post(url, _edit_form(personas.admin, is_active=""))
    assert "不能停用自己的账户" in response.content.decode()
    personas.admin.refresh_from_db()
    assert personas.admin.role == Role.ADMIN and personas.admin.is_active


def test_staff_rights_follow_the_role(personas: Personas) -> None:
    user = services.user_update(actor=personas.admin, user=personas.auditor, role=Role.ADMIN)
    assert user.is_staff and user.is_superuser
    user = services.user_update(actor=user, user=personas.admin, role=Role.AUDITOR)
    assert not user.is_staff and not user.is_superuser


def test_departments_are_managed_in_app(personas: Personas) -> None:
    client = _admin_client(personas)
    url = reverse("accounts:department_list")
    response = client.post(url, {"code": "trade", "name": "新科室"})
    assert "部门代码“trade”已存在" in response.content.decode()
    response = client.post(url, {"code": "Bad Code", "name": "新科室"})
    assert "部门代码只能包含" in response.content.decode()
    response = client.post(url, {"code": "energy", "name": "市场建设科"})
    assert "本机关已有名为“市场建设科”的部门" in response.content.decode()
    assert client.post(url, {"code": "energy", "name": "能源科"}).status_code == 302
    energy = Department.objects.get(code="energy")
    assert _events("accounts.department_created")[0].payload["name"] == "能源科"
    edit = reverse("accounts:department_edit", args=[personas.dept.pk])
    response = client.post(edit, {"name": personas.dept.name})  # active unticked
    assert "还有" in response.content.decode() and "启用的用户" in response.content.decode()
    assert Department.objects.get(pk=personas.dept.pk).active
    edit = reverse("accounts:department_edit", args=[energy.pk])
    assert client.post(edit, {"name": "能源管理科"}).status_code == 302
    energy.refresh_from_db()
    assert (energy.name, energy.active) == ("能源管理科", False)
    (event,) = _events("accounts.department_changed")
    assert event.payload["changes"] == {"name": ["能源科", "能源管理科"], "active": [True, False]}


MANAGE_URLS = [
    ("accounts:user_list", False),
    ("accounts:user_create", False),
    ("accounts:user_edit", True),
    ("accounts:user_password", True),
    ("accounts:user_token_revoke", True),
    ("accounts:department_list", False),
]


@pytest.mark.parametrize(("name", "needs_pk"), MANAGE_URLS)
@pytest.mark.parametrize(
    "persona", ["section", "other_section", "inspector", "legal_reviewer", "leader", "auditor"]
)
def test_every_other_role_gets_403(
    personas: Personas, name: str, needs_pk: bool, persona: str
) -> None:
    client = Client()
    client.force_login(getattr(personas, persona))
    url = reverse(name, args=[personas.section.pk] if needs_pk else [])
    events = AuditEvent.objects.count()
    assert client.post(url, _create_form(role=Role.ADMIN)).status_code == 403
    assert AuditEvent.objects.count() == events
    personas.section.refresh_from_db()
    assert personas.section.role == Role.SECTION


def test_services_refuse_other_roles(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.user_update(actor=personas.leader, user=personas.section, role=Role.AUDITOR)
    with pytest.raises(NotAllowed):
        services.department_create(actor=personas.auditor, code="x", name="x")


def test_the_menu_links_user_management_for_the_administrator_only(personas: Personas) -> None:
    for persona, shown in (("admin", True), ("auditor", False), ("section", False)):
        client = Client()
        client.force_login(getattr(personas, persona))
        page = client.get(reverse("core:home")).content.decode()
        assert (reverse("accounts:user_list") in page) is shown


# --- Django admin: read-only ---------------------------------------------------------------------


def test_django_admin_cannot_change_a_role(personas: Personas) -> None:
    client = _admin_client(personas)
    url = reverse("admin:accounts_user_change", args=[personas.section.pk])
    page = client.get(url)
    assert page.status_code == 200  # viewable, with a link to the in-app page
    assert reverse("accounts:user_edit", args=[personas.section.pk]) in page.content.decode()
    events = AuditEvent.objects.count()
    response = client.post(
        url,
        {
            "username": "section",
            "role": Role.AUDITOR,
            "department": "",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "date_joined_0": "2026-01-01",  # fixed-date: form data of a refused request
            "date_joined_1": "00:00:00",
        },
    )
    assert response.status_code == 403
    personas.section.refresh_from_db()
    assert (personas.section.role, personas.section.is_superuser) == (Role.SECTION, False)
    assert AuditEvent.objects.count() == events
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    password = reverse("admin:auth_user_password_change", args=[personas.section.pk])
    assert client.post(password, {"password1": STRONG, "password2": STRONG}).status_code in {
        403,
        404,
    }
    dept = reverse("admin:accounts_department_change", args=[personas.dept.pk])
    assert client.post(dept, {"code": "x", "name": "改名"}).status_code == 403


# --- management commands ---------------------------------------------------------------------------


def _prompt(monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    monkeypatch.setattr("getpass.getpass", lambda prompt="": password)


def test_role_change_by_command_is_audited(
    personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command(
        "user_update", user="admin", username="section", role=Role.LEADER, oversees="trade"
    )
    personas.section.refresh_from_db()
    assert personas.section.role == Role.LEADER
    assert personas.section.department_ids() == {personas.dept.pk, personas.other_dept.pk}
    (event,) = _events("accounts.user_changed")
    assert event.actor == personas.admin and event.payload["changes"]["role"][1] == "leader"
    with pytest.raises(CommandError, match="只有系统管理员"):
        call_command("user_update", user="auditor", username="section", role=Role.ADMIN)
    _prompt(monkeypatch, "123")
    with pytest.raises(CommandError, match="密码"):
        call_command("user_update", user="admin", username="section", reset_password=True)


def test_first_administrator_by_command_then_only_by_an_administrator(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _prompt(monkeypatch, STRONG)
    call_command("user_create", username="root", role=Role.ADMIN)
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.check_password(STRONG)
    (event,) = _events("accounts.user_created")
    assert event.actor is None and event.actor_label == "system"
    with pytest.raises(CommandError, match="已有系统管理员"):
        call_command("user_create", username="second", role=Role.ADMIN)
    Department.objects.create(code="market", name="市场建设科")
    call_command(
        "user_create", user="root", username="clerk", role=Role.SECTION, department="market"
    )
    assert User.objects.get(username="clerk").department.code == "market"
    with pytest.raises(CommandError, match="必须有所属部门"):
        call_command("user_create", user="root", username="clerk2", role=Role.SECTION)
