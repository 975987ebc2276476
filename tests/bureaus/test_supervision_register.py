"""The register page (and its export) filters and shows 重点行业 by the user's department's
effective flag (its own where it set one, else the entity's); users of no department, and the
API, keep the entity's. The target form says that it edits the entity's values."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from spotcheck.directory.exporting import filtered_queryset
from spotcheck.directory.models import Supervision, Target
from tests.bureaus.conftest import Tree
from tests.factories import TargetFactory

pytestmark = pytest.mark.django_db

KEY = "?flag=key_industry"


def _client(user: object, language: str = "") -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    if language:
        client.cookies.load({"django_language": language})
    return client


def _own(target: Target, department: object, flag: bool | None) -> None:
    Supervision.objects.filter(target=target, department=department).update(key_industry=flag)


def _four(tree: Tree) -> dict[str, Target]:
    """Entities both 甲区's and 乙区's 市场建设科 supervise; 乙区 set its own flag on two."""
    made = {
        name: TargetFactory(departments=[tree.p.dept, tree.dept_b], key_industry=entity)
        for name, entity in (
            ("own_yes", False),  # 乙区: key industry, the entity: not
            ("own_no", True),  # 乙区: not, the entity: key industry
            ("entity_yes", True),  # follows the entity
            ("plain", False),
        )
    }
    _own(made["own_yes"], tree.dept_b, True)
    _own(made["own_no"], tree.dept_b, False)
    return made


def _listed(user: object, query: str = KEY) -> set[str]:
    page = _client(user).get(reverse("directory:target_list") + query)
    assert page.status_code == 200
    return set(re.findall(r'<td class="mono">(\w{18})', page.content.decode()))


def _codes(targets: dict[str, Target], *names: str) -> set[str]:
    return {targets[name].credit_code for name in names}


def _badged(user: object, targets: dict[str, Target]) -> set[str]:
    """The targets whose row carries the 重点行业 badge on the unfiltered list."""
    html = _client(user).get(reverse("directory:target_list")).content.decode()
    rows = html.split("<tr>")
    return {
        name
        for name, target in targets.items()
        for row in rows
        if target.credit_code in row and '<span class="badge">重点行业</span>' in row
    }


def test_a_department_user_filters_by_its_own_flag_both_ways(tree: Tree) -> None:
    targets = _four(tree)
    for user in (tree.section_b, tree.leader_b):
        assert _listed(user) == _codes(targets, "own_yes", "entity_yes")
        assert _badged(user, targets) == {"own_yes", "entity_yes"}
    # Without the flag every target is listed.
    assert _listed(tree.section_b, "") == _codes(targets, *targets)
    # The flag combines with the other filters, the department filter included.
    query = f"{KEY}&department={tree.p.dept.pk}"
    assert _listed(tree.section_b, query) == _codes(targets, "own_yes", "entity_yes")


def test_another_department_sees_its_own_values_not_the_first_ones(tree: Tree) -> None:
    targets = _four(tree)
    # 甲区 set nothing of its own: the entity's flag, whatever 乙区 decided.
    assert _listed(tree.p.section) == _codes(targets, "own_no", "entity_yes")
    _own(targets["plain"], tree.p.dept, True)
    assert _listed(tree.p.section) == _codes(targets, "own_no", "entity_yes", "plain")
    assert _listed(tree.section_b) == _codes(targets, "own_yes", "entity_yes")


def test_users_of_no_department_see_the_entity_values(tree: Tree) -> None:
    targets = _four(tree)
    for user in (tree.p.admin, tree.city_auditor, tree.auditor_b, tree.p.auditor):
        assert _listed(user) == _codes(targets, "own_no", "entity_yes"), user
        assert _badged(user, targets) == {"own_no", "entity_yes"}
    page = _client(tree.p.admin).get(reverse("directory:target_list")).content.decode()
    assert 'id="own-flag-note"' not in page
    page = _client(tree.section_b).get(reverse("directory:target_list")).content.decode()
    assert 'id="own-flag-note"' in page and "本部门的监管属性" in page


def test_the_export_keeps_the_rows_of_the_page(tree: Tree) -> None:
    targets = _four(tree)
    params = {"flag": ["key_industry"]}
    for user, expected in (
        (tree.section_b, ("own_yes", "entity_yes")),
        (tree.p.admin, ("own_no", "entity_yes")),
    ):
        qs, _filters = filtered_queryset(actor=user, kind="targets", params=params)
        assert set(qs.values_list("credit_code", flat=True)) == _codes(targets, *expected)


def test_the_api_flag_filter_stays_on_the_entity(tree: Tree) -> None:
    targets = _four(tree)
    response = _client(tree.section_b).get("/api/v1/targets/", {"flag": "key_industry"})
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {row["credit_code"] for row in rows} == _codes(targets, "own_no", "entity_yes")


def test_the_list_query_count_does_not_grow_with_rows(tree: Tree) -> None:
    url = reverse("directory:target_list") + KEY
    client = _client(tree.section_b)
    _four(tree)
    client.get(url)  # warm the option caches

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in ctx.captured_queries]

    few = queries()
    for n in range(12):
        target = TargetFactory(departments=[tree.p.dept, tree.dept_b], key_industry=n % 2 == 0)
        _own(target, tree.dept_b, n % 3 == 0 or None)
    client.get(url)  # the new targets refreshed the option caches
    many = queries()
    assert len(many) == len(few)
    # The department's own flags filter inside the capped count and the page's query (two
    # subqueries each), after one probe that the department set any; the page's badges
    # read them in one more query, not one per row.
    own = 'U0."key_industry" IS NOT NULL'
    filtered = [q for q in many if own in q]
    assert len(filtered) == 2 and all(q.count(own) == 2 for q in filtered), many
    links = [q for q in many if '"directory_target_departments"."key_industry" IS NOT' in q]
    badges = [q for q in links if '"directory_target_departments"."target_id" IN' in q]
    assert len(badges) == 1 and len(links) == 2, many


def test_the_target_form_says_it_edits_the_entity_values(tree: Tree) -> None:
    target = TargetFactory(departments=[tree.dept_b])
    url = reverse("directory:target_edit", args=[target.pk])
    page = _client(tree.section_b).get(url).content.decode()
    assert "主体的内部监管等级，监管该主体的各部门共用" in page
    assert "主体的重点行业标记，监管该主体的各部门共用" in page
    assert page.count("本部门监管属性") == 2
    page = _client(tree.section_b, "en").get(url).content.decode()
    assert "shared by every department" in page
    # Who may edit is unchanged: another bureau's clerk still may not.
    assert _client(tree.p.section).get(url).status_code == 403


def test_a_department_without_own_flags_filters_on_the_entity_index(tree: Tree) -> None:
    """The subqueries over own flags are only for a department that set one: for the rest the
    entity's flag is theirs, and the plain filter keeps the target's partial flag indexes."""
    from django.http import QueryDict

    from spotcheck.directory.selectors import TargetFilter, target_list

    made = _four(tree)
    filters, _errors = TargetFilter.from_params(QueryDict("flag=key_industry"))

    def sql(department_id: int) -> str:
        return str(
            target_list(
                user=None, filters=filters, check_access=False, department_id=department_id
            ).query
        )

    assert "directory_target_departments" not in sql(tree.p.dept.pk)
    assert "directory_target_departments" in sql(tree.dept_b.pk)
    assert _codes(made, "own_no", "entity_yes") <= _listed(tree.p.section)
    _own(made["plain"], tree.p.dept, True)
    assert "directory_target_departments" in sql(tree.p.dept.pk)
    assert _codes(made, "plain", "own_no", "entity_yes") <= _listed(tree.p.section)
