"""Directory pages that must not grow with the province: the region/industry lists are
cached (and never stale after a write), the target list counts at most CappedPaginator.cap."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spotcheck.directory import selectors
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.views import CappedPaginator
from tests.conftest import Personas
from tests.directory.test_import_support import TARGET_HEADERS, commit, csv_bytes, target_row, write
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db


def _distinct_queries(ctx: CaptureQueriesContext) -> int:
    return sum("DISTINCT" in q["sql"] for q in ctx.captured_queries)


def test_region_and_industry_lists_are_cached_until_a_target_changes(personas: Personas) -> None:
    target = TargetFactory(
        region="黄河东路街道", industry_code="F5211", departments=[personas.dept]
    )
    assert selectors.target_regions() == ["黄河东路街道"]
    with CaptureQueriesContext(connection) as ctx:
        assert selectors.target_regions() == ["黄河东路街道"]
        assert selectors.target_industries() == [("F5211", "百货零售")]
        assert selectors.target_industries() == [("F5211", "百货零售")]
    # One scan for the industries, none for the regions the second time.
    assert _distinct_queries(ctx) == 1
    # A saved target (service, admin or factory alike) is seen at once.
    target.region = "良田镇"
    target.save()
    assert selectors.target_regions() == ["良田镇"]
    TargetFactory(region="丰登镇", industry_code="O8010", industry_name="家庭服务")
    assert selectors.target_regions() == ["丰登镇", "良田镇"]
    assert ("O8010", "家庭服务") in selectors.target_industries()


def test_an_import_refreshes_the_cached_lists(personas: Personas, tmp_path: Any) -> None:
    TargetFactory(region="黄河东路街道", departments=[personas.dept])
    assert selectors.target_regions() == ["黄河东路街道"]
    rows = [
        TARGET_HEADERS,
        target_row(
            make_code("91", "640106", "777000001"), "新区域商贸有限公司", 所属区域="阅海湾街道"
        ),
    ]
    commit(personas.section, "targets", write(tmp_path, csv_bytes(rows, "utf-8"), "t.csv"))
    assert "阅海湾街道" in selectors.target_regions()


def test_target_list_counts_at_most_the_cap(
    client: Client, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(12):
        TargetFactory(departments=[personas.dept])
    client.force_login(personas.section)
    url = reverse("directory:target_list")
    page = client.get(url).content.decode()
    assert "共 12 条" in page and 'id="pager-capped"' not in page
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url).content.decode()
    assert 'id="pager-capped"' in page and "超过 10 条" in page and "共 12 条" not in page
    counts = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert counts and all("LIMIT 11" in q for q in counts), counts
    # A page past the counted rows falls back to the last counted page, not an error.
    assert client.get(url + "?page=99").status_code == 200
    client.cookies.load({"django_language": "en"})
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "More than 10" in page
