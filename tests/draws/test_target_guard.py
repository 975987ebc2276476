"""Check slots and team members have no database foreign key to their target (draws migration
0015). On PostgreSQL a trigger stands in for it: someone with the database cannot delete a
drawn target and leave the draw's record pointing at nothing. Everywhere the ORM refuses."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import Client

from spotcheck.directory.models import Target
from spotcheck.draws.models import CheckSlot, DrawnLine, TeamMember
from tests.draws.test_views_ceremony import drawn
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def _raw_delete(pk: int) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM directory_target WHERE id = %s", [pk])


def test_the_orm_refuses_to_delete_a_drawn_target(client: Client, world: World) -> None:
    line = DrawnLine.objects.filter(draw=drawn(client, world)).first()
    assert line is not None
    with pytest.raises(ProtectedError):
        Target.objects.get(pk=line.target_id).delete()
    assert Target.objects.filter(pk=line.target_id).exists()


def test_a_drawn_target_cannot_be_deleted_with_sql(client: Client, world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's (migration 0015)")
    draw = drawn(client, world)
    line = DrawnLine.objects.filter(draw=draw).first()
    assert line is not None
    assert CheckSlot.objects.filter(target_id=line.target_id).exists()
    assert TeamMember.objects.filter(target_id=line.target_id).exists()
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        _raw_delete(line.target_id)
    assert Target.objects.filter(pk=line.target_id).exists()
    # Named by a team only (its slot gone): still refused.
    CheckSlot.objects.filter(target_id=line.target_id).delete()
    with pytest.raises(IntegrityError, match="cannot be deleted"):
        _raw_delete(line.target_id)


def test_a_target_no_draw_names_can_still_be_deleted(world: World) -> None:
    target = world.targets[0]
    target.departments.clear()
    _raw_delete(target.pk)
    assert not Target.objects.filter(pk=target.pk).exists()


def test_the_guard_is_installed() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'target_in_use' "
                "AND tgrelid = 'directory_target'::regclass"
            )
            assert cursor.fetchone()[0] == 1
    # And no foreign key took its place again (its lock per drawn target is what it saves).
    with connection.cursor() as cursor:
        for table in ("draws_checkslot", "draws_teammember"):
            keys = connection.introspection.get_constraints(cursor, table)
            assert not [
                name
                for name, c in keys.items()
                if c["foreign_key"] and c["foreign_key"][0] == "directory_target"
            ], table
