"""The public publication API: no login, filters as in search (400 with Chinese messages),
pagination capped at 200, its own throttle scope, unpublished records never leaked, and the
version history of corrected and withdrawn records."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from spotcheck.api.services import token_create
from tests.inspections.conftest import Scene, scene  # noqa: F401
from tests.opendata.builders import ID_NO, MOBILE, OPERATOR, Records, build_records

pytestmark = pytest.mark.django_db
LIST = "/api/v1/public/publications/"


@pytest.fixture
def records(scene: Scene) -> Records:  # noqa: F811
    return build_records(scene)


def _detail(pk: int) -> str:
    return f"{LIST}{pk}/"


def _ids(data: dict[str, Any]) -> list[int]:
    return [row["id"] for row in data["results"]]


def test_urls_are_the_agreed_ones() -> None:
    assert reverse("api:public-publication-list") == LIST
    assert reverse("api:public-publication-detail", args=[7]) == _detail(7)


def test_list_is_public_and_only_lists_public_records(api: APIClient, records: Records) -> None:
    response = api.get(LIST)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == len(records.public())
    assert sorted(_ids(data)) == sorted(p.pk for p in records.public())
    row = next(r for r in data["results"] if r["id"] == records.result.pk)
    assert row["url"] == f"http://testserver/public/records/{records.result.pk}/"
    assert row["kind"] == "inspection_result" and row["kind_display"] == "抽查检查结果"
    assert row["department"]["name"] == "市场建设科"
    assert row["subject"]["name"] == "银川市金凤区张**便利店"
    assert row["status"] == "published" and row["supersedes"] is None
    assert "payload" not in row and "author" not in row and "review_comment" not in row


def test_list_filters_like_search(api: APIClient, records: Records) -> None:
    assert _ids(api.get(LIST, {"kind": "penalty_decision"}).json()) == [records.penalty_v2.pk]
    dept = records.result.department_id
    assert api.get(LIST, {"department": dept + 1000}).json()["count"] == 0
    code = records.result.payload["target"]["credit_code"]
    assert sorted(_ids(api.get(LIST, {"q": code}).json())) == sorted(
        [records.result.pk, records.penalty_v2.pk]
    )
    far_past = {"date_from": "2001-01-01", "date_to": "2001-01-02"}  # fixed-date: before any record
    assert api.get(LIST, far_past).json()["count"] == 0
    assert api.get(LIST, {"item": records.result.payload.get("x", "NO-SUCH")}).json()["count"] == 0


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "2026-02-30"}, "date_from"),  # fixed-date: an impossible date
        ({"kind": "draft"}, "kind"),
        ({"department": "-1"}, "department"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),  # fixed-date: reversed
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "x"}, "page_size"),
        ({"page": "0"}, "page"),
    ],
)
def test_bad_parameters_are_400_with_chinese_messages(
    api: APIClient, records: Records, params: dict[str, str], field: str
) -> None:
    response = api.get(LIST, params)
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body[field][0])


def test_pagination(api: APIClient, records: Records) -> None:
    first = api.get(LIST, {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and first["count"] == len(records.public())
    second = api.get(first["next"]).json()
    assert set(_ids(first)).isdisjoint(_ids(second))
    assert api.get(LIST, {"page_size": 200}).status_code == 200
    assert api.get(LIST, {"page": 99}).status_code == 404


def test_detail_carries_the_redacted_payload_and_history(api: APIClient, records: Records) -> None:
    data = api.get(_detail(records.penalty_v2.pk)).json()
    assert data["payload"] == records.penalty_v2.payload
    assert data["status"] == "published" and data["supersedes"] == records.penalty_v1.pk
    assert data["correction_note"] == "更正文号"
    assert [(v["id"], v["version"], v["status"]) for v in data["versions"]] == [
        (records.penalty_v1.pk, 1, "corrected"),
        (records.penalty_v2.pk, 2, "published"),
    ]
    assert data["versions"][0]["corrected_on"] is not None
    assert data["versions"][0]["url"].endswith(f"/public/records/{records.penalty_v1.pk}/")


def test_a_corrected_version_stays_readable_and_says_so(api: APIClient, records: Records) -> None:
    data = api.get(_detail(records.penalty_v1.pk)).json()
    assert data["status"] == "corrected"
    assert data["payload"] == records.penalty_v1.payload
    assert [v["id"] for v in data["versions"]] == [records.penalty_v1.pk, records.penalty_v2.pk]


def test_a_withdrawn_record_shows_the_notice_without_content(
    api: APIClient, records: Records
) -> None:
    data = api.get(_detail(records.withdrawn.pk)).json()
    assert data["status"] == "withdrawn"
    assert data["payload"] is None
    assert data["withdrawal_reason"] == "清单有误，将重新公示"
    assert data["withdrawn_at"] is not None
    assert data["title"] == records.withdrawn.title
    assert data["versions"][0]["withdrawn_on"] is not None


@pytest.mark.parametrize("pk", [0, 999999, 2**31, 2**70])
def test_unknown_ids_are_404(api: APIClient, records: Records, pk: int) -> None:
    response = api.get(_detail(pk))
    assert response.status_code == 404
    assert response.json()["detail"] == "公示记录不存在或未公开"


def test_unpublished_records_are_404(api: APIClient, records: Records) -> None:
    for p in records.never_public():
        assert api.get(_detail(p.pk)).status_code == 404
    listed = api.get(LIST, {"page_size": 200}).json()
    assert set(_ids(listed)).isdisjoint(p.pk for p in records.never_public())


def test_no_personal_data_in_any_response(api: APIClient, records: Records) -> None:
    bodies = [api.get(LIST).content.decode()]
    bodies += [api.get(_detail(p.pk)).content.decode() for p in records.openable()]
    for body in bodies:
        for secret in (OPERATOR, ID_NO, MOBILE):
            assert secret not in body


def test_no_session_or_token_is_needed_or_used(api: APIClient, records: Records) -> None:
    # A broken token header on a staff endpoint is a 401; here it is simply not looked at.
    response = api.get(LIST, HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 200
    _, raw = token_create(actor=records.result.author)
    assert api.get(LIST, HTTP_AUTHORIZATION=f"Token {raw}").status_code == 200
    # POSTs are refused without any CSRF dance: the endpoints are read-only.
    assert api.post(LIST, {}).status_code == 405


def test_public_scope_throttles_with_its_own_rate(
    api: APIClient, records: Records, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "3/minute",
            "anon": "1000/minute",
        },
    }
    statuses = [api.get(LIST).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = api.get(_detail(records.result.pk))
    assert response.status_code == 429
    assert response.has_header("Retry-After")
    # Logging in does not lift the public limit (the scope is per client address).
    api.force_login(records.result.author)
    assert api.get(LIST).status_code == 429
    # The staff API keeps its own budget.
    assert api.get("/api/v1/items/").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(
    api: APIClient, records: Records, settings: Any
) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "public": "2/minute",
        },
    }
    statuses = [api.get(LIST, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_public_rate_is_configured() -> None:
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_THROTTLE_RATES["public"] == "120/minute"


def test_docs_page_lists_the_public_endpoints(api: APIClient, db: None) -> None:
    html = api.get("/api/docs/").content.decode()
    assert "/api/v1/public/publications/" in html
    assert "/api/v1/public/publications/{id}/" in html
    for param in ("date_from", "date_to", "kind", "item", "page_size"):
        assert param in html
