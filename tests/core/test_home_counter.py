"""The home page's directory counter: cached (a whole-table count per visit costs ~1 s at 10^7
targets), and still right the moment the directory changes."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.directory.models import Target
from tests.conftest import Personas
from tests.factories import TargetFactory


@pytest.mark.django_db
def test_home_counter_follows_the_directory(client: Client, personas: Personas) -> None:
    client.force_login(personas.section)
    before = Target.objects.count()
    assert f"<b>{before}</b>" in client.get(reverse("core:home")).content.decode()
    TargetFactory(departments=[personas.dept])
    assert f"<b>{before + 1}</b>" in client.get(reverse("core:home")).content.decode()
    Target.objects.order_by("pk").last().delete()  # type: ignore[union-attr]
    assert f"<b>{before}</b>" in client.get(reverse("core:home")).content.decode()
