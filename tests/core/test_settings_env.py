from __future__ import annotations

import pytest

from spotcheck.config.env import ConfigError, env_bool, env_choice, env_int


def test_bad_boolean_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG", False)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("off", False), ("YES", True), ("", False)]
)
def test_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_bad_int_and_minimum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_N", "ten")
    with pytest.raises(ConfigError):
        env_int("X_N", 1)
    monkeypatch.setenv("X_N", "0")
    with pytest.raises(ConfigError):
        env_int("X_N", 1, minimum=1)


def test_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_ALG", "md5")
    with pytest.raises(ConfigError):
        env_choice("X_ALG", "sha256", {"sha256", "sm3"})


def test_settings_refuse_bad_database_url() -> None:
    import subprocess
    import sys

    env = {"DATABASE_URL": "mysql2://nope", "DEBUG": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run(
        [sys.executable, "-c", "import spotcheck.config.settings"],
        env={**env, "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "DATABASE_URL" in proc.stderr


def test_settings_require_secret_key_without_debug() -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-c", "import spotcheck.config.settings"],
        env={"DEBUG": "0", "PATH": "/usr/bin:/bin", "PYTHONPATH": "src"},
        capture_output=True,
        text=True,
    )
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


@pytest.mark.parametrize(
    ("count", "ssl_header", "num_proxies"),
    [("0", "None", "0"), ("1", "('HTTP_X_FORWARDED_PROTO', 'https')", "1")],
)
def test_forwarded_headers_are_believed_only_behind_a_declared_proxy(
    count: str, ssl_header: str, num_proxies: str
) -> None:
    import subprocess
    import sys

    code = (
        "import spotcheck.config.settings as s;"
        "print(getattr(s, 'SECURE_PROXY_SSL_HEADER', None));"
        "print(s.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "DEBUG": "1",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": "src",
            "TRUSTED_PROXY_COUNT": count,
        },
        capture_output=True,
        text=True,
    )
    assert proc.stdout.split("\n")[:2] == [ssl_header, num_proxies], proc.stderr


@pytest.mark.parametrize(
    ("raw", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("file:///var/cache/spotcheck", "django.core.cache.backends.filebased.FileBasedCache"),
        ("redis://127.0.0.1:6379/1", "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_cache_url(monkeypatch: pytest.MonkeyPatch, raw: str, backend: str) -> None:
    from spotcheck.config.env import cache_from_url

    monkeypatch.setenv("CACHE_URL", raw)
    assert cache_from_url("CACHE_URL")["BACKEND"] == backend


@pytest.mark.parametrize("raw", ["memcached://x", "file://relative/dir", "redis://"])
def test_bad_cache_url_fails_loudly(monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
    from spotcheck.config.env import ConfigError, cache_from_url

    monkeypatch.setenv("CACHE_URL", raw)
    with pytest.raises(ConfigError, match="CACHE_URL"):
        cache_from_url("CACHE_URL")
