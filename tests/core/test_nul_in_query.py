"""A NUL in a search box or filter: PostgreSQL refuses such a literal (a 500); the query
string is cleaned before any view reads it."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import Personas
from tests.draws.test_views_ceremony import drawn
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/directory/targets/?q=%E5%95%86%00%E8%B4%B8",
        "/directory/targets/?region=%00",
        "/directory/items/?q=a%00",
        "/directory/inspectors/?q=%00",
        "/audit/?q=%00",
        "/public/search/?q=%00x",
        "/?x%00=1",
    ],
)
def test_nul_in_the_query_string_is_not_a_server_error(
    client: Client, personas: Personas, path: str
) -> None:
    client.force_login(personas.section if "audit" not in path else personas.auditor)
    response = client.get(path)
    assert response.status_code == 200, response.status_code


def test_nul_in_the_draw_results_search(client: Client, world: World) -> None:
    draw = drawn(client, world)
    assert client.get(f"/draws/{draw.pk}/results/?q=%00").status_code == 200
