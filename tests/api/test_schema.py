"""The OpenAPI schema generates, validates, and the offline docs page lists every endpoint."""

from __future__ import annotations

from typing import Any

import yaml
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient


def test_schema_generates_and_validates() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    paths = set(schema["paths"])
    assert {
        "/api/v1/items/",
        "/api/v1/items/{id}/",
        "/api/v1/targets/",
        "/api/v1/targets/{id}/",
        "/api/v1/inspectors/",
        "/api/v1/inspectors/{id}/",
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/",
    } <= paths
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    params = {p["name"] for p in schema["paths"]["/api/v1/targets/"]["get"]["parameters"]}
    assert {"credit_class", "flag", "page", "page_size"} <= params


def test_spectacular_command_validates_without_warnings(tmp_path: Any) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/targets/" in yaml.safe_load(out.read_text())["paths"]


def test_schema_endpoint_is_served(api: APIClient, db: None) -> None:
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_docs_page_lists_endpoints_without_a_cdn(client: Any, db: None) -> None:
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/targets/" in html
    assert "cdn" not in html.lower()


def _descriptions(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every field, parameter and response description in the schema, with where it is."""
    found: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "summary") and isinstance(value, str):
                found.append((f"{path}.{key}", value))
            else:
                found += _descriptions(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _descriptions(value, f"{path}[{i}]")
    return found


def test_schema_speaks_the_readers_language(api: APIClient, db: None) -> None:
    """Field, parameter, response and endpoint texts follow the docs reader's language."""
    import re

    from django.utils import translation

    cjk = re.compile(r"[\u4e00-\u9fff]")
    with translation.override("en"):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    leaks = [(where, text) for where, text in _descriptions(schema) if cjk.search(text)]
    assert not leaks, leaks[:10]
    with translation.override("zh-hans"):
        zh = SchemaGenerator().get_schema(request=None, public=True)
    texts = " ".join(text for _where, text in _descriptions(zh))
    assert "公示记录列表" in texts and "页码，从 1 开始" in texts
