"""The redaction sweep: no public response contains an unmasked personal identifier.

Every public URL is fetched anonymously — every page of the ``portal`` and ``opendata``
namespaces (enumerated from the URL resolver, so new pages are covered without editing this
file), the detail page, proof download and API detail of every publication id in the database
(drafts included: they must 404), the CSV, JSON and Atom downloads, the public API lists —
and then every public link found in those responses, breadth first. The secrets are collected
from the SOURCE records, not from what the pages show: operators' full names and home
addresses of individual businesses, every inspector's phone and employee number, and every
18-digit ID number and 11-digit mobile number found in any source text. None may appear in
any response body.

Runs twice: over the demo data (``load_demo``, whose workflow publishes records of every kind)
and over records built here with planted personal data. A third test plants an unmasked
value into a stored payload and checks that the sweep reports it.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import get_resolver, reverse

from spotcheck.accounts.models import Department
from spotcheck.directory.models import CheckItem, ConflictDeclaration, Inspector, Target, TargetKind
from spotcheck.disclosure.models import Publication
from spotcheck.inspections.models import FollowUp, Inspection, ItemResult
from tests.inspections.conftest import Scene, scene  # noqa: F401
from tests.opendata.builders import (
    EMPLOYEE_NO,
    HOME,
    ID_NO,
    INSPECTOR_PHONE,
    MOBILE,
    OPERATOR,
    build_records,
)

pytestmark = pytest.mark.django_db

PUBLIC_NAMESPACES = ("portal", "opendata")
PUBLIC_PREFIXES = ("/public/", "/api/v1/public/")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
MOBILE_NUMBER = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
# A crawl this long means the link-following went wrong (e.g. an endless calendar).
MAX_PAGES = 3000


# --- what must stay secret -----------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    value: str
    what: str


def _source_texts() -> Iterator[str]:
    """Free text of the source records, where ID and phone numbers may have been typed."""
    for t in Target.objects.all():
        yield from (t.name, t.legal_representative, t.address)
    for i in Inspector.objects.all():
        yield from (i.name, i.phone, i.employee_no)
    yield from ItemResult.objects.values_list("findings", flat=True)
    yield from Inspection.objects.values_list("summary", flat=True)
    yield from FollowUp.objects.values_list("description", flat=True)
    yield from ConflictDeclaration.objects.values_list("note", flat=True)


def _public_by_law() -> list[str]:
    """Texts the public may read: a secret that is part of one would be a false alarm
    (an operator sharing a name with an inspector, whose name is public by law)."""
    texts = list(Inspector.objects.values_list("name", flat=True))
    texts += Target.objects.exclude(kind=TargetKind.INDIVIDUAL).values_list("name", flat=True)
    texts += Department.objects.values_list("name", flat=True)
    texts += CheckItem.objects.values_list("name", flat=True)
    return texts


def collect_secrets() -> list[Secret]:
    secrets: list[Secret] = []
    for t in Target.objects.filter(kind=TargetKind.INDIVIDUAL):
        if t.legal_representative:
            secrets.append(Secret(t.legal_representative, f"经营者姓名（对象 {t.pk}）"))
        if t.address:
            secrets.append(Secret(t.address, f"经营场所/住址（对象 {t.pk}）"))
    for i in Inspector.objects.all():
        if i.phone:
            secrets.append(Secret(i.phone, f"执法人员电话（{i.cert_no}）"))
        if i.employee_no:
            secrets.append(Secret(i.employee_no, f"执法人员工号（{i.cert_no}）"))
    for text in _source_texts():
        secrets += [Secret(m, "身份证号码") for m in ID_NUMBER.findall(text or "")]
        secrets += [Secret(m, "手机号码") for m in MOBILE_NUMBER.findall(text or "")]
    public = _public_by_law()
    unique = {s.value: s for s in secrets if s.value.strip()}
    return [s for s in unique.values() if not any(s.value in text for text in public)]


def find_leaks(body: str, secrets: Iterable[Secret]) -> list[Secret]:
    return [s for s in secrets if s.value in body]


# --- every public response -----------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action"} and value:
                self.hrefs.append(value)


def _json_links(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for v in value.values():
            yield from _json_links(v)
    elif isinstance(value, list):
        for v in value:
            yield from _json_links(v)
    elif isinstance(value, str) and (value.startswith("http://testserver/") or value[:1] == "/"):
        yield value


def _links(content_type: str, body: str) -> list[str]:
    if "html" in content_type:
        parser = _Links()
        parser.feed(body)
        return parser.hrefs
    if "json" in content_type:
        try:
            return list(_json_links(json.loads(body)))
        except ValueError:
            return []
    if "xml" in content_type:
        return re.findall(r'href="([^"]+)"', body)
    return []


def _local(link: str) -> str | None:
    parts = urlsplit(link)
    if parts.netloc not in {"", "testserver"}:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return path if parts.path.startswith(PUBLIC_PREFIXES) else None


def _takes_pk(name: str) -> bool:
    namespace, _, url_name = name.partition(":")
    _, resolver = get_resolver().namespace_dict[namespace]
    for possibility, *_ in resolver.reverse_dict.getlist(url_name):
        for _, params in possibility:
            return bool(params)
    return False


def start_urls() -> list[str]:
    pks = list(Publication.objects.order_by("pk").values_list("pk", flat=True))
    urls: list[str] = []
    for namespace in PUBLIC_NAMESPACES:
        _, resolver = get_resolver().namespace_dict[namespace]
        for key in sorted(k for k in resolver.reverse_dict if isinstance(k, str)):
            name = f"{namespace}:{key}"
            if _takes_pk(name):
                urls += [reverse(name, args=[pk]) for pk in pks]
            else:
                urls.append(reverse(name))
    urls.append(reverse("api:public-publication-list") + "?page_size=200")
    urls += [reverse("api:public-publication-detail", args=[pk]) for pk in pks]
    return urls


@dataclass
class Sweep:
    fetched: dict[str, int] = field(default_factory=dict)
    leaks: list[tuple[str, Secret]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _content(response: Any) -> bytes:
    streamed = getattr(response, "streaming_content", None)
    return b"".join(streamed) if streamed is not None else bytes(response.content)


def sweep(client: Client, secrets: list[Secret]) -> Sweep:
    result = Sweep()
    queue = deque(start_urls())
    seen = set(queue)
    while queue:
        url = queue.popleft()
        # The public API's throttle would stop a long crawl: it is not what is tested here.
        cache.clear()
        response = client.get(url)
        result.fetched[url] = response.status_code
        if response.status_code >= 500:
            result.errors.append(url)
        body = _content(response).decode("utf-8", errors="replace")
        result.leaks += [(url, s) for s in find_leaks(body, secrets)]
        for link in _links(response.get("Content-Type", ""), body):
            local = _local(link)
            if local is not None and local not in seen and len(seen) < MAX_PAGES:
                seen.add(local)
                queue.append(local)
    return result


def _report(result: Sweep) -> str:
    return "\n".join(f"{url}: {s.what} {s.value!r}" for url, s in result.leaks[:20])


def _assert_clean(result: Sweep) -> None:
    assert result.errors == [], f"server errors on {result.errors[:10]}"
    assert result.leaks == [], "personal data in public responses:\n" + _report(result)


# --- the sweeps ------------------------------------------------------------------------------


def test_demo_data_leaks_nothing(client: Client) -> None:
    from spotcheck.demo.loader import load_demo

    load_demo()
    assert Publication.objects.filter(state="published").exists()
    secrets = collect_secrets()
    # The demo's individual businesses and inspectors give plenty to look for.
    assert any("经营者姓名" in s.what for s in secrets)
    assert any("执法人员电话" in s.what for s in secrets)
    result = sweep(client, secrets)
    ok = [url for url, status in result.fetched.items() if status == 200]
    assert any(u.startswith("/public/records/") for u in ok)
    assert any(u.startswith("/api/v1/public/publications/") for u in ok)
    _assert_clean(result)


def test_planted_personal_data_leaks_nowhere(client: Client, scene: Scene) -> None:  # noqa: F811
    records = build_records(scene)
    secrets = collect_secrets()
    values = {s.value for s in secrets}
    assert {OPERATOR, HOME, ID_NO, MOBILE, INSPECTOR_PHONE, EMPLOYEE_NO} <= values
    result = sweep(client, secrets)
    for p in records.openable():
        assert result.fetched[reverse("portal:detail", args=[p.pk])] == 200
        assert result.fetched[reverse("api:public-publication-detail", args=[p.pk])] == 200
    for p in records.never_public():
        assert result.fetched[reverse("portal:detail", args=[p.pk])] == 404
        assert result.fetched[reverse("api:public-publication-detail", args=[p.pk])] == 404
    for name in ("opendata:csv", "opendata:json", "opendata:feed"):
        assert result.fetched[reverse(name)] == 200
    _assert_clean(result)


def test_the_sweep_catches_an_unmasked_field(client: Client, scene: Scene) -> None:  # noqa: F811
    records = build_records(scene)
    secrets = collect_secrets()
    # What a payload builder that forgot to mask would have stored.
    payload = dict(records.result.payload)
    payload["target"] = {**payload["target"], "legal_representative": OPERATOR}
    Publication.objects.filter(pk=records.result.pk).update(payload=payload)
    result = sweep(client, secrets)
    leaked_at = {url for url, s in result.leaks if s.value == OPERATOR}
    assert reverse("api:public-publication-detail", args=[records.result.pk]) in leaked_at
    assert reverse("opendata:json") in leaked_at


def test_find_leaks_reports_each_secret_found() -> None:
    secrets = [Secret(MOBILE, "手机号码"), Secret(ID_NO, "身份证号码"), Secret("张三丰", "姓名")]
    assert find_leaks(f"电话 {MOBILE}", secrets) == [secrets[0]]
    assert find_leaks("电话 138****5678，张*", secrets) == []
    assert ID_NUMBER.findall(f"身份证{ID_NO}，代码 91640106MA76ABCD1X") == [ID_NO]
    assert MOBILE_NUMBER.findall(f"电话{MOBILE}、0951-1234567") == [MOBILE]


def test_home_addresses_copied_into_free_text_are_masked() -> None:
    # Found by the sweep: a finding that repeated the operator's home address published it.
    from spotcheck.disclosure.redaction import mask_text

    text = f"经营者住{HOME}，楼内168号3号楼301室无标识"
    masked, kinds = mask_text(text, home_addresses=[HOME])
    assert masked == "经营者住银川市金凤区北京中路***，楼内***无标识"
    assert kinds == ["home_address"]
    assert mask_text("无地址", home_addresses=[HOME]) == ("无地址", [])
