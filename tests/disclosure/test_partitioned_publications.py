"""Publications behave as before now that PostgreSQL keeps them in yearly partitions
(disclosure migration 0008): corrections (``supersedes``) and item codes without database
foreign keys, deleting, and the public search. Runs on SQLite too, where nothing changed;
the partition checks are PostgreSQL's."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from spotcheck.core import partitions
from spotcheck.core.errors import ServiceError
from spotcheck.disclosure.models import Publication, PublicationItemCode
from spotcheck.disclosure.publications import publication_correct
from spotcheck.disclosure.selectors import PublicFilters, search_published
from tests.inspections.conftest import Scene
from tests.portal.helpers import accepted_individual, approve, correct, publish

pytestmark = pytest.mark.django_db
SPEC = partitions.PUBLICATIONS


def _home(pub: Publication) -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tableoid::regclass::text FROM disclosure_publication WHERE id = %s", [pub.pk]
        )
        return str(cursor.fetchone()[0])


def _found(code: str) -> list[Publication]:
    return list(search_published(PublicFilters(q=code), today=timezone.localdate()))


def test_corrections_item_codes_and_search_work(scene: Scene, client: object) -> None:
    first = publish(scene, "inspection_result", accepted_individual(scene))
    draft = publication_correct(actor=scene.p.section, publication=first, note="更正检查结论")
    # One successor per version: the service checks it (the database's unique index now
    # includes created_at, so it no longer could).
    with pytest.raises(ServiceError, match="已有更正版本"):
        publication_correct(actor=scene.p.section, publication=first, note="再次更正")
    second = approve(scene, draft)
    first.refresh_from_db()
    assert second.supersedes == first and first.superseded_by == second
    assert second.version == first.version + 1
    assert PublicationItemCode.objects.filter(publication=second).exists()
    code = scene.target.credit_code
    assert _found(code) == [second]
    page = client.get(reverse("portal:search"), {"q": code})  # type: ignore[attr-defined]
    assert page.status_code == 200
    assert reverse("portal:detail", args=[second.pk]) in page.content.decode()
    if connection.vendor == "postgresql":
        assert _home(second) == SPEC.partition(timezone.localdate(second.created_at).year)


def test_deleting_protects_the_corrected_version_and_cascades_item_codes(scene: Scene) -> None:
    first = publish(scene, "inspection_result", accepted_individual(scene))
    second = correct(scene, first, "更正检查结论")
    codes = set(PublicationItemCode.objects.filter(publication=second).values_list("pk", flat=True))
    assert codes
    with pytest.raises(ProtectedError):
        first.delete()
    second.delete()
    assert not PublicationItemCode.objects.filter(pk__in=codes).exists()
    first.delete()
    assert not Publication.objects.filter(pk__in=[first.pk, second.pk]).exists()


def test_a_publication_of_a_year_without_partition_is_moved_out_of_default(
    scene: Scene, today: dt.date
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("publications are partitioned on PostgreSQL only")
    first = publish(scene, "inspection_result", accepted_individual(scene))
    # Two years ahead no partition exists yet; mid-year, whatever the time zone.
    later = dt.datetime(today.year + 2, 6, 15, 10, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(later, tick=False):
        second = correct(scene, first, "更正检查结论")
    assert _home(second) == SPEC.default
    call_command("ensure_partitions", stdout=StringIO())
    assert _home(second) == SPEC.partition(today.year + 2)
    second.refresh_from_db()
    assert second.supersedes == first
    assert PublicationItemCode.objects.filter(publication=second).exists()
