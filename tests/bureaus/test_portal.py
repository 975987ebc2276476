"""A portal per bureau (``/b/<code>/public/``) and one for the province (``/public/``)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.bureaus.conftest import Tree, publish_item_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tree: Tree) -> tuple[int, int]:
    a = publish_item_list(tree.p.section, tree.p.leader, tree.p.dept)
    b = publish_item_list(tree.section_b, tree.leader_b, tree.dept_b)
    return a.pk, b.pk


def _get(path: str) -> tuple[int, str]:
    response = Client().get(path)
    return response.status_code, response.content.decode()


def test_each_portal_shows_its_own_bureaus(tree: Tree, published: tuple[int, int]) -> None:
    a, b = published
    status, page = _get("/b/district-b/public/search/")
    assert status == 200
    # Links stay inside the bureau's portal.
    assert f"/b/district-b/public/records/{b}/" in page
    assert f"/records/{a}/" not in page
    assert "乙区商务局 · " in page
    status, page = _get("/b/city/public/search/")
    assert status == 200
    assert f"/b/city/public/records/{a}/" in page and f"/b/city/public/records/{b}/" in page
    status, page = _get(reverse("portal:search"))
    assert f'"/public/records/{a}/"' in page and f'"/public/records/{b}/"' in page
    # Another bureau's record is not found through this bureau's portal.
    assert _get(f"/b/district-b/public/records/{a}/")[0] == 404
    assert _get(f"/b/district-b/public/records/{b}/")[0] == 200
    assert _get(f"/b/city/public/records/{a}/")[0] == 200


def test_the_province_home_lists_every_bureau_portal(tree: Tree) -> None:
    status, page = _get(reverse("portal:home"))
    assert status == 200
    for code in ("city", "district-a", "district-b"):
        assert f'href="/b/{code}/public/"' in page
    status, page = _get("/b/city/public/")
    assert 'href="/b/district-a/public/"' in page and 'aria-current="page"' in page
    assert 'href="/public/"' in page  # back to the whole province
    status, page = _get("/b/district-a/public/")
    assert "/b/district-b/public/" not in page


def test_a_single_bureau_deployment_lists_no_bureaus(personas: object) -> None:
    status, page = _get(reverse("portal:home"))
    assert status == 200 and "bureau-portals" not in page


def test_unknown_bureau_and_open_data(tree: Tree) -> None:
    status, page = _get("/b/nowhere/public/")
    assert status == 404 and "没有代码为“nowhere”的机关" in page
    response = Client().get("/b/district-b/public/data/publications.csv?kind=item_list")
    assert response.status_code == 302
    assert response["Location"] == "/public/data/publications.csv?kind=item_list"


def test_filter_drop_downs_are_per_portal(tree: Tree, published: tuple[int, int]) -> None:
    # The department drop-down is cached; a bureau's portal must not get the province's.
    _get(reverse("portal:search"))
    status, page = _get("/b/district-b/public/search/")
    assert status == 200
    assert f'value="{tree.dept_b.pk}"' in page
    assert f'value="{tree.p.dept.pk}"' not in page


def test_departments_are_named_with_their_bureau(tree: Tree, published: tuple[int, int]) -> None:
    import csv
    import io

    _status, page = _get(reverse("portal:search"))
    # Both districts have a 市场建设科: the public tells them apart by bureau.
    assert "乙区商务局 市场建设科" in page and "甲区商务局 市场建设科" in page
    body = b"".join(Client().get(reverse("opendata:csv")).streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert {row["bureau"] for row in rows} == {"甲区商务局", "乙区商务局"}
    import json

    response = Client().get(reverse("opendata:json"))
    data = json.loads(b"".join(response.streaming_content))
    assert {r["department"]["bureau"]["code"] for r in data["records"]} == {
        "district-a",
        "district-b",
    }
