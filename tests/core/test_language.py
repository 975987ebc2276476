from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_chinese_by_default_even_for_english_browsers() -> None:
    page = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get(reverse("accounts:login"))
    assert "登录" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_english_when_chosen() -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("accounts:login"))
    assert page["Content-Language"] == "en"
    assert "Log in" in page.content.decode() or "Sign in" in page.content.decode()
