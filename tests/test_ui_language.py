"""No English in the Chinese UI, no Chinese in the English UI, except data (issue 15).

Every staff and portal page of the access matrix (tests/test_access_matrix.py, whose world and
URL arguments this test reuses) is rendered with the Django test client for every persona that
may see it, once with the language cookie set to ``zh-hans`` and once to ``en`` (the language
switcher sets the same cookie; see ``ChineseByDefaultLocaleMiddleware``). Forms that re-render
on an empty POST are rendered that way too, so their validation messages are checked. The
Django admin's index and every model's list (django-axes' included) are rendered for the admin.

What is checked is what a person reads: text nodes (``<title>`` and ``<option>`` included, not
``<script>``/``<style>``), the attributes a browser shows (``title``, ``placeholder``,
``aria-label``, ``alt``, ``data-label`` shown by CSS on phones, confirm prompts, and the
``value`` of buttons) and the strings of the in-browser verifier (its ``verify-strings`` JSON).

How data is told apart from the UI, without marking up templates:

* Chinese pages: the test world's data is Chinese by construction (tests/factories.py), so the
  only ASCII words that data brings are identifiers. Those are collected from the database
  (usernames, department and item codes, file names: ``_ascii_data_words``) and allowed.
  Tokens with a digit (credit codes, certificate numbers, ids, dates) and hex digests are
  data. Everything else must be on the short ``ALLOWED_WORDS`` list of names that are written
  in Latin letters in Chinese too (PDF, SHA-256, Merkle ...).
* English pages: a run of Chinese characters is data when it is part of a text value stored
  in the database (names, reasons, summaries, reference data such as result categories, which
  are editable there). Code values (choices, event types) are ASCII, so this cannot excuse a
  code shown untranslated; it can excuse a UI string only if the very same run happens to be
  in some data, which the test world's names avoid.

Failures name the page, the persona, the language and the offending string.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from tests.conftest import Personas
from tests.test_access_matrix import (
    COLUMNS,
    MATRIX,
    MATRIX_WINDOW_OPEN,
    URL_ARGS,
    Samples,
    _media,  # noqa: F401  (autouse: evidence files of the sample inspection)
    _staff_publication,
    samples,  # noqa: F401  (the world of the access matrix)
)

# Latin-letter words that Chinese UI text uses as they are. Keep it short: each one is a name,
# a standard or a file format that has no Chinese rendering in common use.
ALLOWED_WORDS = frozenset(
    {
        "English",  # the language switcher names each language in that language
        # File formats and standards
        "PDF",
        "Excel",
        "CSV",
        "JSON",
        "XLSX",
        "xlsx",  # a file extension, as people see it on their files
        "PNG",
        "JPEG",
        "Atom",
        "UTF",  # UTF-8
        "BOM",
        "GBK",
        "ISO",  # ISO 8601
        "YYYY-MM-DD",  # the date format people type
        "REST",
        "API",
        "URL",
        "HTTP",
        "HTTPS",
        "ID",
        "SM3",
        "SHA",  # SHA-256 splits into SHA and 256
        "Ed25519",
        "GB",  # GB/T …: national standard numbers
        "NaN",  # JSON literals the verifier names when it rejects them
        "Infinity",
        # Names: algorithms, statisticians, software
        "Merkle",
        "Hájek",
        "Horvitz",
        "Thompson",
        "Deville",
        "HT",  # Horvitz–Thompson, abbreviated as in the literature
        "Korn",
        "Graubard",
        "Python",
        "JavaScript",
        "Ctrl",  # a key's name as printed on the keyboard
    }
)
# The language switcher names each language in that language.
ALLOWED_CHINESE = frozenset({"简体中文"})
# A run of Latin letters (a word) in Chinese text; digits, hyphens and dots join the token so
# that codes such as ITEM-001 or 91640106... are seen whole (and skipped, having digits).
_TOKEN = re.compile(r"[A-Za-z0-9\u00c0-\u024f][A-Za-z0-9\u00c0-\u024f_.\-]*")
# Not words: URLs, file names (draw-编号-proof.json) and the {placeholders} the in-browser
# verifier fills in.
_NOT_WORDS = re.compile(
    r"https?://\S+|[\w.\-/]*\.(?:json|py|md|csv|pdf|png|jpe?g|xlsx|docx|txt|pem)\b|\{\w+\}"
)
_HEX = re.compile(r"[0-9a-f]{6,}")
# A run of Han characters. Chinese punctuation separates runs: a page may join two data values
# with "：" or "、" (市场建设科：检查事项0), and each must then be found in the data.
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_HAN = _CJK

SHOWN_ATTRIBUTES = (
    "title",
    "placeholder",
    "aria-label",
    "aria-description",
    "alt",
    "data-label",
    "data-confirm",
    "hx-confirm",
)
SKIPPED_ELEMENTS = {"script", "style", "template"}
# Machine text, the same in every language: commands, file and field names, JSON documents,
# digests. A code value shown to people as a word (a state, an event type) must not hide here:
# it gets a translated label, and the code at most in a ``title``.
MACHINE_ELEMENTS = {"code", "pre", "kbd", "samp"}


class _Visible(HTMLParser):
    """Collects what a reader sees or hears."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.strings: list[str] = []
        self._skip: list[str] = []
        self._json_strings = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if "/admin/img/icon-" in (a.get("src") or ""):
            # Django admin's yes/no icons: their alt is the Python value (True/False/None),
            # which Django does not translate; the icon says it.
            a.pop("alt", None)
        for name in SHOWN_ATTRIBUTES:
            if a.get(name):
                self.strings.append(str(a[name]))
        button = tag in {"input", "button"} and a.get("type") in {"submit", "button", "reset"}
        if button and a.get("value"):
            self.strings.append(str(a["value"]))
        if tag in SKIPPED_ELEMENTS or tag in MACHINE_ELEMENTS:
            self._skip.append(tag)
            self._json_strings = a.get("id") == "verify-strings"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in SKIPPED_ELEMENTS or tag in MACHINE_ELEMENTS:
            self._skip.pop()

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag == self._skip[-1]:
            self._skip.pop()
            self._json_strings = False

    def handle_data(self, data: str) -> None:
        if self._json_strings:
            self.strings.extend(_json_values(json.loads(data)))
        elif not self._skip and data.strip():
            self.strings.append(data)


