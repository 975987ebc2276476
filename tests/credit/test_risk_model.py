from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.credit.models import RiskModel
from spotcheck.credit.services import risk_model_create
from spotcheck.engine.risk import DEFAULT_RISK_CONFIG

pytestmark = pytest.mark.django_db


def _post_data(**overrides: str) -> dict[str, str]:
    client_form = {
        "note": "提高D类权重",
        "sector_levels": "F5191=high",
        "region_levels": "丰登镇=medium",
    }
    for table in (
        "credit_class",
        "supervision_grade",
        "sector_risk",
        "region_risk",
        "complaints",
        "recent_problems",
    ):
        for key, value in DEFAULT_RISK_CONFIG[table].items():
            client_form[f"{table}__{key}"] = str(value)
    for key in ("blacklisted", "abnormal_list", "serious_violation", "key_industry", "floor"):
        client_form[key] = str(DEFAULT_RISK_CONFIG[key])
    client_form.update(overrides)
    return client_form


def test_admin_publishes_a_new_version(personas: Any) -> None:
    client = Client()
    client.force_login(personas.admin)
    resp = client.post(reverse("credit:risk_model"), _post_data(credit_class__D="6"))
    assert resp.status_code == 302
    model = RiskModel.objects.get()
    assert model.version == 1 and model.config["credit_class"]["D"] == "6"
    assert model.config["sector_levels"] == {"F5191": "high"}
    assert AuditEvent.objects.filter(event_type="credit.risk_model_created").count() == 1
    client.post(reverse("credit:risk_model"), _post_data(note="第二版"))
    assert list(RiskModel.objects.values_list("version", flat=True)) == [2, 1]


def test_bad_levels_line_is_explained(personas: Any) -> None:
    client = Client()
    client.force_login(personas.admin)
    resp = client.post(reverse("credit:risk_model"), _post_data(sector_levels="F51 high"))
    assert resp.status_code == 200 and "格式应为" in resp.content.decode()
    resp = client.post(reverse("credit:risk_model"), _post_data(credit_class__A="-1"))
    assert resp.status_code == 200
    assert not RiskModel.objects.exists()


@pytest.mark.parametrize(
    ("who", "get", "post"),
    [
        ("section", 200, 403),
        ("leader", 200, 403),
        ("auditor", 200, 403),
        ("inspector", 403, 403),
        ("legal_reviewer", 403, 403),
    ],
)
def test_only_admin_changes_the_model(personas: Any, who: str, get: int, post: int) -> None:
    client = Client()
    client.force_login(getattr(personas, who))
    assert client.get(reverse("credit:risk_model")).status_code == get
    assert client.post(reverse("credit:risk_model"), _post_data()).status_code == post
    assert not RiskModel.objects.exists()


def test_anonymous_is_sent_to_login() -> None:
    assert Client().get(reverse("credit:risk_model")).status_code == 302


def test_service_refuses_non_admin_and_bad_config(personas: Any) -> None:
    with pytest.raises(NotAllowed):
        risk_model_create(actor=personas.section, config={})
    with pytest.raises(ServiceError, match="风险模型参数无效"):
        risk_model_create(actor=personas.admin, config={"credit_class": {"A": 0.5}})
