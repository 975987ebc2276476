"""The target list's text search: on PostgreSQL the grams index (directory migration 0002)
narrows the rows, ``icontains`` decides. Whatever the database, the rows must be exactly those
the plain ``icontains`` search returned before the index existed."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from spotcheck.directory import selectors
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import Target
from spotcheck.directory.selectors import TargetFilter
from tests.conftest import Personas
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

NAMES = [
    "银川恒禾商贸有限公司",
    "宁夏恒禾便利店",
    "金凤区禾恒餐饮店",
    "银川市兴庆区老王百货",
    "Ningxia ABC Trading 有限公司",
    "永宁县100%纯净水厂",
    "贺兰县_下划线_超市",
    "Straße 商行",
    "ﬁne 食品 ŉ",
    "恒",
]
QUERIES = [
    # Chinese fragments of 1, 2, 3 and 4 characters, and reversed pieces that match nothing.
    "恒", "恒禾", "禾恒", "恒禾商", "恒禾商贸", "有限公司", "便利", "利便", "兴庆区老王",
    # Latin names in either case; LIKE's wildcards taken literally.
    "abc", "ABC", "aBc trading", "%", "_", "100%", "_下", "%纯", "\\", "ß", "STRASSE", "straße",
    "ﬁ", "FI", "ﬁne", "ŉ", "ʼN",
    # Partial credit codes, typed in upper or lower case.
    "91640106", "9164010600", "0000000", "mA", "5X", "x", "01061",
    # Nothing.
    "不存在的名称", "zzzz", "1 2",
]  # fmt: skip


def _before(q: str) -> list[int]:
    """The search as it was before the grams index: icontains over name and code."""
    rows = Target.objects.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))
    return sorted(rows.values_list("pk", flat=True))


def _now(q: str, user: Any) -> list[int]:
    rows = selectors.target_list(user=user, filters=TargetFilter(q=q))
    return sorted(rows.values_list("pk", flat=True))


@pytest.fixture
def directory(personas: Personas) -> dict[str, Target]:
    codes = [
        make_code("91", "640106", "MA7XK5X01"),
        make_code("91", "640100", "000000011"),
        make_code("92", "640122", "L00000001"),
    ]
    out = {}
    for i, name in enumerate(NAMES):
        code = codes[i] if i < len(codes) else make_code("91", "640106", f"{i:09d}")
        out[name] = TargetFactory(name=name, credit_code=code, departments=[personas.dept])
    return out


def test_known_queries_find_what_icontains_found(
    personas: Personas, directory: dict[str, Target]
) -> None:
    for q in QUERIES:
        assert _now(q, personas.section) == _before(q), q


def test_chinese_fragments_and_partial_codes_in_any_case(
    personas: Personas, directory: dict[str, Target]
) -> None:
    def names(q: str) -> set[str]:
        rows = selectors.target_list(user=personas.section, filters=TargetFilter(q=q))
        return set(rows.values_list("name", flat=True))

    hengho = {"银川恒禾商贸有限公司", "宁夏恒禾便利店"}
    assert names("恒禾") == hengho
    assert names("禾恒") == {"金凤区禾恒餐饮店"}
    assert names("恒") == hengho | {"金凤区禾恒餐饮店", "恒"}
    assert names("恒禾商贸") == {"银川恒禾商贸有限公司"}
    assert names("不存在的名称") == set()
    # A credit code fragment typed in lower case finds the (upper-case) code.
    code = directory["银川恒禾商贸有限公司"].credit_code
    assert names(code[8:14].lower()) == names(code[8:14]) == {"银川恒禾商贸有限公司"}
    assert names(code.lower()) == {"银川恒禾商贸有限公司"}
    assert names("abc trading") == {"Ningxia ABC Trading 有限公司"}
    # LIKE's wildcards match themselves only.
    assert names("100%") == {"永宁县100%纯净水厂"}
    assert names("_下划线_") == {"贺兰县_下划线_超市"}
    assert names("%%") == set() and names("__") == set()


def test_the_page_searches_codes_typed_in_lower_case(
    client: Client, personas: Personas, directory: dict[str, Target]
) -> None:
    client.force_login(personas.section)
    code = directory["宁夏恒禾便利店"].credit_code
    page = client.get(reverse("directory:target_list"), {"q": code[2:12].lower()})
    assert page.status_code == 200
    assert "宁夏恒禾便利店" in page.content.decode()
    assert "银川恒禾商贸有限公司" not in page.content.decode()


# Names drawn mostly from a small alphabet so that random queries hit; characters whose
# upper case differs between Python and the database (ß, ŉ, ﬁ, ǅ), LIKE's wildcards and
# its escape character among them. NUL is refused by PostgreSQL in any text.
_ALPHABET = st.sampled_from(list("恒禾商贸aAbBzZ09ßŉﬁǅİı%_\\ "))
_CHARS = st.one_of(
    _ALPHABET, _ALPHABET, _ALPHABET, st.characters(blacklist_categories=("Cs", "Cc"))
)
_TEXT = st.text(_CHARS, min_size=1, max_size=10)
_CODE = st.text(st.sampled_from(list("0123456789ABXYabxy")), min_size=1, max_size=18)


# A piece of a stored name (row < 12) or code: row, start, length, typed in the other case.
_PIECE = st.tuples(st.integers(0, 23), st.integers(0, 20), st.integers(1, 20), st.booleans())


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    rows=st.lists(st.tuples(_TEXT, _CODE), min_size=1, max_size=12, unique_by=lambda r: r[1]),
    queries=st.lists(st.one_of(_PIECE, _TEXT, _CODE), min_size=1, max_size=6),
)
# Characters Python upper-cases otherwise than the database does: always tried.
@example(rows=[("Straße", "0"), ("ﬁne ŉ", "1a")], queries=[(0, 4, 1, False), (1, 0, 1, False)])
@example(rows=[("ŉ号", "x9")], queries=[(0, 0, 2, False), (12, 0, 2, True), "ʼN"])
def test_random_names_and_queries_match_icontains_exactly(
    personas: Personas, rows: list[tuple[str, str]], queries: list[Any]
) -> None:
    with transaction.atomic():
        created = Target.objects.bulk_create(
            [Target(name=name, credit_code=code, kind="enterprise") for name, code in rows]
        )
        for q in queries:
            if isinstance(q, tuple):
                # A piece of a stored name or code, so that most examples find something.
                which, start, length, swap = q
                row = created[which % len(created)]
                text = row.name if which < 12 else row.credit_code
                start %= len(text)
                q = text[start : start + length]
                if swap:
                    q = q.swapcase()
            q = q.strip()[:100]
            if q:
                assert _now(q, personas.section) == _before(q), (q, rows)
        transaction.set_rollback(True)


def _two_thousand_analysed() -> None:
    """Enough rows for the planner's choice to mean something, with fresh statistics."""
    Target.objects.bulk_create(
        Target(
            name=f"金凤测试{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}号商贸有限公司",
            credit_code=make_code("91", "640106", f"{i:09d}"),
            kind="enterprise",
        )
        for i in range(2000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_target")


def test_postgresql_answers_a_fragment_from_the_grams_index(personas: Personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the grams index is PostgreSQL-only")
    _two_thousand_analysed()
    for q in ("丙1", "9164010600000012", "9164010600000012".lower()):
        qs = selectors.target_list(user=personas.section, filters=TargetFilter(q=q))
        with transaction.atomic(), connection.cursor() as cursor:
            # On a table this small a sequential scan, or walking the credit-code order, can
            # win; rule both out so the plan shows whether the grams index serves the query.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            plan = qs.explain()
        assert "Bitmap Index Scan on target_search_grams" in plan, plan
        assert list(qs) == list(
            Target.objects.filter(
                Q(name__icontains=q) | Q(credit_code__icontains=q.upper())
            ).order_by("credit_code")
        )


def test_postgresql_has_the_grams_index() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the grams index is PostgreSQL-only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'target_search_grams'")
        (definition,) = cursor.fetchone()
    assert "gin" in definition and "spotcheck_search_grams" in definition


def test_a_whole_code_in_any_case_or_width_finds_its_entity(
    personas: Personas, directory: dict[str, Target]
) -> None:
    target = directory["宁夏恒禾便利店"]
    full_width = target.credit_code.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)})
    for q in (target.credit_code, target.credit_code.lower(), f" {full_width}　"):
        assert _now(q, personas.section) == [target.pk], q
    # Another check character is another code: nothing, not a near match.
    other = target.credit_code[:-1] + ("1" if target.credit_code.endswith("0") else "0")
    assert _now(other, personas.section) == []


def test_postgresql_looks_a_whole_code_up_in_the_unique_index(personas: Personas) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the plan is PostgreSQL's")
    _two_thousand_analysed()
    code = make_code("91", "640106", f"{1234:09d}")
    qs = selectors.target_list(user=personas.section, filters=TargetFilter(q=code.lower()))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "Index Cond: ((credit_code)::text = " in plan, plan
    assert list(qs.values_list("credit_code", flat=True)) == [code]
