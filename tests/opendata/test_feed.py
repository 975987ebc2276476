"""The Atom feed: valid Atom 1.0, one entry per public event with a stable id of its own,
``updated`` = the event time, links to the record pages, corrections and withdrawals marked."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse

from tests.opendata.builders import ID_NO, MOBILE, OPERATOR, Records

pytestmark = pytest.mark.django_db
NS = {"a": "http://www.w3.org/2005/Atom"}


def _feed(client: Client, query: str = "") -> ET.Element:
    response = client.get(reverse("opendata:feed") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _entries(root: ET.Element) -> list[dict[str, str]]:
    out = []
    for e in root.findall("a:entry", NS):
        link = e.find("a:link", NS)
        assert link is not None
        out.append(
            {
                "id": e.findtext("a:id", "", NS),
                "title": e.findtext("a:title", "", NS),
                "updated": e.findtext("a:updated", "", NS),
                "link": link.get("href", ""),
                "categories": ",".join(c.get("term", "") for c in e.findall("a:category", NS)),
                "summary": e.findtext("a:summary", "", NS),
            }
        )
    return out


def _when(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_feed_is_atom_with_required_elements(client: Client, records: Records) -> None:
    root = _feed(client)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.findtext("a:id", "", NS) == "http://testserver" + reverse("opendata:feed")
    assert root.findtext("a:title", "", NS)
    assert root.findtext("a:updated", "", NS)
    for entry in root.findall("a:entry", NS):
        # RFC 4287 §4.1.2: every entry has id, title and updated.
        for tag in ("id", "title", "updated"):
            assert entry.findtext(f"a:{tag}", "", NS), tag


def test_entries_are_public_events_with_stable_ids(client: Client, records: Records) -> None:
    entries = _entries(_feed(client))
    links = [e["link"] for e in entries]
    for p in records.public():
        assert f"http://testserver/public/records/{p.pk}/" in links
    for p in records.never_public():
        assert f"http://testserver/public/records/{p.pk}/" not in links
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))
    assert all(i.startswith("tag:testserver,") for i in ids)
    # Same ids on the next read: a reader does not see the events twice.
    assert [e["id"] for e in _entries(_feed(client))] == ids
    # Newest first by event time.
    times = [_when(e["updated"]) for e in entries]
    assert times == sorted(times, reverse=True)


def test_updated_is_the_publication_time(client: Client, records: Records) -> None:
    entry = next(
        e for e in _entries(_feed(client)) if e["link"].endswith(f"/records/{records.result.pk}/")
    )
    assert records.result.published_at is not None
    assert _when(entry["updated"]) == records.result.published_at
    assert entry["title"] == records.result.title
    assert "公示" in entry["categories"]


def test_corrections_and_withdrawals_are_marked(client: Client, records: Records) -> None:
    entries = _entries(_feed(client))
    correction = next(e for e in entries if e["link"].endswith(f"/{records.penalty_v2.pk}/"))
    assert correction["title"].startswith("【更正】")
    assert f"更正第 {records.penalty_v1.pk} 号记录" in correction["summary"]
    withdrawal = next(e for e in entries if e["link"].endswith(f"/{records.withdrawn.pk}/"))
    assert withdrawal["title"].startswith("【撤回】")
    assert "清单有误" in withdrawal["summary"]
    assert "/withdrawn" in withdrawal["id"]
    assert records.withdrawn.withdrawn_at is not None
    assert _when(withdrawal["updated"]) == records.withdrawn.withdrawn_at
    # The corrected version is not announced again: its correction is.
    assert not any(e["link"].endswith(f"/{records.penalty_v1.pk}/") for e in entries)


def test_feed_filters_and_rejects_bad_parameters(client: Client, records: Records) -> None:
    entries = _entries(_feed(client, "?kind=item_list"))
    assert [e["link"].rsplit("/", 2)[-2] for e in entries] == [str(records.withdrawn.pk)]
    response = client.get(reverse("opendata:feed") + "?date_to=yesterday")
    assert response.status_code == 400
    assert "截止日期" in response.content.decode()


def test_feed_has_no_personal_data(client: Client, records: Records) -> None:
    body = client.get(reverse("opendata:feed")).content.decode()
    for secret in (OPERATOR, ID_NO, MOBILE):
        assert secret not in body
