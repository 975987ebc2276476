"""The organisation tree is maintained in the app by an administrator of the whole
deployment; a bureau's administrator manages the accounts and departments of its bureaus."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.accounts import services
from spotcheck.accounts.models import Bureau, Department, Role
from spotcheck.accounts.services import AccountError
from spotcheck.accounts.services_bureaus import bureau_create, bureau_update
from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed
from tests.bureaus.conftest import Tree, fresh

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_tree_is_kept_when_a_bureau_moves(tree: Tree) -> None:
    admin = tree.p.admin
    moved = bureau_update(actor=admin, bureau=tree.district_b, parent=tree.province, level="city")
    assert moved.path == f"{tree.province.path}{moved.pk}/"
    street = bureau_create(
        actor=admin, code="street", name="某街道办", level="district", parent=moved
    )
    # Moving a bureau carries everything under it along.
    bureau_update(actor=admin, bureau=moved, parent=None, name="乙市商务局")
    assert Bureau.objects.get(pk=moved.pk).path == f"/{moved.pk}/"
    assert Bureau.objects.get(pk=street.pk).path.startswith(Bureau.objects.get(pk=moved.pk).path)
    with pytest.raises(AccountError, match="自己或它的下级"):
        bureau_update(actor=admin, bureau=moved, parent=street)
    with pytest.raises(AccountError, match="层级必须更高"):
        bureau_create(actor=admin, code="x", name="某县", level="city", parent=tree.city)
    with pytest.raises(AccountError, match="已存在"):
        bureau_create(actor=admin, code="city", name="新", level="district", parent=None)
    with pytest.raises(AccountError, match="只能包含"):
        bureau_create(actor=admin, code="Bad Code", name="新", level="district", parent=None)
    with pytest.raises(AccountError, match="下级机关"):
        bureau_update(actor=admin, bureau=tree.city, level="district")
    kinds = list(
        AuditEvent.objects.filter(object_type="accounts.bureau").values_list(
            "event_type", flat=True
        )
    )
    assert kinds.count("accounts.bureau_created") == 1
    assert kinds.count("accounts.bureau_changed") == 2


def test_only_a_whole_deployment_admin_edits_the_tree(tree: Tree) -> None:
    with pytest.raises(NotAllowed):
        bureau_create(
            actor=fresh(tree.city_admin), code="y", name="某区", level="district", parent=tree.city
        )
    for user in (tree.city_admin, tree.section_b, tree.p.auditor):
        assert _client(user).get(reverse("accounts:bureau_list")).status_code == 403
    client = _client(tree.p.admin)
    page = client.get(reverse("accounts:bureau_list")).content.decode()
    assert "乙区商务局" in page and "/b/district-b/public/" in page
    response = client.post(
        reverse("accounts:bureau_list"),
        {"code": "district-c", "name": "丙区商务局", "level": "district", "parent": tree.city.pk},
    )
    assert response.status_code == 302
    assert Bureau.objects.get(code="district-c").parent == tree.city
    response = client.post(
        reverse("accounts:bureau_list"),
        {"code": "district-d", "name": "丙区商务局", "level": "district", "parent": ""},
    )
    assert "机关名称“丙区商务局”已存在" in response.content.decode()
    response = client.post(
        reverse("accounts:bureau_edit", args=[tree.city.pk]),
        {"name": "某市商务局", "level": "city", "parent": tree.district_a.pk},
    )
    assert "不能把机关放到它自己或它的下级机关之下" in response.content.decode()


def test_a_bureau_admin_manages_its_own_bureaus_only(tree: Tree) -> None:
    province_dept = Department.objects.create(code="prov", name="厅办公室", bureau=tree.province)
    admin = fresh(tree.city_admin)
    client = _client(tree.city_admin)
    users = client.get(reverse("accounts:user_list")).content.decode()
    assert tree.section_b.username in users and tree.p.section.username in users
    assert ">auditor<" not in users  # the province's own auditor
    assert client.get(reverse("accounts:user_edit", args=[tree.p.auditor.pk])).status_code == 404
    assert (
        client.get(reverse("accounts:department_edit", args=[province_dept.pk])).status_code == 404
    )
    assert "厅办公室" not in client.get(reverse("accounts:department_list")).content.decode()
    with pytest.raises(AccountError, match="不属于您管理的机关"):
        services.user_create(
            actor=admin,
            username="newbie",
            display_name="新人",
            role=Role.SECTION,
            department=province_dept,
            password="Long-enough-pw-2026",
        )
    with pytest.raises(AccountError, match="请选择您管理的机关"):
        services.user_create(
            actor=admin,
            username="newbie",
            display_name="新人",
            role=Role.AUDITOR,
            department=None,
            password="Long-enough-pw-2026",
        )
    auditor = services.user_create(
        actor=admin,
        username="newbie",
        display_name="新人",
        role=Role.AUDITOR,
        department=None,
        bureau=tree.district_b,
        password="Long-enough-pw-2026",
    )
    assert auditor.bureau == tree.district_b
    with pytest.raises(NotAllowed):
        services.user_update(actor=admin, user=tree.p.auditor, display_name="改名")
    with pytest.raises(NotAllowed):
        services.user_set_password(actor=admin, user=tree.p.auditor, password="Another-pw-2026")
    # Its departments land in its own bureau unless it names one of its bureaus.
    dept = services.department_create(actor=admin, code="c-new", name="新科")
    assert dept.bureau == tree.city
    with pytest.raises(AccountError, match="不是您管理的机关"):
        services.department_create(actor=admin, code="c-x", name="新科2", bureau=tree.province)


def test_department_names_are_unique_within_a_bureau(tree: Tree) -> None:
    admin = tree.p.admin
    # 乙区 already has a 市场建设科 named like 甲区's (the fixture made it).
    assert tree.dept_b.name == tree.p.dept.name
    with pytest.raises(AccountError, match="本机关已有"):
        services.department_create(
            actor=admin, code="b-dup", name=tree.p.dept.name, bureau=tree.district_b
        )
    event = AuditEvent.objects.filter(event_type="accounts.department_created").count()
    services.department_create(actor=admin, code="c-m", name=tree.p.dept.name, bureau=tree.city)
    assert AuditEvent.objects.filter(event_type="accounts.department_created").count() == event + 1


def test_moving_a_bureau_changes_who_oversees_it(tree: Tree) -> None:
    from spotcheck.core import access

    assert tree.district_b.pk in access.bureau_scope(fresh(tree.city_auditor))  # type: ignore[operator]
    bureau_update(actor=tree.p.admin, bureau=tree.district_b, parent=tree.province)
    assert tree.district_b.pk not in access.bureau_scope(fresh(tree.city_auditor))  # type: ignore[operator]


def test_the_risk_model_is_published_by_a_whole_deployment_admin_only(tree: Tree) -> None:
    from spotcheck.credit.services import risk_model_create
    from spotcheck.engine.risk import DEFAULT_RISK_CONFIG

    with pytest.raises(NotAllowed):
        risk_model_create(actor=fresh(tree.city_admin), config=dict(DEFAULT_RISK_CONFIG))
    response = _client(tree.city_admin).post(reverse("credit:risk_model"), {"note": "x"})
    assert response.status_code == 403
    assert risk_model_create(actor=fresh(tree.p.admin), config=dict(DEFAULT_RISK_CONFIG))


def test_the_commands_give_a_user_its_bureau(tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from spotcheck.accounts.models import User

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Long-enough-pw-2026")
    call_command(
        "user_create", user="admin", username="aud_c", role=Role.AUDITOR, bureau="district-b"
    )
    assert User.objects.get(username="aud_c").bureau == tree.district_b
    call_command("user_update", user="admin", username="aud_c", bureau="city")
    assert User.objects.get(username="aud_c").bureau == tree.city
    call_command("user_update", user="admin", username="aud_c", bureau="")
    assert User.objects.get(username="aud_c").bureau is None
    with pytest.raises(CommandError, match="找不到机关代码 nowhere"):
        call_command("user_update", user="admin", username="aud_c", bureau="nowhere")
    # A city's administrator cannot hand out the whole province.
    with pytest.raises(CommandError, match="请选择您管理的机关"):
        call_command("user_update", user="city_admin", username="auditor_b", bureau="")
