"""Migration 0014 moves drawn lines from a flag on the snapshot to DrawnLine rows: an
executed draw keeps exactly its drawn lines going forward, and its flags going back."""

from __future__ import annotations

import pytest
from django.test import Client

from spotcheck.draws.models import DrawnLine
from tests.draws.test_views_ceremony import drawn
from tests.migrating import migrate_app
from tests.workflow_fixtures import World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("migrations"),
    pytest.mark.usefixtures("restore_migrations"),
]

BEFORE = [("draws", "0013_draw_proof_stored_as_json_bytes")]
AFTER = [("draws", "0014_drawn_lines_in_their_own_table")]


def test_drawn_lines_survive_the_migration_both_ways(client: Client, world: World) -> None:
    draw = drawn(client, world)
    lines = list(DrawnLine.objects.filter(draw=draw).order_by("credit_code").values())
    assert lines and len(lines) < len(world.targets)

    old = migrate_app(BEFORE)
    try:
        entries = old.get_model("draws", "PoolEntry").objects.filter(draw_id=draw.pk)
        flagged = entries.filter(selected=True).order_by("credit_code")
        assert [e.credit_code for e in flagged] == [line["credit_code"] for line in lines]
        assert entries.filter(selected=False).count() == len(world.targets) - len(lines)
    finally:
        migrate_app(AFTER)
    assert list(DrawnLine.objects.filter(draw=draw).order_by("credit_code").values()) == lines
