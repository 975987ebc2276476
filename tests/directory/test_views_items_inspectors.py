"""Item list and inspector directory pages: list, detail/history, create/edit, access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.directory.models import CheckItem, Inspector
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_item(personas: Personas) -> CheckItem:
    return CheckItemFactory(code="SC-001", name="单用途商业预付卡检查", department=personas.dept)


@pytest.fixture
def foreign_item(personas: Personas) -> CheckItem:
    return CheckItemFactory(code="SC-002", name="拍卖企业检查", department=personas.other_dept)


@pytest.fixture
def own_inspector(personas: Personas) -> Inspector:
    return InspectorFactory(cert_no="64010620000001", name="李执法", department=personas.dept)


def item_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": "SC-100",
        "name": "报废机动车回收拆解检查",
        "legal_basis": "《报废机动车回收管理办法》",
        "content": "检查资质认定、回收拆解记录",
        "disclosure_channel": "区政府门户网站",
        "target_kinds": ["enterprise"],
        "category": "key",
        "active": "on",
    }
    data.update(overrides)
    return data


def inspector_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "cert_no": "64010620009999",
        "name": "王检查",
        "employee_no": "A-01",
        "cert_valid_from": (today - dt.timedelta(days=365)).isoformat(),
        "cert_valid_to": (today + dt.timedelta(days=4 * 365)).isoformat(),
        "status": "active",
        "expertise_industries": "F52",
        "phone": "0951-0000000",
    }
    data.update(overrides)
    return data


# --- items -------------------------------------------------------------------------------


def test_inspector_can_read_item_list_and_detail_without_history(
    client: Client, personas: Personas, own_item: CheckItem
) -> None:
    client.force_login(personas.inspector)
    response = client.get(reverse("directory:item_list"))
    assert response.status_code == 200
    assert own_item.name in response.content.decode()
    detail = client.get(reverse("directory:item_detail", args=[own_item.pk]))
    assert detail.status_code == 200
    assert detail.context["history"] is None
    assert reverse("directory:item_create") not in response.content.decode()


def test_item_search(
    client: Client, personas: Personas, own_item: CheckItem, foreign_item: CheckItem
) -> None:
    client.force_login(personas.auditor)
    content = client.get(reverse("directory:item_list"), {"q": "预付卡"}).content.decode()
    assert own_item.name in content and foreign_item.name not in content
    content = client.get(
        reverse("directory:item_list"), {"department": personas.other_dept.pk}
    ).content.decode()
    assert foreign_item.name in content and own_item.name not in content


def test_section_creates_item_for_own_department(client: Client, personas: Personas) -> None:
    client.force_login(personas.section)
    response = client.post(reverse("directory:item_create"), item_data())
    item = CheckItem.objects.get(code="SC-100")
    assert response.status_code == 302
    assert item.department == personas.dept
    assert item.target_kinds == ["enterprise"]


def test_item_edit_records_history(client: Client, personas: Personas, own_item: CheckItem) -> None:
    client.force_login(personas.section)
    url = reverse("directory:item_edit", args=[own_item.pk])
    data = item_data(code=own_item.code, name="单用途商业预付卡专项检查")
    assert client.post(url, data).status_code == 302
    content = client.get(reverse("directory:item_detail", args=[own_item.pk])).content.decode()
    assert "单用途商业预付卡专项检查" in content
    assert "抽查事项名称" in content and "section" in content


def test_other_section_cannot_edit_item(
    client: Client, personas: Personas, own_item: CheckItem
) -> None:
    client.force_login(personas.other_section)
    url = reverse("directory:item_edit", args=[own_item.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, item_data(code=own_item.code)).status_code == 403


@pytest.mark.parametrize("role", ["auditor", "leader", "legal_reviewer", "admin", "inspector"])
def test_non_section_roles_cannot_create_or_edit_items(
    client: Client, personas: Personas, own_item: CheckItem, role: str
) -> None:
    client.force_login(getattr(personas, role))
    assert client.get(reverse("directory:item_create")).status_code == 403
    assert client.post(reverse("directory:item_create"), item_data()).status_code == 403
    url = reverse("directory:item_edit", args=[own_item.pk])
    assert client.post(url, item_data(code=own_item.code)).status_code == 403


def test_duplicate_item_code_is_form_error(
    client: Client, personas: Personas, own_item: CheckItem
) -> None:
    client.force_login(personas.section)
    response = client.post(reverse("directory:item_create"), item_data(code=own_item.code))
    assert response.status_code == 200
    assert response.context["form"].errors


# --- inspectors --------------------------------------------------------------------------


def test_inspector_list_shows_qualification(
    client: Client, personas: Personas, today: dt.date
) -> None:
    expired = InspectorFactory(
        name="过期证件",
        department=personas.dept,
        cert_valid_to=today - dt.timedelta(days=1),
        cert_valid_from=today - dt.timedelta(days=5 * 365),
    )
    client.force_login(personas.inspector)
    response = client.get(reverse("directory:inspector_list"))
    assert response.status_code == 200
    assert expired.name in response.content.decode()
    assert "已过期" in response.content.decode()


def test_inspector_list_invalid_status_is_reported(client: Client, personas: Personas) -> None:
    client.force_login(personas.section)
    response = client.get(reverse("directory:inspector_list"), {"status": "zzz", "page": "x"})
    assert response.status_code == 200
    assert "状态的取值“zzz”无效" in response.content.decode()


def test_section_creates_inspector(client: Client, personas: Personas) -> None:
    client.force_login(personas.section)
    response = client.post(
        reverse("directory:inspector_create"), inspector_data(user=personas.inspector.pk)
    )
    assert response.status_code == 302
    inspector = Inspector.objects.get(cert_no="64010620009999")
    assert inspector.department == personas.dept
    assert inspector.user == personas.inspector


def test_inspector_edit_and_history(
    client: Client, personas: Personas, own_inspector: Inspector
) -> None:
    client.force_login(personas.section)
    url = reverse("directory:inspector_edit", args=[own_inspector.pk])
    data = inspector_data(cert_no=own_inspector.cert_no, name=own_inspector.name, status="leave")
    assert client.post(url, data).status_code == 302
    detail = client.get(reverse("directory:inspector_detail", args=[own_inspector.pk]))
    content = detail.content.decode()
    assert "休假/借调" in content and "在岗" in content and "section" in content


def test_inspector_detail_hides_history_from_inspectors(
    client: Client, personas: Personas, own_inspector: Inspector
) -> None:
    client.force_login(personas.inspector)
    response = client.get(reverse("directory:inspector_detail", args=[own_inspector.pk]))
    assert response.status_code == 200
    assert response.context["history"] is None


def test_other_section_cannot_edit_inspector(
    client: Client, personas: Personas, own_inspector: Inspector
) -> None:
    client.force_login(personas.other_section)
    url = reverse("directory:inspector_edit", args=[own_inspector.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, inspector_data(cert_no=own_inspector.cert_no)).status_code == 403


def test_auditor_cannot_post_inspector_forms(
    client: Client, personas: Personas, own_inspector: Inspector
) -> None:
    client.force_login(personas.auditor)
    assert client.post(reverse("directory:inspector_create"), inspector_data()).status_code == 403
    url = reverse("directory:inspector_edit", args=[own_inspector.pk])
    assert client.post(url, inspector_data()).status_code == 403


def test_anonymous_redirected_from_item_and_inspector_pages(
    client: Client, own_item: CheckItem, own_inspector: Inspector
) -> None:
    for url in (
        reverse("directory:item_list"),
        reverse("directory:item_detail", args=[own_item.pk]),
        reverse("directory:item_create"),
        reverse("directory:item_edit", args=[own_item.pk]),
        reverse("directory:inspector_list"),
        reverse("directory:inspector_detail", args=[own_inspector.pk]),
        reverse("directory:inspector_create"),
        reverse("directory:inspector_edit", args=[own_inspector.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login"))
