"""Conflict-of-interest declarations: who sees, declares and withdraws what."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.directory import services
from spotcheck.directory.models import ConflictDeclaration, Inspector, Target
from tests.conftest import Personas
from tests.factories import InspectorFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(personas: Personas) -> Inspector:
    """The inspector persona's own directory record."""
    return InspectorFactory(name="本人", department=personas.dept, user=personas.inspector)


@pytest.fixture
def colleague(personas: Personas) -> Inspector:
    return InspectorFactory(name="同事", department=personas.dept)


@pytest.fixture
def outsider(personas: Personas) -> Inspector:
    return InspectorFactory(name="外科室人员", department=personas.other_dept)


@pytest.fixture
def target(personas: Personas) -> Target:
    return TargetFactory(name="有关联的公司", departments=[personas.dept])


def test_inspector_declares_own_conflict_by_credit_code(
    client: Client, personas: Personas, me: Inspector, target: Target
) -> None:
    client.force_login(personas.inspector)
    url = reverse("directory:conflict_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"inspector": me.pk, "target_code": target.credit_code.lower(), "relation": "kin"},
    )
    assert response.status_code == 302
    conflict = ConflictDeclaration.objects.get()
    assert (conflict.inspector, conflict.target, conflict.declared_by) == (
        me,
        target,
        personas.inspector,
    )


def test_inspector_cannot_declare_for_someone_else(
    client: Client, personas: Personas, me: Inspector, colleague: Inspector, target: Target
) -> None:
    client.force_login(personas.inspector)
    response = client.post(
        reverse("directory:conflict_create"),
        {"inspector": colleague.pk, "target_code": target.credit_code, "relation": "kin"},
    )
    assert response.status_code == 200  # not a valid choice for this user
    assert not ConflictDeclaration.objects.exists()


def test_unknown_credit_code_is_a_form_error(
    client: Client, personas: Personas, me: Inspector
) -> None:
    client.force_login(personas.inspector)
    response = client.post(
        reverse("directory:conflict_create"),
        {"inspector": me.pk, "target_code": "91640106MA0000000X", "relation": "kin"},
    )
    assert "未找到统一社会信用代码为 91640106MA0000000X 的检查对象" in response.content.decode()


def test_duplicate_declaration_is_a_form_error(
    client: Client, personas: Personas, me: Inspector, target: Target
) -> None:
    services.conflict_declare(actor=personas.inspector, inspector=me, target=target, relation="kin")
    client.force_login(personas.inspector)
    response = client.post(
        reverse("directory:conflict_create"),
        {"inspector": me.pk, "target_code": target.credit_code, "relation": "other"},
    )
    assert response.status_code == 200
    assert "已申报" in response.content.decode()


def test_inspector_without_record_gets_403(client: Client, personas: Personas) -> None:
    client.force_login(personas.inspector)
    assert client.get(reverse("directory:conflict_create")).status_code == 403


def test_section_declares_for_own_department_only(
    client: Client, personas: Personas, colleague: Inspector, outsider: Inspector, target: Target
) -> None:
    client.force_login(personas.section)
    url = reverse("directory:conflict_create")
    ok = client.post(
        url, {"inspector": colleague.pk, "target_code": target.credit_code, "relation": "other"}
    )
    assert ok.status_code == 302
    refused = client.post(
        url, {"inspector": outsider.pk, "target_code": target.credit_code, "relation": "other"}
    )
    assert refused.status_code == 200
    assert ConflictDeclaration.objects.count() == 1


def test_inspectors_see_only_their_own_declarations(
    client: Client, personas: Personas, me: Inspector, colleague: Inspector, target: Target
) -> None:
    services.conflict_declare(actor=personas.inspector, inspector=me, target=target, relation="kin")
    other = TargetFactory(name="同事关联公司")
    services.conflict_declare(
        actor=personas.section, inspector=colleague, target=other, relation="other"
    )
    client.force_login(personas.inspector)
    content = client.get(reverse("directory:conflict_list")).content.decode()
    assert target.name in content and other.name not in content
    client.force_login(personas.auditor)
    content = client.get(reverse("directory:conflict_list")).content.decode()
    assert target.name in content and other.name in content


def test_withdraw_is_post_only_and_scoped(
    client: Client, personas: Personas, me: Inspector, target: Target
) -> None:
    conflict = services.conflict_declare(
        actor=personas.inspector, inspector=me, target=target, relation="kin"
    )
    url = reverse("directory:conflict_withdraw", args=[conflict.pk])
    for role in ("auditor", "other_section", "leader"):
        client.force_login(getattr(personas, role))
        assert client.post(url).status_code == 403
    client.force_login(personas.inspector)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    conflict.refresh_from_db()
    assert conflict.withdrawn_at is not None
    # A second withdrawal is a message, not an error page.
    response = client.post(url, follow=True)
    assert "该申报已撤回" in response.content.decode()


def test_read_only_roles_cannot_declare(client: Client, personas: Personas) -> None:
    for role in ("auditor", "leader", "legal_reviewer", "admin"):
        client.force_login(getattr(personas, role))
        assert client.get(reverse("directory:conflict_create")).status_code == 403
        assert client.post(reverse("directory:conflict_create"), {}).status_code == 403


def test_anonymous_redirected(client: Client) -> None:
    for url in (
        reverse("directory:conflict_list"),
        reverse("directory:conflict_create"),
        reverse("directory:conflict_withdraw", args=[1]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_detail_pages_list_open_declarations(
    client: Client, personas: Personas, me: Inspector, colleague: Inspector, target: Target
) -> None:
    services.conflict_declare(actor=personas.inspector, inspector=me, target=target, relation="kin")
    client.force_login(personas.section)
    content = client.get(reverse("directory:target_detail", args=[target.pk])).content.decode()
    assert "近亲属关系" in content and me.name in content
    content = client.get(reverse("directory:inspector_detail", args=[me.pk])).content.decode()
    assert "近亲属关系" in content
    # An inspector looking at a colleague sees none of the colleague's declarations.
    services.conflict_declare(
        actor=personas.section, inspector=colleague, target=target, relation="other"
    )
    client.force_login(personas.inspector)
    content = client.get(reverse("directory:inspector_detail", args=[colleague.pk])).content
    assert "其他利害关系".encode() not in content
