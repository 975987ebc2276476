"""Token lifecycle and who may call which endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from spotcheck.api import services
from spotcheck.api.models import ApiToken
from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed
from tests.conftest import Personas

ENDPOINTS = ("api:item-list", "api:target-list", "api:inspector-list", "api:task-list")

# Same rules as the web pages (see tests/test_access_matrix.py).
EXPECTED = {
    #                    admin section other insp legal leader auditor
    "api:item-list":      (200, 200, 200, 200, 200, 200, 200),
    "api:target-list":    (200, 200, 200, 403, 200, 200, 200),
    "api:inspector-list": (200, 200, 200, 200, 200, 200, 200),
    "api:task-list":      (200, 200, 200, 403, 403, 200, 200),
}  # fmt: skip
PERSONAS = ("admin", "section", "other_section", "inspector", "legal_reviewer", "leader", "auditor")


def _token_client(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    return client


@pytest.mark.parametrize("name", ENDPOINTS)
def test_anonymous_gets_401(api: APIClient, db: None, name: str) -> None:
    response = api.get(reverse(name))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_role_by_token(personas: Personas, name: str) -> None:
    users = personas.all()
    got = {}
    for persona in PERSONAS:
        _, raw = services.token_create(actor=users[persona])
        got[persona] = _token_client(raw).get(reverse(name)).status_code
    assert got == dict(zip(PERSONAS, EXPECTED[name], strict=True))


@pytest.mark.parametrize("name", ENDPOINTS)
def test_every_role_by_session(api: APIClient, personas: Personas, name: str) -> None:
    users = personas.all()
    got = {}
    for persona in PERSONAS:
        api.force_login(users[persona])
        got[persona] = api.get(reverse(name)).status_code
        api.logout()
    assert got == dict(zip(PERSONAS, EXPECTED[name], strict=True))


def test_token_works_and_revoked_token_fails(personas: Personas) -> None:
    token, raw = services.token_create(actor=personas.section)
    client = _token_client(raw)
    assert client.get(reverse("api:item-list")).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    services.token_revoke(actor=personas.section, token=token)
    response = client.get(reverse("api:item-list"))
    assert response.status_code == 401
    assert "令牌无效或已撤销" in response.json()["detail"]


def test_raw_token_is_not_stored(personas: Personas) -> None:
    token, raw = services.token_create(actor=personas.section)
    assert raw not in {token.digest, token.prefix}
    assert not ApiToken.objects.filter(digest=raw).exists()


def test_new_token_replaces_the_old(personas: Personas) -> None:
    old, old_raw = services.token_create(actor=personas.section)
    _, new_raw = services.token_create(actor=personas.section)
    old.refresh_from_db()
    assert old.revoked_at is not None
    assert _token_client(old_raw).get(reverse("api:item-list")).status_code == 401
    assert _token_client(new_raw).get(reverse("api:item-list")).status_code == 200


def test_inactive_user_token_fails(personas: Personas) -> None:
    _, raw = services.token_create(actor=personas.section)
    personas.section.is_active = False
    personas.section.save()
    assert _token_client(raw).get(reverse("api:item-list")).status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token nonsense", "Bearer nonsense"])
def test_malformed_or_unknown_token_is_401(api: APIClient, db: None, header: str) -> None:
    api.credentials(HTTP_AUTHORIZATION=header)
    assert api.get(reverse("api:item-list")).status_code == 401


def test_cannot_revoke_someone_elses_token(personas: Personas) -> None:
    token, _ = services.token_create(actor=personas.section)
    with pytest.raises(NotAllowed):
        services.token_revoke(actor=personas.other_section, token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_events_are_audited(personas: Personas) -> None:
    token, _ = services.token_create(actor=personas.section)
    services.token_revoke(actor=personas.section, token=token)
    events = list(
        AuditEvent.objects.filter(event_type__startswith="api.")
        .order_by("seq")
        .values_list("event_type", "actor_id", "payload")
    )
    assert events == [
        ("api.token_created", personas.section.pk, {"prefix": token.prefix}),
        ("api.token_revoked", personas.section.pk, {"prefix": token.prefix}),
    ]


def test_token_page_create_and_revoke(client: Any, personas: Personas) -> None:
    client.force_login(personas.inspector)
    url = reverse("api:token")
    page = client.get(url)
    assert page.status_code == 200
    assert "您目前没有有效的接口令牌" in page.content.decode()
    created = client.post(url, {"action": "create"})
    assert created.status_code == 200
    raw = created.context["raw"]
    assert raw in created.content.decode()
    assert _token_client(raw).get(reverse("api:item-list")).status_code == 200
    # Shown once: a later visit shows only the prefix.
    assert raw not in client.get(url).content.decode()
    assert client.post(url, {"action": "revoke"}).status_code == 302
    assert _token_client(raw).get(reverse("api:item-list")).status_code == 401


def test_anonymous_is_throttled_on_public_schema(api: APIClient, db: None, settings: Any) -> None:
    from rest_framework.throttling import AnonRateThrottle

    rates = {"anon": "2/minute", "user": "100/minute"}
    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = rates
    try:
        statuses = [api.get(reverse("api:schema")).status_code for _ in range(3)]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    assert statuses == [200, 200, 429]


def test_a_forged_forwarded_for_does_not_escape_the_anonymous_throttle(
    api: APIClient, db: None
) -> None:
    from rest_framework.throttling import AnonRateThrottle

    original = AnonRateThrottle.THROTTLE_RATES
    AnonRateThrottle.THROTTLE_RATES = {"anon": "2/minute", "user": "100/minute"}
    try:
        statuses = [
            api.get(reverse("api:schema"), HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
            for i in range(3)
        ]
    finally:
        AnonRateThrottle.THROTTLE_RATES = original
    # TRUSTED_PROXY_COUNT=0: the connection's address counts, whatever the header claims.
    assert statuses == [200, 200, 429]
