"""Migration 0013 moves the stored proof from a jsonb column to the bytes of its JSON text:
an existing proof must read back the same, and the verifiers' file must not change by a byte,
going forward and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from spotcheck.draws.models import Draw
from spotcheck.draws.snapshot import proof_file_bytes
from tests.draws.test_views_ceremony import drawn
from tests.migrating import migrate_app
from tests.workflow_fixtures import World

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("migrations"),
    pytest.mark.usefixtures("restore_migrations"),
]

BEFORE = [("draws", "0012_draw_proof_lz4_compression")]
AFTER = [("draws", "0013_draw_proof_stored_as_json_bytes")]


def _column_type() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'draws_draw' AND column_name = 'proof'"
            )
            return str(cursor.fetchone()[0])
        cursor.execute("SELECT type FROM pragma_table_info('draws_draw') WHERE name = 'proof'")
        return str(cursor.fetchone()[0]).lower()


def test_a_stored_proof_survives_the_migration_both_ways(client: Client, world: World) -> None:
    draw = drawn(client, world)
    proof = Draw.objects.get(pk=draw.pk).proof
    assert proof is not None and proof["result"]["selected"]
    file_before = proof_file_bytes(Draw.objects.get(pk=draw.pk))
    binary = "bytea" if connection.vendor == "postgresql" else "blob"
    assert _column_type() == binary

    old = migrate_app(BEFORE)
    try:
        assert _column_type() in {"jsonb", "text"}
        assert old.get_model("draws", "Draw").objects.get(pk=draw.pk).proof == proof
    finally:
        migrate_app(AFTER)
    assert _column_type() == binary
    again = Draw.objects.get(pk=draw.pk)
    assert again.proof == proof
    assert proof_file_bytes(again) == file_before
    # A proof written after the migration is stored as compact ASCII JSON text.
    Draw.objects.filter(pk=draw.pk).update(proof={"a": [1, "抽"]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT proof FROM draws_draw WHERE id = %s", [draw.pk])
        assert bytes(cursor.fetchone()[0]) == b'{"a":[1,"\\u62bd"]}'
    assert Draw.objects.get(pk=draw.pk).proof == {"a": [1, "抽"]}
