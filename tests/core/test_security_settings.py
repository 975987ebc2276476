"""Security settings (issue 13): HTTPS defaults with DEBUG off, documented opt-outs, a clean
`manage.py check --deploy` with the production settings of operations.md, and a
Content-Security-Policy on every page."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# What operations.md §2 puts in /etc/spotcheck/env (the database is not contacted by the check).
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "spotcheck.example.gov.cn",
    "CSRF_TRUSTED_ORIGINS": "https://spotcheck.example.gov.cn",
    "TRUSTED_PROXY_COUNT": "1",
    "TIME_ZONE": "Asia/Shanghai",
}


def _run(code: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": "src", "SPOTCHECK_HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_is_clean_with_the_documented_production_settings(tmp_path: Path) -> None:
    proc = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION, tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (2 silenced)." in proc.stdout


def test_plain_http_opt_outs_show_up_in_the_deploy_check(tmp_path: Path) -> None:
    """SECURE_COOKIES=0 and HSTS_SECONDS=0 (an intranet without TLS) are allowed, and the check
    says honestly what they give up."""
    env = {**PRODUCTION, "SECURE_COOKIES": "0", "HSTS_SECONDS": "0"}
    proc = _run(["manage.py", "check", "--deploy"], env, tmp_path)
    for warning in ("security.W004", "security.W012", "security.W016"):
        assert warning in proc.stdout + proc.stderr


def _settings(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    code = (
        "import json, spotcheck.config.settings as s; print(json.dumps({k: getattr(s, k) for k in"
        " ('SESSION_COOKIE_SECURE','CSRF_COOKIE_SECURE','SECURE_HSTS_SECONDS',"
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS','SECURE_SSL_REDIRECT','API_TOKEN_DAYS')}))"
    )
    proc = _run(["-c", code], env, tmp_path)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def test_https_defaults_follow_debug_and_have_opt_outs(tmp_path: Path) -> None:
    on = _settings({"DEBUG": "0", "SECRET_KEY": "x"}, tmp_path)
    assert on["SESSION_COOKIE_SECURE"] is True and on["CSRF_COOKIE_SECURE"] is True
    assert on["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600 and on["SECURE_HSTS_INCLUDE_SUBDOMAINS"]
    assert on["API_TOKEN_DAYS"] == 90
    off = _settings(
        {"DEBUG": "0", "SECRET_KEY": "x", "SECURE_COOKIES": "0", "HSTS_SECONDS": "0"}, tmp_path
    )
    assert off["SESSION_COOKIE_SECURE"] is False and off["SECURE_HSTS_SECONDS"] == 0
    dev = _settings({"DEBUG": "1"}, tmp_path)
    assert dev["SESSION_COOKIE_SECURE"] is False and dev["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/public/", "/api/docs/"])
def test_every_page_carries_a_strict_content_security_policy(client: Client, url: str) -> None:
    policy = client.get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_hsts_is_sent_over_https(client: Client, settings: object) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000  # type: ignore[attr-defined]
    response = client.get(reverse("accounts:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


PACKAGE = ROOT / "src" / "spotcheck"


def test_no_template_has_inline_script_or_style() -> None:
    """The policy forbids them; a browser would silently drop them (tests/browser checks the
    console as well)."""
    import re

    pattern = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.html")
        if pattern.search(p.read_text())
    ]
    assert offenders == []
    widgets = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if re.search(r"""["']style["']\s*:""", p.read_text()) and "settings.py" not in p.name
    ]
    assert widgets == [], "form widgets with inline style attributes"
