"""Target directory pages: list filters, pagination, detail with history, create/edit, access."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import Target
from tests.conftest import Personas
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def own_target(personas: Personas) -> Target:
    return TargetFactory(
        name="金凤本科室商贸有限公司",
        industry_code="F5211",
        region="黄河东路街道",
        departments=[personas.dept],
    )


@pytest.fixture
def foreign_target(personas: Personas) -> Target:
    return TargetFactory(
        name="外科室餐饮有限公司",
        industry_code="H6210",
        region="长城中路街道",
        departments=[personas.other_dept],
    )


def form_data(target: Target | None = None, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "credit_code": make_code("91", "640106", "MA7700001"),
        "name": "金凤新开商贸有限公司",
        "kind": "enterprise",
        "legal_representative": "张三",
        "address": "金凤区正源北街1号",
        "industry_code": "F5211",
        "industry_name": "百货零售",
        "region": "黄河东路街道",
        "affiliation": "district",
        "scale": "small",
        "project_progress": "",
        "credit_class": "B",
        "supervision_grade": "2",
        "complaint_count": "0",
        "status": "active",
    }
    if target is not None:
        # Resubmit the record as it is, so only the overrides count as changes.
        for name in data:
            value = getattr(target, name)
            data[name] = "on" if value is True else ("" if value is False else value)
        for flag in ("key_industry", "blacklisted", "abnormal_list", "serious_violation"):
            if getattr(target, flag):
                data[flag] = "on"
    data.update(overrides)
    return data


# --- list --------------------------------------------------------------------------------


def test_list_filters_by_industry_prefix_and_region(
    client: Client, personas: Personas, own_target: Target, foreign_target: Target
) -> None:
    login(client, personas.section)
    url = reverse("directory:target_list")
    response = client.get(url, {"industry": "f52", "region": "黄河东路街道"})
    assert response.status_code == 200
    content = response.content.decode()
    assert own_target.name in content
    assert foreign_target.name not in content


def test_list_flag_and_choice_filters(client: Client, personas: Personas) -> None:
    black = TargetFactory(name="黑名单企业", blacklisted=True, credit_class="D")
    clean = TargetFactory(name="守信企业", credit_class="A")
    login(client, personas.auditor)
    content = client.get(reverse("directory:target_list"), {"flag": "blacklisted"}).content
    assert black.name.encode() in content and clean.name.encode() not in content
    content = client.get(reverse("directory:target_list"), {"credit_class": "A"}).content
    assert clean.name.encode() in content and black.name.encode() not in content


def test_invalid_filter_values_show_chinese_message_not_500(
    client: Client, personas: Personas, own_target: Target
) -> None:
    login(client, personas.section)
    response = client.get(
        reverse("directory:target_list"),
        {"credit_class": "Z", "flag": "nonsense", "department": "abc", "scale": "huge"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "信用风险分类的取值“Z”无效" in content
    assert "标记“nonsense”无效" in content
    assert "监管部门的取值“abc”无效" in content
    # Ignored filters leave the list unfiltered.
    assert own_target.name in content


@pytest.mark.parametrize("page", ["abc", "999", "-1", "0"])
def test_bad_page_numbers_fall_back_instead_of_500(
    client: Client, personas: Personas, page: str
) -> None:
    TargetFactory.create_batch(3)
    login(client, personas.section)
    assert client.get(reverse("directory:target_list"), {"page": page}).status_code == 200


def test_list_paginates_50_per_page_and_keeps_filters(client: Client, personas: Personas) -> None:
    TargetFactory.create_batch(55, region="满城北街街道")
    login(client, personas.section)
    response = client.get(reverse("directory:target_list"), {"region": "满城北街街道"})
    assert len(response.context["page"].object_list) == 50
    assert response.context["page"].paginator.num_pages == 2
    assert "region=%E6%BB%A1%E5%9F%8E%E5%8C%97%E8%A1%97%E8%A1%97%E9%81%93&amp;page=2" in (
        response.content.decode()
    )
    second = client.get(reverse("directory:target_list"), {"region": "满城北街街道", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_edit_links_only_on_own_department_rows(
    client: Client, personas: Personas, own_target: Target, foreign_target: Target
) -> None:
    login(client, personas.section)
    content = client.get(reverse("directory:target_list")).content.decode()
    assert reverse("directory:target_edit", args=[own_target.pk]) in content
    assert reverse("directory:target_edit", args=[foreign_target.pk]) not in content


@pytest.mark.parametrize("role", ["auditor", "leader", "legal_reviewer", "admin"])
def test_read_only_roles_see_no_create_or_edit_buttons(
    client: Client, personas: Personas, own_target: Target, role: str
) -> None:
    login(client, getattr(personas, role))
    content = client.get(reverse("directory:target_list")).content.decode()
    assert own_target.name in content
    assert reverse("directory:target_create") not in content
    assert reverse("directory:target_edit", args=[own_target.pk]) not in content
    detail = client.get(reverse("directory:target_detail", args=[own_target.pk])).content
    assert reverse("directory:target_edit", args=[own_target.pk]).encode() not in detail


def test_inspector_cannot_read_target_directory(
    client: Client, personas: Personas, own_target: Target
) -> None:
    login(client, personas.inspector)
    assert client.get(reverse("directory:target_list")).status_code == 403
    assert client.get(reverse("directory:target_detail", args=[own_target.pk])).status_code == 403
    assert client.get(reverse("directory:target_edit", args=[own_target.pk])).status_code == 403
    assert client.post(reverse("directory:target_create"), form_data()).status_code == 403


def test_anonymous_is_sent_to_login(client: Client, own_target: Target) -> None:
    for url in (
        reverse("directory:target_list"),
        reverse("directory:target_detail", args=[own_target.pk]),
        reverse("directory:target_create"),
        reverse("directory:target_edit", args=[own_target.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


# --- create / edit -----------------------------------------------------------------------


def test_section_creates_target_in_own_department(client: Client, personas: Personas) -> None:
    login(client, personas.section)
    data = form_data(departments=[personas.dept.pk])
    response = client.post(reverse("directory:target_create"), data)
    target = Target.objects.get(credit_code=data["credit_code"])
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:target_detail", args=[target.pk])
    assert list(target.departments.all()) == [personas.dept]
    assert target.code_warning_confirmed is False


def test_create_normalises_full_width_code(client: Client, personas: Personas) -> None:
    login(client, personas.section)
    code = make_code("91", "640106", "MA7700002")
    full_width = " ".join(code).translate({ord(c): ord(c) + 0xFEE0 for c in code})
    client.post(
        reverse("directory:target_create"),
        form_data(credit_code=full_width, departments=[personas.dept.pk]),
    )
    assert Target.objects.filter(credit_code=code).exists()


def test_create_must_include_own_department(client: Client, personas: Personas) -> None:
    login(client, personas.section)
    data = form_data(departments=[personas.other_dept.pk])
    response = client.post(reverse("directory:target_create"), data)
    assert response.status_code == 200
    assert "监管部门必须包含本部门" in response.content.decode()
    assert not Target.objects.filter(credit_code=data["credit_code"]).exists()


def test_duplicate_code_is_a_form_error(
    client: Client, personas: Personas, own_target: Target
) -> None:
    login(client, personas.section)
    response = client.post(
        reverse("directory:target_create"),
        form_data(credit_code=own_target.credit_code, departments=[personas.dept.pk]),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    assert Target.objects.filter(credit_code=own_target.credit_code).count() == 1


def test_section_edits_own_target_and_history_shows_who_and_what(
    client: Client, personas: Personas, own_target: Target
) -> None:
    login(client, personas.section)
    url = reverse("directory:target_edit", args=[own_target.pk])
    assert client.get(url).status_code == 200
    data = form_data(own_target, credit_class="D", departments=[personas.dept.pk])
    response = client.post(url, data)
    assert response.status_code == 302
    own_target.refresh_from_db()
    assert own_target.credit_class == "D"

    detail = client.get(reverse("directory:target_detail", args=[own_target.pk]))
    content = detail.content.decode()
    assert "变更记录" in content
    assert "section" in content  # the username of who changed it
    assert "信用风险分类" in content
    assert "B类（一般风险）" in content and "D类（高风险）" in content
    rows = detail.context["history"]
    assert rows[0].user == personas.section
    assert rows[0].kind == "修改"
    assert [(c.label, c.old, c.new) for c in rows[0].changes] == [
        ("信用风险分类", "B类（一般风险）", "D类（高风险）")
    ]


def test_history_shows_department_changes(
    client: Client, personas: Personas, own_target: Target
) -> None:
    login(client, personas.section)
    client.post(
        reverse("directory:target_edit", args=[own_target.pk]),
        form_data(own_target, departments=[personas.dept.pk, personas.other_dept.pk]),
    )
    content = client.get(reverse("directory:target_detail", args=[own_target.pk])).content
    assert "监管部门".encode() in content
    assert "商贸流通科、市场建设科".encode() in content


def test_other_section_cannot_edit_foreign_record(
    client: Client, personas: Personas, own_target: Target
) -> None:
    login(client, personas.other_section)
    url = reverse("directory:target_edit", args=[own_target.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, form_data(own_target, name="被篡改"))
    assert response.status_code == 403
    own_target.refresh_from_db()
    assert own_target.name != "被篡改"


def test_auditor_post_is_refused(client: Client, personas: Personas, own_target: Target) -> None:
    login(client, personas.auditor)
    assert client.post(reverse("directory:target_create"), form_data()).status_code == 403
    url = reverse("directory:target_edit", args=[own_target.pk])
    assert client.post(url, form_data(own_target, name="x")).status_code == 403
    assert client.post(reverse("directory:target_list")).status_code == 405


def test_unknown_target_is_404(client: Client, personas: Personas) -> None:
    login(client, personas.section)
    assert client.get(reverse("directory:target_detail", args=[999999])).status_code == 404
    assert client.get(reverse("directory:target_edit", args=[999999])).status_code == 404


def test_403_page_is_chinese(client: Client, personas: Personas) -> None:
    login(client, personas.inspector)
    response = client.get(reverse("directory:target_list"))
    assert "无权访问" in response.content.decode()
    assert "无权查看检查对象名录库" in response.content.decode()


def test_export_link_carries_current_filters(client: Client, personas: Personas) -> None:
    login(client, personas.section)
    content = client.get(
        reverse("directory:target_list"), {"industry": "F52", "credit_class": "A", "page": "1"}
    ).content.decode()
    assert f'{reverse("directory:export", args=["targets"])}?industry=F52&amp;credit_class=A"' in (
        content
    )
    assert reverse("directory:import_start", args=["targets"]) in content


def test_export_and_import_links_hidden_from_roles_without_them(
    client: Client, personas: Personas
) -> None:
    login(client, personas.legal_reviewer)
    content = client.get(reverse("directory:target_list")).content.decode()
    assert reverse("directory:export", args=["targets"]) not in content
    assert reverse("directory:import_start", args=["targets"]) not in content
    login(client, personas.auditor)
    content = client.get(reverse("directory:target_list")).content.decode()
    assert reverse("directory:export", args=["targets"]) in content
    assert reverse("directory:import_start", args=["targets"]) not in content


def test_login_page_keeps_username_and_explains_redirect(
    client: Client, personas: Personas
) -> None:
    response = client.get(reverse("directory:target_list"), follow=True)
    assert "请先登录后再访问该页面" in response.content.decode()
    failed = client.post(reverse("accounts:login"), {"username": "section", "password": "x"})
    assert 'value="section"' in failed.content.decode()
