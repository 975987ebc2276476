"""CSV and JSON downloads: only public records, filters as in search, 400 on bad parameters,
BOM and columns for Excel, streamed, stable URLs."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.opendata.exports import CSV_COLUMNS
from tests.opendata.builders import ID_NO, MOBILE, OPERATOR, Records

pytestmark = pytest.mark.django_db


def _body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def _csv_rows(client: Client, query: str = "") -> list[dict[str, str]]:
    response = client.get(reverse("opendata:csv") + query)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="publications-')
    raw = _body(response)
    assert raw.startswith("\ufeff".encode())
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
    assert reader.fieldnames == CSV_COLUMNS
    return list(reader)


def _json(client: Client, query: str = "") -> dict[str, Any]:
    response = client.get(reverse("opendata:json") + query)
    assert response.status_code == 200
    assert response.streaming
    data: dict[str, Any] = json.loads(_body(response))
    return data


def test_csv_lists_exactly_the_current_public_records(client: Client, records: Records) -> None:
    rows = _csv_rows(client)
    assert sorted(int(r["id"]) for r in rows) == sorted(p.pk for p in records.public())
    by_id = {int(r["id"]): r for r in rows}
    result = by_id[records.result.pk]
    assert result["url"] == f"http://testserver/public/records/{records.result.pk}/"
    assert result["kind"] == "inspection_result"
    assert result["kind_display"] == "抽查检查结果"
    assert result["subject_name"] == "银川市金凤区张**便利店"
    assert result["subject_credit_code"] == records.result.payload["target"]["credit_code"]
    assert result["department"] == "市场建设科"
    assert result["status"] == "published" and result["supersedes"] == ""
    assert records.result.published_at is not None
    assert result["published_at"].startswith(str(records.result.published_at.year))
    assert result["published_at"].endswith("+08:00")
    correction = by_id[records.penalty_v2.pk]
    assert correction["version"] == "2"
    assert correction["status"] == "correction"
    assert correction["supersedes"] == str(records.penalty_v1.pk)


def test_csv_never_lists_unpublished_corrected_or_withdrawn(
    client: Client, records: Records
) -> None:
    ids = {int(r["id"]) for r in _csv_rows(client)}
    hidden = [*records.never_public(), records.penalty_v1, records.withdrawn]
    assert ids.isdisjoint(p.pk for p in hidden)


def test_csv_filters_like_search(client: Client, records: Records) -> None:
    rows = _csv_rows(client, "?kind=penalty_decision")
    assert [int(r["id"]) for r in rows] == [records.penalty_v2.pk]
    code = records.result.payload["target"]["credit_code"]
    rows = _csv_rows(client, f"?q={code.lower()}")
    assert {int(r["id"]) for r in rows} == {records.result.pk, records.penalty_v2.pk}
    far_past = "?date_from=2001-01-01&date_to=2001-12-31"  # fixed-date: before any record
    assert _csv_rows(client, far_past) == []


def test_csv_neutralises_formulas(client: Client, records: Records) -> None:
    from spotcheck.disclosure.models import Publication

    Publication.objects.filter(pk=records.proof.pk).update(title="=HYPERLINK(1)")
    row = next(r for r in _csv_rows(client) if int(r["id"]) == records.proof.pk)
    assert row["title"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?date_from=2026-13-01", "date_from"),  # fixed-date: an impossible date
        ("?kind=secret", "kind"),
        ("?department=abc", "department"),
        ("?date_from=2026-02-01&date_to=2026-01-01", "date_to"),  # fixed-date: reversed
        ("?q=" + "长" * 300, "q"),
    ],
)
def test_bad_parameters_are_400_with_a_chinese_message(
    client: Client, records: Records, query: str, field: str
) -> None:
    response = client.get(reverse("opendata:csv") + query)
    assert response.status_code == 400
    text = response.content.decode()
    assert text.startswith("参数错误") and field in text
    response = client.get(reverse("opendata:json") + query)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == [field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[field])


def test_json_records_carry_the_redacted_payload(client: Client, records: Records) -> None:
    data = _json(client)
    assert data["licence"] and data["generated_at"]
    by_id = {r["id"]: r for r in data["records"]}
    assert set(by_id) == {p.pk for p in records.public()}
    result = by_id[records.result.pk]
    assert set(result) == {
        "id",
        "url",
        "kind",
        "kind_display",
        "title",
        "department",
        "subject",
        "version",
        "supersedes",
        "supersedes_url",
        "correction_note",
        "status",
        "published_at",
        "voided_at",
        "void_reason",
        "payload",
    }
    assert result["voided_at"] is None and result["void_reason"] == ""
    assert result["payload"] == records.result.payload
    assert result["url"] == f"http://testserver/public/records/{records.result.pk}/"
    correction = by_id[records.penalty_v2.pk]
    assert correction["supersedes"] == records.penalty_v1.pk
    assert correction["supersedes_url"].endswith(f"/public/records/{records.penalty_v1.pk}/")
    assert correction["correction_note"] == "更正文号"
    text = json.dumps(data, ensure_ascii=False)
    for secret in (OPERATOR, ID_NO, MOBILE):
        assert secret not in text


def test_json_of_an_empty_selection_is_valid(client: Client, records: Records) -> None:
    data = _json(client, "?kind=annual_plan")
    assert data["records"] == []
    assert data["query"] == {"kind": "annual_plan"}


def test_downloads_are_get_only(client: Client, records: Records) -> None:
    assert client.post(reverse("opendata:csv")).status_code == 405


def test_index_describes_the_datasets(client: Client) -> None:
    response = client.get(reverse("opendata:index"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("opendata:csv", "opendata:json", "opendata:feed", "api:public-publication-list"):
        assert reverse(name) in html
    for column in CSV_COLUMNS:
        assert f"<code>{column}</code>" in html
    assert "使用许可" in html and "更新频率" in html


@pytest.mark.parametrize("name", ["opendata:csv", "opendata:json"])
def test_downloads_use_one_query_whatever_the_row_count(
    client: Client, records: Records, name: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        body = _body(client.get(reverse(name)))
    assert str(records.result.pk).encode() in body
    # No per-row queries (department, supersedes, translations of the kind list).
    assert len(queries) == 1
