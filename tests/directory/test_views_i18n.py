"""Chinese by default; English available through the compiled catalogue (committed .mo)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import Personas
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client: Client, personas: Personas) -> None:
    client.force_login(personas.section)
    content = client.get(reverse("directory:target_list")).content.decode()
    assert '<html lang="zh-hans">' in content
    assert "检查对象名录库" in content


def test_english_after_switching_language(client: Client, personas: Personas) -> None:
    TargetFactory(departments=[personas.dept])
    client.force_login(personas.section)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    content = client.get(reverse("directory:target_list")).content.decode()
    assert '<html lang="en">' in content
    assert "Target directory" in content
    assert "Credit risk class" in content
    assert "Enterprise" in content  # model choice labels are translated too
    assert "Edit" in content


def test_english_form_and_history_labels(client: Client, personas: Personas) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(personas.section)
    content = client.get(reverse("directory:target_create")).content.decode()
    assert "Unified social credit code" in content
    assert "Supervising departments" in content
    client.force_login(personas.inspector)
    forbidden = client.get(reverse("directory:target_list")).content.decode()
    assert "Access denied" in forbidden
    assert "You may not view the target directory" in forbidden
