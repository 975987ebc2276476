"""Django settings, read from the environment (see .env.example)."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from spotcheck.config.env import (
    ConfigError,
    cache_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
)

# Lets ModelAdmin[...] and friends be subscripted at run time, as the type stubs expect.
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(env_str("SPOTCHECK_HOME", str(Path.cwd())))
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DEBUG", False)
_secret = env_str("SECRET_KEY", "")
if not _secret:
    if not DEBUG:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    _secret = "insecure-development-key-do-not-use-in-production"
SECRET_KEY = _secret
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "simple_history",
    "spotcheck.core.thirdparty_apps.AxesConfig",  # axes, under a translated name
    "django_htmx",
    "spotcheck.core.thirdparty_apps.DjangoQConfig",  # django_q, under a translated name
    "csp",
    "spotcheck.core",
    "spotcheck.accounts",
    "spotcheck.audit",
    "spotcheck.directory",
    "spotcheck.jobs",
    "spotcheck.credit",
    "spotcheck.planning",
    "spotcheck.draws",
    "spotcheck.reports",
    "spotcheck.inspections",
    "spotcheck.disclosure",
    "spotcheck.api",
    "spotcheck.portal",
    "spotcheck.opendata",
    "spotcheck.demo",
]

MIDDLEWARE = [
    "spotcheck.core.middleware.BureauPortalMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "spotcheck.core.middleware.ChineseByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "spotcheck.core.middleware.StripNulFromQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "spotcheck.config.urls"
WSGI_APPLICATION = "spotcheck.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "spotcheck.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'spotcheck.sqlite3'}"
_db_url = env_str("DATABASE_URL", _default_db)
try:
    _db = dj_database_url.parse(_db_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
except ValueError as exc:
    raise ConfigError(f"DATABASE_URL={_db_url!r} is not a valid database URL: {exc}") from exc
if _db["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ConfigError(f"DATABASE_URL engine {_db['ENGINE']} is not supported (sqlite, postgres)")
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the job worker writes; the busy timeout turns a
    # momentary lock into a short wait instead of "database is locked".
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    _db["TEST"] = (
        {"NAME": str(VAR_DIR / "test.sqlite3")} if env_bool("SQLITE_TEST_FILE", False) else {}
    )
DATABASES = {"default": _db}
# A PostgreSQL streaming replica for the public portal's reads (operations.md, "Several
# hosts"); core/db_router.py decides which reads may go there. Unset: one database, no router.
_replica_url = env_str("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    try:
        _replica = dj_database_url.parse(
            _replica_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0)
        )
    except ValueError as exc:
        raise ConfigError(f"DATABASE_REPLICA_URL is not a valid database URL: {exc}") from exc
    if _db["ENGINE"] != "django.db.backends.postgresql" or (
        _replica["ENGINE"] != "django.db.backends.postgresql"
    ):
        raise ConfigError("DATABASE_REPLICA_URL needs PostgreSQL for both DATABASE_URL and it")
    # A test run with the variable set reads the test database through this alias rather
    # than creating a second one the replica could never have.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["spotcheck.core.db_router.ReplicaRouter"]
    # Early, so every database read of a public request sees the mark.
    MIDDLEWARE.insert(1, "spotcheck.core.db_router.PublicReadsMiddleware")
# Shared by all workers when set (rate limits count per client, not per worker); see env.py.
CACHES = {"default": cache_from_url("CACHE_URL")}
# Sessions live in the database, which every host shares; with a shared cache (CACHE_URL) they
# are read from it first and written through to the database, so a login survives a cache
# flush. A per-process cache (no CACHE_URL) would hold stale copies: keep plain db sessions.
if env_str("CACHE_URL", "").strip().startswith(("redis://", "rediss://")):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Uploads: imports of 100k rows are ~15 MB as CSV; leave room for xlsx.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000, minimum=1)
# Files above this many rows are imported by the job worker with a progress bar.
IMPORT_BACKGROUND_ROWS = env_int("IMPORT_BACKGROUND_ROWS", 2_000, minimum=1)
# Above this many targets in the directory the task page's probability preview is computed by a
# job and stored, not rebuilt on every view (building it costs ~5 s at 10^6 targets).
PREVIEW_INLINE_MAX = env_int("PREVIEW_INLINE_MAX", 50_000, minimum=0)
# Import uploads and export files are deleted this many days after their job ended
# (`manage.py purge_job_files`, run daily).
JOB_FILE_RETENTION_DAYS = env_int("JOB_FILE_RETENTION_DAYS", 30, minimum=0)
# Inspection evidence (photos, PDFs): larger uploads are refused before anything is stored.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

# --- HTTPS, cookies and browser protections (operations.md, "Security settings") -----------
# With DEBUG off the defaults assume HTTPS (behind the reverse proxy): Secure cookies and HSTS
# for a year. A plain-HTTP intranet opts out with SECURE_COOKIES=0 (or logins fail: the browser
# would never send the session cookie back) and HSTS_SECONDS=0.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
# The proxy terminates TLS and redirects http → https itself (operations.md §4); SSL_REDIRECT=1
# makes Django redirect too (needs TRUSTED_PROXY_COUNT ≥ 1 behind a proxy, or it would loop).
SECURE_SSL_REDIRECT = env_bool("SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers probe over plain HTTP
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# `manage.py check --deploy` warnings silenced on purpose (tests/core/test_deploy_check.py runs
# the check with the production settings and expects nothing else):
SILENCED_SYSTEM_CHECKS = [
    # W021 HSTS preload: entering the preload lists built into browsers is a decision of the
    # domain's owner, impossible for intranet names; HSTS_PRELOAD=1 sends the flag.
    "security.W021",
]
if not SECURE_SSL_REDIRECT:
    # W008 SSL redirect: done by the reverse proxy, which is the only thing listening on the
    # network (gunicorn binds 127.0.0.1); see operations.md §4.
    SILENCED_SYSTEM_CHECKS.append("security.W008")

# Content-Security-Policy (django-csp): scripts, styles, images, fonts and connections from
# this site only. No inline script or style: behaviour lives in static/js/app.js, htmx is
# served by django-htmx from our static files with its inline indicator style switched off.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        # The portal's browser verifier builds its Web Worker from its own (self-served) code
        # as a blob: URL, so a saved copy of the page works offline; only our scripts can
        # create such a URL, since script-src stays 'self'.
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# API tokens expire this many days after they are created (the user makes a new one).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90, minimum=1)

# Reverse proxies in front (nginx sets X-Forwarded-For/-Proto itself, overwriting whatever the
# client sent). Without one, neither header is believed.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Publication deadlines in working days after the decision date (Art. 16). The 7 days for
# penalty decisions are fixed by the rule, not a setting; other results are the bureau's choice.
PENALTY_PUBLICATION_WORKDAYS = 7
RESULT_PUBLICATION_WORKDAYS = env_int("RESULT_PUBLICATION_WORKDAYS", 20, minimum=1)

# Where the public finds the source code (protocol spec, verifier, test vectors); shown on the
# portal's 如何验证 pages. Set it to the address of the copy the bureau actually runs.
SPOTCHECK_SOURCE_URL = env_str("SPOTCHECK_SOURCE_URL", "https://github.com/spotcheck-gov/spotcheck")
if not SPOTCHECK_SOURCE_URL.startswith(("https://", "http://")) or any(
    c.isspace() or c in '"<>' for c in SPOTCHECK_SOURCE_URL
):
    raise ConfigError(
        f"SPOTCHECK_SOURCE_URL must be an http(s) address, got {SPOTCHECK_SOURCE_URL!r}"
    )

AUDIT_HASH_ALGORITHM = env_choice("AUDIT_HASH_ALGORITHM", "sha256", {"sha256", "sm3"})
# Signed checkpoints of the audit chain (docs/operations.md, "The audit log"). The private key
# is a file outside the database, never committed (var/ is ignored), mode 0600; every public key
# ever used is kept in AUDIT_PUBLIC_KEYS_DIR, which verify_audit --checkpoint trusts.
AUDIT_SIGNING_KEY_FILE = Path(
    env_str("AUDIT_SIGNING_KEY_FILE", str(VAR_DIR / "audit-signing-key.pem"))
)
AUDIT_PUBLIC_KEYS_DIR = Path(env_str("AUDIT_PUBLIC_KEYS_DIR", str(VAR_DIR / "audit-public-keys")))
# The log's name inside every signed checkpoint, so one bureau's checkpoint cannot pass for
# another's log. Set it once per deployment (e.g. the bureau's domain) and never change it.
AUDIT_LOG_ID = env_str("AUDIT_LOG_ID", "spotcheck")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a script's request is never mistaken for a (CSRF-checked) session one.
        "spotcheck.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "spotcheck.api.pagination.ApiPagination",
    # How many reverse proxies append to X-Forwarded-For. 0 (no proxy) makes the throttles
    # count the connection's address; DRF's default would believe a client-sent header, so
    # a scraper could escape every limit by forging a new address per request.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_ANON_RATE", "60/minute"),
        "user": env_str("API_USER_RATE", "1200/minute"),
        # Public (no-login) publication endpoints: per client address, whoever is logged in.
        "public": env_str("API_PUBLIC_RATE", "120/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "spotcheck API",
    "VERSION": "0.1.0",
    "ENUM_NAME_OVERRIDES": {
        "PublicStatusEnum": "spotcheck.api.serializers_public.PUBLIC_STATUSES",
    },
}

# Background jobs: django-q2 with the ORM broker runs on the same database as the app, so the
# embedded SQLite setup needs no extra server; JOB_BROKER_URL=redis://… moves the queue to
# Redis for several worker hosts (operations.md, "Several hosts").
#
# No job runs twice: Redis hands each task to exactly one worker (BLPOP removes it); the ORM
# broker re-offers a task only when it was not acknowledged within `retry`, which is longer
# than `timeout` (a task is killed at its timeout), so only after its worker died; a task
# that failed is not retried (max_attempts 1); and jobs.services.run starts a job only by a
# conditional queued → running update, so a second delivery of the same job does nothing.
Q_SYNC = env_bool("JOBS_SYNC", False)
Q_CLUSTER: dict[str, object] = {
    "name": "spotcheck",
    "workers": env_int("JOB_WORKERS", 1, minimum=1),
    "timeout": 1800,
    "retry": 3600,
    "max_attempts": 1,
    "sync": Q_SYNC,
    "catch_up": False,
    "label": "后台任务",
}
_broker_url = env_str("JOB_BROKER_URL", "").strip()
if _broker_url.startswith(("redis://", "rediss://")):
    Q_CLUSTER["redis"] = _broker_url
elif _broker_url:
    raise ConfigError(f"JOB_BROKER_URL={_broker_url!r} must be redis://host:port/db (or unset)")
else:
    Q_CLUSTER["orm"] = "default"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"brief_client_errors": {"()": "spotcheck.core.logging.BriefClientErrors"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    # A 403 or 400 is one line, not a traceback (5xx keep theirs): on django.request, and on
    # our handler for the django.security.* family.
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["brief_client_errors"]},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django_q": {"level": "WARNING"},
        # Replaces Django's DEBUG-only console on "django", which printed every warning twice.
        # Configuring "django" resets its children, so runserver's request lines get Django's
        # own format back explicitly.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        "django.request": {"filters": ["brief_client_errors"]},
    },
}
