"""Typed environment readers that fail loudly.

A misspelt boolean or a malformed DATABASE_URL must stop the process at start-up rather than
silently fall back to a default that could, for example, leave DEBUG on in production.
"""

from __future__ import annotations

import os


class ConfigError(RuntimeError):
    pass


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not an integer") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={value} must be at least {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = os.environ.get(name, default)
    if value not in choices:
        raise ConfigError(f"{name}={value!r} must be one of {sorted(choices)}")
    return value


def cache_from_url(name: str) -> dict[str, object]:
    """The default cache from ``name``: empty for per-process memory, ``file:///abs/dir`` for
    a folder every worker on this machine shares, ``redis://host:port/db`` for Redis.

    Rate-limit counters and the portal's cached filter options live in this cache; with the
    per-process default each gunicorn worker keeps its own, so a client gets the configured
    rate once per worker.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    scheme, sep, rest = raw.partition("://")
    if scheme == "file" and sep and rest.startswith("/"):
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": rest}
    if scheme in {"redis", "rediss"} and sep and rest:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    raise ConfigError(
        f"{name}={raw!r} is not a supported cache (empty, file:///absolute/dir, redis://host:port/db)"
    )
