"""The public search interface: parsing of query parameters, and what search finds —
only what is public today, matched on the masked (published) data, never the source."""

from __future__ import annotations

import datetime as dt
import importlib
import re
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from spotcheck.disclosure import selectors
from spotcheck.disclosure.models import Publication, PublicationItemCode, PublicationState
from spotcheck.disclosure.publications import (
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.disclosure.search import query_grams, search_fields
from spotcheck.disclosure.selectors import PublicFilters, parse_public_filters, search_published
from tests.inspections.conftest import Scene
from tests.portal.helpers import (
    MASKED_SHOP,
    OPERATOR,
    SHOP,
    accepted_individual,
    correct,
    publish,
)

S = PublicationState
CJK = re.compile(r"[\u4e00-\u9fff]")
KEYS = ["q", "kind", "department", "item", "date_from", "date_to", "page", "x"]


# --- parsing ---------------------------------------------------------------------------------


@given(st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), st.text(max_size=120)))
def test_parsing_never_raises_and_errors_are_chinese(params: dict[str, str]) -> None:
    filters, errors = parse_public_filters(params)
    assert isinstance(filters, PublicFilters)
    for key, message in errors.items():
        assert key in KEYS
        assert isinstance(message, str) and CJK.search(message)
    # What was kept is always usable by a query: no control characters, bounded lengths.
    assert len(filters.q) <= selectors.Q_MAX and "\x00" not in filters.q
    assert len(filters.item_code) <= selectors.ITEM_CODE_MAX and "\x00" not in filters.item_code
    if filters.date_from and filters.date_to:
        assert filters.date_from <= filters.date_to


@given(st.dictionaries(st.sampled_from(KEYS), st.from_type(type).map(str) | st.integers()))
def test_parsing_survives_non_string_values(params: dict[str, Any]) -> None:
    parse_public_filters(params)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "字" * 101}, "q"),
        ({"kind": "secret"}, "kind"),
        ({"department": "abc"}, "department"),
        ({"department": "-1"}, "department"),
        ({"department": "٣"}, "department"),  # a non-ASCII digit is not an id
        ({"department": str(2**64)}, "department"),
        ({"item": "X" * 41}, "item"),
        ({"date_from": "2026-13-01"}, "date_from"),  # fixed-date: an impossible date
        ({"date_to": "yesterday"}, "date_to"),
        ({"date_from": "0001-01-01"}, "date_from"),
        ({"date_from": "2026-02-01", "date_to": "2026-01-01"}, "date_to"),  # fixed-date: reversed
    ],
)
def test_malformed_values_are_reported_and_dropped(params: dict[str, str], field: str) -> None:
    filters, errors = parse_public_filters(params)
    assert list(errors) == [field] and CJK.search(errors[field])
    assert filters.department_id is None and not filters.kind


def test_good_values_are_parsed_and_round_trip() -> None:
    params = {
        "q": "  便利店\u3000",
        "kind": "inspection_result",
        "department": "7",
        "item": "SC-001",
        "date_from": "2026-01-01",  # fixed-date: parser input
        "date_to": "2026-01-31",  # fixed-date: parser input
    }
    filters, errors = parse_public_filters(params)
    assert errors == {}
    assert filters == PublicFilters(
        q="便利店",
        kind="inspection_result",
        department_id=7,
        item_code="SC-001",
        date_from=dt.date(2026, 1, 1),  # fixed-date: the parsed input above
        date_to=dt.date(2026, 1, 31),  # fixed-date: the parsed input above
    )
    assert parse_public_filters(filters.as_params()) == (filters, {})


# --- search semantics ------------------------------------------------------------------------


def _find(**kw: Any) -> list[Publication]:
    return list(search_published(PublicFilters(**kw), today=timezone.localdate()))


@pytest.mark.django_db
def test_search_by_credit_code_exactly_and_masked_name_only(scene: Scene) -> None:
    pub = publish(scene, "inspection_result", accepted_individual(scene))
    code = scene.target.credit_code
    assert pub.search_credit_code == code
    assert _find(q=code) == [pub]
    # As people paste it: lower case, full-width characters, spaces around.
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())
    assert _find(q=f" {fullwidth}\u3000") == [pub]
    assert _find(q=code[:10]) == []
    # The name as published (masked) is found by substring; the operator's real name never.
    assert _find(q="便利店") == [pub]
    # One- and two-character fragments (served by the grams index on PostgreSQL).
    assert _find(q="便") == [pub] and _find(q="便利") == [pub] and _find(q="利便") == []
    assert _find(q=MASKED_SHOP) == [pub]
    assert _find(q=SHOP) == []
    assert _find(q=OPERATOR) == []
    assert OPERATOR not in pub.search_text