def _json_values(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _json_values(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_values(v)


def visible_strings(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return parser.strings


def english_words(strings: list[str], data_words: set[str]) -> set[tuple[str, str]]:
    """(word, where) for each Latin word in a Chinese page that is neither allowed nor data."""
    found = set()
    for s in strings:
        for token in _TOKEN.findall(_NOT_WORDS.sub(" ", s)):
            token = token.strip("._-")
            if not token or any(c.isdigit() for c in token) or _HEX.fullmatch(token):
                continue
            if token in ALLOWED_WORDS or token in data_words or token.startswith("spotcheck"):
                continue
            # A one-letter token is a credit class (A–D), a variable in a formula (π, n_h, c·w)
            # or a unit; a word has at least two letters.
            if len(token) < 2:
                continue
            found.add((token, s.strip()[:80]))
    return found


def chinese_runs(strings: list[str], data_text: str) -> set[tuple[str, str]]:
    """(run, where) for each run of Chinese characters in an English page that is not part
    of stored data."""
    found = set()
    for s in strings:
        for run in _CJK.findall(s):
            if run not in ALLOWED_CHINESE and run not in data_text:
                found.add((run, s.strip()[:80]))
    return found


def _stored_text() -> str:
    """Every text value stored in the database, joined: the data a page may show."""
    values: list[str] = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for v in row:
                values.extend(_json_values(v))
    return "\n".join(v for v in values if _HAN.search(v))


def _ascii_data_words() -> set[str]:
    """ASCII words that the test world's data brings: identifiers people typed in."""
    from spotcheck.accounts.models import Bureau, Department, User
    from spotcheck.directory.models import CheckItem
    from spotcheck.inspections.models import Evidence

    words: set[str] = set()
    sources: list[Any] = [
        User.objects.values_list("username", flat=True),
        Department.objects.values_list("code", flat=True),
        Bureau.objects.values_list("code", flat=True),
        CheckItem.objects.values_list("code", flat=True),
        Evidence.objects.values_list("original_name", flat=True),
    ]
    for values in sources:
        for v in values:
            words.update(t.strip("._-") for t in _TOKEN.findall(v or ""))
    return words


def _risky_world(world: Samples, personas: Personas) -> Any:
    """Targets whose weights have reasons (every factor that shows a value), and a draft task
    stratified by target kind, whose page previews the pool with its strata and reasons."""
    import datetime as dt

    from django.utils import timezone

    from spotcheck.directory.models import SupervisionGrade, TargetKind
    from spotcheck.planning import services as planning
    from tests.factories import TargetFactory

    TargetFactory(
        departments=[personas.dept],
        kind=TargetKind.INDIVIDUAL,
        credit_class="D",
        supervision_grade=SupervisionGrade.LOW,
        complaint_count=2,
        blacklisted=True,
        key_industry=True,
    )
    TargetFactory(
        departments=[personas.dept],
        kind=TargetKind.ENTERPRISE,
        supervision_grade=SupervisionGrade.HIGH,
        abnormal_list=True,
        serious_violation=True,
    )
    start = timezone.localdate() + dt.timedelta(days=30)
    return planning.task_create(
        actor=personas.section,
        name="分层样例任务",
        mode="undirected",
        items=[world.item],
        window_start=start,
        window_end=start + dt.timedelta(days=10),
        sample={"mode": "count", "values": {TargetKind.ENTERPRISE: 1, "*": 1}},
        stratify_by="kind",
    )


def _pages(world: Samples, personas: Personas) -> Iterator[tuple[str, str, str, Any]]:
    """(url, method, persona, user) for every page a persona may see (status 200).

    The inspection pages are read once the window has opened (results recorded); the world
    before the window (MATRIX_BEFORE_WINDOW) links the inspector persona to another team and
    cannot coexist with it, and it shows the same templates.
    """
    users: dict[str, Any] = {"anonymous": None, **personas.all()}
    tables = [
        (MATRIX, lambda name: URL_ARGS.get(name, lambda s: [])(world)),
        (MATRIX_WINDOW_OPEN, lambda name: [world.workflow(window_open=True).draw.pk]),
    ]
    for table, args in tables:
        for (name, method), statuses in table.items():
            if name.startswith(("api:", "core:")) and name != "core:home":
                continue  # JSON and health checks: no page to read
            url = reverse(name, args=args(name))
            portal = name.startswith(("portal:", "opendata:"))
            refusal_read = False
            for column, status in zip(COLUMNS, statuses, strict=True):
                # A refusal (403) says why, in words: it is a page too. One persona's is
                # enough (the reason is the page's rule), which keeps the test fast.
                if status == 403 and not refusal_read:
                    refusal_read = True
                elif status != 200:
                    continue
                # The public pages are the same for everyone: read them as the public does.
                if portal and column not in {"anonymous", "section"}:
                    continue
                yield url, method, column, users[column]
    stratified = _risky_world(world, personas)
    for column in ("section", "leader", "auditor"):
        user = getattr(personas, column)
        yield reverse("planning:task_detail", args=[stratified.pk]), "GET", column, user
    for model in admin.site._registry:
        opts = model._meta
        yield (
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"),
            "GET",
            "admin",
            (personas.admin),
        )
    yield reverse("admin:index"), "GET", "admin", personas.admin


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_page_speaks_one_language(
    client: Client,
    personas: Personas,
    samples: Samples,  # noqa: F811
    language: str,
) -> None:
    samples.inspections()  # the window-open world: results, evidence, penalties
    # The staff and the public detail pages show the same record (one per department).
    samples._cache["published"] = _staff_publication(samples)
    pages = list(_pages(samples, personas))
    data_words = _ascii_data_words()
    failures: list[tuple[str, str, str, str]] = []
    # Reading some pages writes data (an audit event for a look at a confidential list, a job)
    # in the words of the moment: that is data too, so the stored text is read again before a
    # Chinese run is reported.
    data_text = _stored_text()
    signed_in = "-"
    # One sign-in per persona, not per page: the pages are read persona by persona.
    for url, method, column, user in sorted(pages, key=lambda page: page[2]):
        if column != signed_in:
            signed_in = column
            client.logout()  # the test client forgets every cookie then
            if user is not None:
                client.force_login(user)
            client.cookies["django_language"] = language
        response = client.get(url) if method == "GET" else client.post(url, {})
        if response.status_code not in (200, 403) or "html" not in response.get("Content-Type", ""):
            continue
        strings = visible_strings(response.content.decode())
        leaks = (
            english_words(strings, data_words)
            if language == "zh-hans"
            else chinese_runs(strings, data_text)
        )
        failures.extend((f"{method} {url}", column, *leak) for leak in leaks)
    if failures and language == "en":
        data_text = _stored_text()
        failures = [f for f in failures if f[2] not in data_text]
    report = sorted({f"{page} as {who}: {s!r} in {where!r}" for page, who, s, where in failures})
    assert not report, f"{language}: {len(report)} strings in the wrong language:\n" + "\n".join(
        report
    )


def test_every_audit_event_kind_has_a_label() -> None:
    """The audit log names event kinds in words; a kind nobody named would show its code."""
    import importlib

    from spotcheck.audit.events import AuditEventData
    from spotcheck.audit.labels import EVENT_LABELS

    def kinds(cls: type[AuditEventData]) -> Iterator[type[AuditEventData]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from kinds(sub)

    for module in ("spotcheck.accounts.events", "spotcheck.api.events"):
        importlib.import_module(module)  # the kinds defined outside spotcheck.audit
    types = {k.event_type for k in kinds(AuditEventData) if k.event_type}
    assert types - set(EVENT_LABELS) == set()
