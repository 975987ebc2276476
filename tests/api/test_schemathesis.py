"""Property-based tests of the whole REST API against its own OpenAPI schema (schemathesis).

Every operation of ``/api/schema/``, public and staff, is called in-process through the WSGI
application with generated parameters — valid and invalid — on a database holding published,
corrected and withdrawn records; the staff calls carry a valid token of the administrator.
Each response must not be a server error and must match the schema: a documented status code,
a documented content type and a body of the documented shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from spotcheck.api.services import token_create
from tests.inspections.conftest import Scene, scene  # noqa: F401
from tests.opendata.builders import build_records

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Enough to hit every parameter with good and bad values while keeping the run near a minute.
EXAMPLES = 30


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    # The WSGI handler closes the database connection after each request; inside the test's
    # transaction that would drop it (PostgreSQL). Django's test client does the same.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def staff_headers(
    scene: Scene,  # noqa: F811
    settings: Any,
    _keep_the_test_connection: None,
) -> dict[str, str]:
    # Generous limits: this test is about shapes, not about the throttles (tested elsewhere).
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "anon": "100000/minute",
            "user": "100000/minute",
            "public": "100000/minute",
        },
    }
    cache.clear()
    build_records(scene)
    _, raw = token_create(actor=scene.p.admin)
    return {"Authorization": f"Token {raw}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_schema(case: schemathesis.Case, staff_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=staff_headers, checks=CHECKS)


# What schemathesis found, pinned down as plain tests.


@pytest.mark.parametrize("resource", ["items", "targets", "inspectors", "tasks"])
@pytest.mark.parametrize("raw", ["abc", "%C2%84", "-1", "0", str(2**70)])
def test_malformed_staff_ids_are_json_404(
    client: Any, personas: Any, resource: str, raw: str
) -> None:
    # Found: a non-numeric id fell through to the site's HTML 404 page (an undocumented
    # content type); every malformed id now gets the API's JSON answer.
    client.force_login(personas.admin)
    response = client.get(f"/api/v1/{resource}/{raw}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "记录不存在"}


@pytest.mark.parametrize("raw", ["abc", "null,null", str(2**70)])
def test_malformed_public_ids_are_json_404(client: Any, db: None, raw: str) -> None:
    response = client.get(f"/api/v1/public/publications/{raw}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "公示记录不存在或未公开"}


def _schema() -> dict[str, Any]:
    from drf_spectacular.generators import SchemaGenerator

    result: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
    return result


def test_blank_choices_are_in_the_schema() -> None:
    # Found: targets without a recorded scale/progress ("") violated the documented enums.
    props = _schema()["components"]["schemas"]["Target"]["properties"]
    for name in ("scale", "project_progress"):
        refs = [alt.get("$ref", "") for alt in props[name]["oneOf"]]
        assert "#/components/schemas/BlankEnum" in refs


def test_error_answers_are_documented() -> None:
    # Found: 400 (bad parameters), 401/403, 404 and 429 answers were not in the schema.
    paths = _schema()["paths"]
    assert set(paths["/api/v1/targets/"]["get"]["responses"]) == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "429",
    }
    assert set(paths["/api/v1/targets/{id}/"]["get"]["responses"]) == {
        "200",
        "401",
        "403",
        "404",
        "429",
    }
    assert set(paths["/api/v1/public/publications/"]["get"]["responses"]) == {
        "200",
        "400",
        "404",
        "429",
    }
    assert set(paths["/api/v1/public/publications/{id}/"]["get"]["responses"]) == {
        "200",
        "404",
        "429",
    }
    page_size = next(
        p
        for p in paths["/api/v1/public/publications/"]["get"]["parameters"]
        if p["name"] == "page_size"
    )
    assert page_size["schema"] == {"type": "integer", "minimum": 1, "maximum": 200}
