"""Form validation: credit codes (hard errors, checksum confirmation), dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from spotcheck.directory.creditcode import make_code
from spotcheck.directory.forms import InspectorForm, TargetForm
from spotcheck.directory.models import Inspector, Target
from tests.conftest import Personas
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

GOOD = make_code("91", "640106", "MA7712345")
# Same code with a wrong check character: a pilot-era code that may still be real.
BAD_CHECKSUM = GOOD[:17] + ("0" if GOOD[17] != "0" else "1")


def target_data(personas: Personas, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "credit_code": GOOD,
        "name": "金凤校验测试有限公司",
        "kind": "enterprise",
        "affiliation": "district",
        "credit_class": "B",
        "supervision_grade": "2",
        "complaint_count": "0",
        "status": "active",
        "departments": [personas.dept.pk],
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("", "该字段是必填项"),
        ("91640106MA77", "应为18位"),
        ("91640106MA771234IO", "含有不允许的字符 IO"),
        ("91ABCDEFMA7712345X", "第3–8位应为行政区划代码数字"),
    ],
)
def test_hard_code_errors(personas: Personas, code: str, message: str) -> None:
    form = TargetForm(data=target_data(personas, credit_code=code), actor=personas.section)
    assert not form.is_valid()
    assert message in " ".join(form.errors["credit_code"])


def test_legacy_registration_number_is_accepted(personas: Personas) -> None:
    form = TargetForm(
        data=target_data(personas, credit_code="640106000012345"), actor=personas.section
    )
    assert form.is_valid(), form.errors
    assert form.service_data()["code_warning_confirmed"] is False


def test_checksum_warning_requires_confirmation(personas: Personas) -> None:
    form = TargetForm(data=target_data(personas, credit_code=BAD_CHECKSUM), actor=personas.section)
    assert not form.is_valid()
    assert form.needs_code_confirmation
    assert "校验位不符" in form.code_warning
    assert "请勾选“我已核实该代码真实有效”" in " ".join(form.errors["confirm_code_warning"])

    confirmed = TargetForm(
        data=target_data(personas, credit_code=BAD_CHECKSUM, confirm_code_warning="on"),
        actor=personas.section,
    )
    assert confirmed.is_valid(), confirmed.errors
    assert confirmed.service_data()["code_warning_confirmed"] is True


def test_checksum_confirmation_flow_through_the_page(client: Client, personas: Personas) -> None:
    client.force_login(personas.section)
    url = reverse("directory:target_create")
    first = client.post(url, target_data(personas, credit_code=BAD_CHECKSUM))
    assert first.status_code == 200
    content = first.content.decode()
    assert "校验位不符" in content
    assert "我已核实该代码真实有效" in content
    assert not Target.objects.exists()

    second = client.post(
        url, target_data(personas, credit_code=BAD_CHECKSUM, confirm_code_warning="on")
    )
    assert second.status_code == 302
    target = Target.objects.get(credit_code=BAD_CHECKSUM)
    assert target.code_warning_confirmed is True


def test_confirmed_code_needs_no_reconfirmation_on_edit(personas: Personas) -> None:
    target = TargetFactory(
        credit_code=BAD_CHECKSUM, code_warning_confirmed=True, departments=[personas.dept]
    )
    form = TargetForm(
        data=target_data(personas, credit_code=BAD_CHECKSUM, name="改名"),
        instance=target,
        actor=personas.section,
    )
    assert form.is_valid(), form.errors
    assert form.service_data()["code_warning_confirmed"] is True


def test_industry_code_is_normalised(personas: Personas) -> None:
    form = TargetForm(
        data=target_data(personas, industry_code=" ｆ５２１１ "), actor=personas.section
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["industry_code"] == "F5211"


def inspector_data(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data: dict[str, Any] = {
        "cert_no": "64010620001234",
        "name": "赵执法",
        "cert_valid_from": (today - dt.timedelta(days=365)).isoformat(),
        "cert_valid_to": (today + dt.timedelta(days=3 * 365)).isoformat(),
        "status": "active",
    }
    data.update(overrides)
    return data


def _reversed(today: dt.date) -> dict[str, str]:
    return {
        "cert_valid_from": (today + dt.timedelta(days=3 * 365)).isoformat(),
        "cert_valid_to": (today - dt.timedelta(days=365)).isoformat(),
    }


def test_cert_dates_reversed(personas: Personas, today: dt.date) -> None:
    form = InspectorForm(
        data=inspector_data(**_reversed(today)),
        actor=personas.section,
    )
    assert not form.is_valid()
    assert form.errors["cert_valid_to"] == ["执法证有效期止不能早于有效期起"]


@pytest.mark.parametrize("bad", ["2025-02-30", "明天", "2025/13/01"])  # fixed-date: impossible
def test_impossible_dates_have_chinese_errors(personas: Personas, bad: str) -> None:
    form = InspectorForm(data=inspector_data(cert_valid_from=bad), actor=personas.section)
    assert not form.is_valid()
    assert "有效的日期" in " ".join(form.errors["cert_valid_from"])


def test_reversed_dates_rejected_through_the_page(
    client: Client, personas: Personas, today: dt.date
) -> None:
    client.force_login(personas.section)
    response = client.post(
        reverse("directory:inspector_create"),
        inspector_data(**_reversed(today)),
    )
    assert response.status_code == 200
    assert "执法证有效期止不能早于有效期起" in response.content.decode()
    assert not Inspector.objects.exists()


def test_inspector_account_choices_are_own_department_inspectors(personas: Personas) -> None:
    form = InspectorForm(actor=personas.section)
    choices = list(form.fields["user"].queryset)  # type: ignore[attr-defined]
    assert choices == [personas.inspector]
    assert InspectorForm(actor=personas.other_section).fields["user"].queryset.count() == 0  # type: ignore[attr-defined]