@pytest.mark.django_db
def test_search_by_kind_department_item_and_dates(scene: Scene, today: dt.date) -> None:
    result = publish(scene, "inspection_result", accepted_individual(scene))
    announcement = publish(scene, "task_announcement", scene.task)
    items = publish(scene, "item_list", scene.p.dept)
    # Published by the draw ceremony itself when the scene's draw was committed.
    commitment = publish(scene, "draw_commitment", scene.draw)
    assert _find(kind="inspection_result") == [result]
    assert _find(kind="draw_commitment") == [commitment]
    assert set(_find(department_id=scene.p.dept.pk)) == {result, announcement, items, commitment}
    assert _find(department_id=scene.p.other_dept.pk) == []
    assert set(_find(item_code=scene.item.code)) == {result, announcement, items, commitment}
    assert _find(item_code="NO-SUCH") == []
    assert set(
        PublicationItemCode.objects.filter(publication=result).values_list("code", flat=True)
    ) == {scene.item.code}
    # Publication dates are Beijing local dates: 23:30 (15:30 UTC) on a day is still that day.
    day = today - dt.timedelta(days=10)
    late = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)))
    Publication.objects.filter(pk=result.pk).update(published_at=late)
    Publication.objects.filter(pk=announcement.pk).update(published_at=late + dt.timedelta(hours=1))
    assert _find(date_from=day, date_to=day) == [result]
    assert _find(date_from=day + dt.timedelta(days=1), date_to=day + dt.timedelta(days=1)) == [
        announcement
    ]
    assert result not in _find(date_from=day + dt.timedelta(days=1))
    assert announcement not in _find(date_to=day)


def _copy_in_state(pub: Publication, state: str) -> Publication:
    codes = list(PublicationItemCode.objects.filter(publication=pub).values_list("code", flat=True))
    copy = Publication.objects.get(pk=pub.pk)
    copy.pk = None
    copy.state = state
    copy.published_at = copy.reviewer = copy.reviewed_at = None
    copy.save(force_insert=True)
    PublicationItemCode.objects.bulk_create(
        PublicationItemCode(publication=copy, code=c) for c in codes
    )
    return copy


@pytest.mark.django_db
def test_search_never_returns_what_is_not_public(scene: Scene, today: dt.date) -> None:
    inspection = accepted_individual(scene)
    withdrawn = publish(scene, "inspection_result", inspection)
    publication_withdraw(actor=scene.p.section, publication=withdrawn, reason="误发")
    later = today + dt.timedelta(days=30)
    scheduled = publish(
        scene,
        "inspection_result",
        inspection,
        restriction_reason="涉及正在调查的案件",
        delayed_until=later,
    )
    # The services allow one current publication per record; the read side must still hide
    # rows in every unpublished state, so copies of the row are put in those states directly.
    draft, submitted, returned = (
        _copy_in_state(scheduled, state) for state in (S.DRAFT, S.SUBMITTED, S.RETURNED)
    )
    assert {draft.state, submitted.state, returned.state, scheduled.state} == {
        S.DRAFT,
        S.SUBMITTED,
        S.RETURNED,
        S.SCHEDULED,
    }
    code = scene.target.credit_code
    assert _find(q=code) == []
    # The only public record is the draw commitment published when the draw was committed.
    assert _find() == [publish(scene, "draw_commitment", scene.draw)]
    # The delayed record becomes public on its day.
    assert list(search_published(PublicFilters(q=code), today=later)) == [scheduled]
    assert scheduled.public_on == later and draft.public_on is None
    (version,) = selectors.public_versions(scheduled, today=later)
    assert version.public_since == later


@pytest.mark.django_db
def test_a_correction_replaces_the_record_in_search(scene: Scene) -> None:
    first = publish(scene, "inspection_result", accepted_individual(scene))
    second = correct(scene, first, "更正检查结论")
    assert _find(q=scene.target.credit_code) == [second]


@pytest.mark.django_db
def test_withheld_target_and_items_are_not_searchable(scene: Scene) -> None:
    pub = publish(
        scene,
        "inspection_result",
        accepted_individual(scene),
        restriction_reason="涉及商业秘密",
        withheld_fields=["target", "items"],
    )
    # Only what the public can read stays searchable: the title, not the withheld subject.
    assert pub.search_credit_code == ""
    assert pub.search_text == search_fields(pub.kind, {}, title=pub.title).text
    assert _find(q=scene.target.credit_code) == []
    # The item is still found, but only through the task's draw commitment.
    assert _find(item_code=scene.item.code) == [publish(scene, "draw_commitment", scene.draw)]


def test_query_grams() -> None:
    assert query_grams("恒") == ["恒"]
    assert query_grams("恒禾商贸") == ["商贸", "恒禾", "禾商"]
    assert query_grams("aaa") == ["aa"]


