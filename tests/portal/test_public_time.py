"""Times on the portal and in downloads are in the bureau's zone, with the zone said."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.draws import services as draws
from spotcheck.portal.templatetags.public_time import public_time
from tests.workflow_fixtures import World


def test_utc_instants_are_shown_in_beijing_time() -> None:
    # 21:01 UTC is 05:01 the next day in Beijing: pure formatting of given instants.
    utc = "2026-12-04T21:01:07.829347+00:00"  # fixed-date: formatting only
    beijing = "2026-12-05 05:01:07 北京时间"  # fixed-date: formatting only
    assert public_time(utc) == beijing
    assert public_time("2026-12-04T21:01:07Z") == "2026-12-05 05:01:07 北京时间"  # fixed-date: same
    assert public_time("not a time") == "not a time"
    assert public_time("2026-12-04T21:01:07") == "2026-12-04T21:01:07"  # fixed-date: no zone
    assert public_time(None) == ""


@override_settings(TIME_ZONE="Europe/Berlin")
def test_another_zone_is_named_with_its_offset() -> None:
    instant = timezone.now().replace(microsecond=0)
    shown = public_time(instant.isoformat())
    assert shown.startswith(f"{timezone.localtime(instant):%Y-%m-%d %H:%M:%S} Europe/Berlin（UTC+")


@pytest.mark.django_db
def test_commitment_times_carry_the_local_offset(client: Client, world: World) -> None:
    draw = draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    committed_at = draw.commitment["committed_at"]
    assert committed_at.endswith("+08:00")
    assert dt.datetime.fromisoformat(committed_at) == draw.committed_at
    pub = draw_publication("draw_commitment", draw)
    assert pub is not None
    page = client.get(reverse("portal:detail", args=[pub.pk])).content.decode()
    local = timezone.localtime(draw.committed_at)
    assert f"{local:%Y-%m-%d %H:%M:%S} 北京时间" in page
    assert committed_at not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["portal:home", "portal:draws", "portal:verify", "portal:audit_checkpoints"]
)
def test_every_portal_page_names_its_time_zone(client: Client, name: str) -> None:
    page = client.get(reverse(name)).content.decode()
    assert "本平台的日期和时间均为北京时间" in page
