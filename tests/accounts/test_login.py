from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_login_and_logout(personas: object) -> None:
    client = Client()
    resp = client.post(
        reverse("accounts:login"), {"username": "section", "password": "pw-for-tests-1"}
    )
    assert resp.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("core:home")).status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_chinese_error(personas: object) -> None:
    resp = Client().post(reverse("accounts:login"), {"username": "section", "password": "nope"})
    assert resp.status_code == 200
    assert "用户名或密码错误" in resp.content.decode()


@pytest.mark.django_db
def test_passwords_are_hashed_with_argon2() -> None:
    from django.conf import settings as django_settings
    from django.test import override_settings

    # The production setting, not the fast one the test suite uses.
    import spotcheck.config.settings as prod
    from tests.factories import UserFactory

    assert prod.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=prod.PASSWORD_HASHERS):
        user = UserFactory(username="hashed")
        assert user.password.startswith("argon2")
    assert django_settings.PASSWORD_HASHERS[0].endswith("MD5PasswordHasher")


@pytest.mark.django_db
def test_repeated_failures_lock_the_account(personas: object, settings: object) -> None:
    settings.AXES_ENABLED = True  # type: ignore[attr-defined]
    settings.AXES_FAILURE_LIMIT = 3  # type: ignore[attr-defined]
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "section", "password": "bad"})
    # Even the right password is refused while locked out.
    resp = client.post(
        reverse("accounts:login"), {"username": "section", "password": "pw-for-tests-1"}
    )
    assert resp.status_code == 429
    assert "锁定" in resp.content.decode()


@pytest.mark.django_db
def test_anonymous_home_redirects_to_login() -> None:
    resp = Client().get(reverse("core:home"))
    assert resp.status_code == 302 and reverse("accounts:login") in resp["Location"]