def test_search_fields_for_seeders() -> None:
    payload = {"target": {"name": "ＡＢＣ 商贸", "credit_code": "91640106mA76B0XK1E"}}
    fields = search_fields("penalty_decision", payload, title="行政处罚决定 1号", item_codes=["A"])
    assert fields.text == "行政处罚决定 1号 abc 商贸"
    assert fields.credit_code == "91640106MA76B0XK1E"
    assert fields.item_codes == ("A",)
    # A department-level record has no subject even if its payload has a "target" key.
    assert search_fields("item_list", payload).credit_code == ""
    items = {"items": [{"code": "X-1"}, {"code": "X-2"}, {"code": "X-1"}]}
    assert search_fields("item_list", items).item_codes == ("X-1", "X-2")


# --- public records and their versions -------------------------------------------------------


@pytest.mark.django_db
def test_public_record_and_version_timeline(scene: Scene, today: dt.date) -> None:
    inspection = accepted_individual(scene)
    draft = publication_draft(actor=scene.p.section, kind="inspection_result", source=inspection)
    assert selectors.public_record(draft.pk, today=today) is None
    submitted = publication_submit(actor=scene.p.section, publication=draft)
    first = publication_review(actor=scene.section2, publication=submitted, approve=True)
    second = correct(scene, first, "更正检查结论")
    old = selectors.public_record(first.pk, today=today)
    assert old is not None and old.state == S.CORRECTED and old.payload
    publication_withdraw(actor=scene.p.section, publication=second, reason="检查结论有误，重新核查")
    gone = selectors.public_record(second.pk, today=today)
    assert gone is not None and gone.state == S.WITHDRAWN
    assert gone.payload == {} and gone.withdrawal_reason == "检查结论有误，重新核查"
    timeline = selectors.public_versions(gone, today=today)
    assert [(v.version, v.state) for v in timeline] == [(1, S.CORRECTED), (2, S.WITHDRAWN)]
    assert timeline[0].corrected_on == today and timeline[0].correction_note == ""
    assert timeline[1].correction_note == "更正检查结论"
    assert timeline[1].withdrawn_on == today
    assert timeline[1].withdrawal_reason == "检查结论有误，重新核查"
    assert selectors.public_record(10**30, today=today) is None


@pytest.mark.django_db
def test_record_withdrawn_before_its_delay_was_never_public(scene: Scene, today: dt.date) -> None:
    pub = publish(
        scene,
        "inspection_result",
        accepted_individual(scene),
        restriction_reason="涉及正在调查的案件",
        delayed_until=today + dt.timedelta(days=30),
    )
    assert selectors.public_record(pub.pk, today=today) is None
    publication_withdraw(actor=scene.p.section, publication=pub, reason="不再公示")
    assert selectors.public_record(pub.pk, today=today + dt.timedelta(days=60)) is None


@pytest.mark.django_db
def test_backfill_fills_rows_drafted_before_the_columns(scene: Scene) -> None:
    pub = publish(scene, "inspection_result", accepted_individual(scene))
    Publication.objects.filter(pk=pub.pk).update(search_text="", search_credit_code="")
    PublicationItemCode.objects.all().delete()
    migration = importlib.import_module(
        "spotcheck.disclosure.migrations.0004_backfill_search_and_trigram_index"
    )
    migration.backfill(django_apps, None)
    pub.refresh_from_db()
    assert pub.search_credit_code == scene.target.credit_code
    assert pub.search_text == search_fields(pub.kind, pub.payload, title=pub.title).text
    assert list(PublicationItemCode.objects.values_list("code", flat=True)) == [scene.item.code]


@pytest.mark.django_db
def test_a_delayed_record_is_news_on_the_day_it_goes_public(scene: Scene, today: dt.date) -> None:
    from spotcheck.disclosure.selectors_feed import feed_entries

    later = today + dt.timedelta(days=30)
    delayed = publish(
        scene,
        "inspection_result",
        accepted_individual(scene),
        restriction_reason="涉及正在调查的案件",
        delayed_until=later,
    )
    # Only the draw commitment, public since the draw was committed, is news today.
    commitment = publish(scene, "draw_commitment", scene.draw)
    assert [e.publication for e in feed_entries(PublicFilters(), today=today)] == [commitment]
    # Records approved after it but public before it come later in the feed: it is news on
    # its delay date, not on its approval date.
    items = publish(scene, "item_list", scene.p.dept)
    entries = feed_entries(PublicFilters(), limit=1, today=later)
    assert [(e.publication, e.event) for e in entries] == [(delayed, "published")]
    assert timezone.localdate(entries[0].at) == later
    assert [e.publication for e in feed_entries(PublicFilters(), today=later)] == [
        delayed,
        items,
        commitment,
    ]


@pytest.mark.django_db
def test_postgresql_has_the_search_indexes() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("covering and grams indexes are PostgreSQL-only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'disclosure_publication'"
        )
        indexes = dict(cursor.fetchall())
    assert "INCLUDE (state, delayed_until)" in indexes["publication_visibility"]
    assert "spotcheck_search_grams" in indexes["publication_search_grams"]
