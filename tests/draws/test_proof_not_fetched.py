"""A provincial draw's proof is ~17 MB of JSON: pages that list or link draws must not fetch it
(it cost ~90 ms per draw row, and per inspection row through select_related)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spotcheck.draws.models import Draw
from tests.draws.test_views_ceremony import drawn
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db
PROOF_COLUMN = '"draws_draw"."proof"'


def _fetches_proof(sql: str) -> bool:
    """The proof among the selected columns (a WHERE … IS NOT NULL test is fine)."""
    return PROOF_COLUMN in sql.split(" FROM ", 1)[0]


def test_draws_come_without_their_proof_until_asked(client: Client, world: World) -> None:
    draw = Draw.objects.get(pk=drawn(client, world).pk)
    assert "proof" not in draw.__dict__
    with CaptureQueriesContext(connection) as queries:
        assert draw.has_proof()
    assert not any(_fetches_proof(q["sql"]) for q in queries.captured_queries)
    assert "proof" not in draw.__dict__
    assert draw.proof is not None and draw.proof["result"]["selected"]
    committed = Draw.objects.get(pk=draw.pk)
    Draw.objects.filter(pk=draw.pk).update(proof=None)
    assert not committed.has_proof()


@pytest.mark.parametrize(
    ("who", "name", "arg"),
    [
        ("section", "core:home", None),
        ("section", "planning:task_detail", "task"),
        ("section", "draws:draw_detail", "draw"),
        ("section", "draws:results", "draw"),
        ("section", "inspections:inspection_list", None),
        ("leader", "reports:dashboard", None),
    ],
)
def test_pages_do_not_fetch_proofs(
    client: Client, world: World, who: str, name: str, arg: str | None
) -> None:
    draw = drawn(client, world)
    args = {"task": [draw.task_id], "draw": [draw.pk], None: []}[arg]
    client.force_login(getattr(world.p, who))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(name, args=args)).status_code == 200
    fetched = [q["sql"][:200] for q in queries.captured_queries if _fetches_proof(q["sql"])]
    assert fetched == []
