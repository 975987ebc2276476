"""When a token stops working (issue 13): expiry, a deactivated, role-changed or locked-out
account. Each case is first shown to work, so the test fails if the refusal comes from
somewhere else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from spotcheck.accounts import services as account_services
from spotcheck.accounts.models import Role, User
from spotcheck.api import services
from spotcheck.api.models import ApiToken
from tests.conftest import Personas

pytestmark = pytest.mark.django_db
ADDRESS = "10.1.2.3"


def _client(raw: str, address: str = ADDRESS) -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


def _get(client: APIClient) -> tuple[int, str]:
    response = client.get(reverse("api:item-list"))
    detail = response.json().get("detail", "") if response.status_code != 200 else ""
    return response.status_code, str(detail)


def test_tokens_expire_after_the_configured_days(personas: Personas, settings: Any) -> None:
    settings.API_TOKEN_DAYS = 30
    token, raw = services.token_create(actor=personas.section)
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=30), abs=dt.timedelta(seconds=60)
    )
    assert _get(_client(raw)) == (200, "")
    # The clock moves past the expiry (relative to now: no fixed calendar date decides it).
    with time_machine.travel(timezone.now() + dt.timedelta(days=30, minutes=1)):
        status, detail = _get(_client(raw))
    assert status == 401 and "令牌已过期" in detail


def test_a_deactivated_users_token_is_revoked_and_refused(personas: Personas) -> None:
    _, raw = services.token_create(actor=personas.section)
    assert _get(_client(raw))[0] == 200
    account_services.user_update(actor=personas.admin, user=personas.section, is_active=False)
    assert _get(_client(raw))[0] == 401
    assert not ApiToken.objects.filter(user=personas.section, revoked_at__isnull=True).exists()


@pytest.mark.parametrize(
    "change",
    [
        {"role": Role.AUDITOR, "department": None},
        {"department": "other"},
        {"role": Role.LEADER, "oversees": "other"},
    ],
)
def test_a_change_of_rights_revokes_the_token(personas: Personas, change: dict[str, Any]) -> None:
    _, raw = services.token_create(actor=personas.section)
    assert _get(_client(raw))[0] == 200
    values = {
        k: ([personas.other_dept] if k == "oversees" else personas.other_dept)
        if v == "other"
        else v
        for k, v in change.items()
    }
    account_services.user_update(actor=personas.admin, user=personas.section, **values)
    status, detail = _get(_client(raw))
    assert status == 401 and "令牌无效或已撤销" in detail


def test_a_role_changed_behind_the_services_back_still_voids_the_token(
    personas: Personas,
) -> None:
    """Belt and braces: the token remembers the role it was issued under."""
    _, raw = services.token_create(actor=personas.section)
    assert _get(_client(raw))[0] == 200
    User.objects.filter(pk=personas.section.pk).update(role=Role.AUDITOR)
    status, detail = _get(_client(raw))
    assert status == 401 and "角色已变更" in detail


def test_a_locked_out_account_cannot_use_its_token(personas: Personas, settings: Any) -> None:
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    _, raw = services.token_create(actor=personas.section)
    assert _get(_client(raw))[0] == 200
    login = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(3):
        login.post(reverse("accounts:login"), {"username": "section", "password": "wrong"})
    status, detail = _get(_client(raw))
    assert status == 401 and "已被暂时锁定" in detail
    # The lock-out follows AXES_LOCKOUT_PARAMETERS (username + address): another client of the
    # same account is not locked out of the login page, nor of the token.
    assert _get(_client(raw, "10.9.9.9"))[0] == 200
    # Once the cool-off has passed, the token works again.
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert _get(_client(raw))[0] == 200


def test_the_token_page_shows_the_expiry(client: Client, personas: Personas) -> None:
    token, _ = services.token_create(actor=personas.section)
    client.force_login(personas.section)
    page = client.get(reverse("api:token")).content.decode()
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in page
