"""Many bureaus in one deployment: every staff view is scoped to the user's bureau and those
below it, by ``core.access.bureau_scope``; one register of entities is shared."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.accounts.models import Bureau
from spotcheck.audit.models import AuditEvent
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory import selectors as directory
from spotcheck.directory import services as directory_services
from spotcheck.directory.models import Target
from spotcheck.disclosure import selectors_staff
from spotcheck.draws import selectors as draws_selectors
from spotcheck.planning import selectors as planning_selectors
from tests.bureaus.conftest import Tree, fresh, publish_item_list
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory
from tests.inspections.conftest import Scene
from tests.inspections.conftest import scene as scene  # the fixture, re-exported
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_single_bureau_deployment_adds_no_filter(personas: object) -> None:
    for user in personas.all().values():  # type: ignore[attr-defined]
        assert access.bureau_scope(user) is None


def test_scopes_follow_the_tree(tree: Tree) -> None:
    a, b, city = tree.district_a, tree.district_b, tree.city
    assert access.bureau_scope(tree.p.section) == {a.pk}
    assert access.bureau_scope(tree.section_b) == {b.pk}
    assert access.bureau_scope(tree.auditor_b) == {b.pk}
    assert access.bureau_scope(tree.city_auditor) == {city.pk, a.pk, b.pk}
    # No bureau: the whole province.
    assert access.bureau_scope(tree.p.auditor) is None
    assert access.bureau_scope(tree.p.admin) is None


def test_the_scope_costs_one_query_and_follows_a_move_at_once(
    tree: Tree, django_assert_num_queries: Any
) -> None:
    """The whole tree in one query (it used to be three below the root), memoised for the
    request only: a district moved under another city leaves its old city's users at the
    next request, whatever process serves it."""
    user = fresh(tree.city_auditor)
    with django_assert_num_queries(1):
        assert access.bureau_scope(user) == {tree.city.pk, tree.district_a.pk, tree.district_b.pk}
        access.bureau_scope(user)
    section = fresh(tree.p.section)
    with django_assert_num_queries(1):
        assert access.bureau_scope(section) == {tree.district_a.pk}
    other_city = Bureau.objects.create(
        code="city-2", name="另一市商务局", level="city", parent=tree.province
    )
    tree.district_b.parent = other_city
    tree.district_b.save()
    assert access.bureau_scope(fresh(tree.city_auditor)) == {tree.city.pk, tree.district_a.pk}
    assert access.bureau_scope(fresh(tree.auditor_b)) == {tree.district_b.pk}


def test_a_district_auditor_sees_its_own_tasks_only(tree: Tree, world: World) -> None:
    task = world.approved_task()
    assert list(draws_selectors.task_list(user=fresh(tree.auditor_b))) == []
    assert list(draws_selectors.task_list(user=fresh(tree.city_auditor))) == [task]
    assert list(draws_selectors.task_list(user=fresh(tree.p.auditor))) == [task]
    assert not access.can_view_task(fresh(tree.auditor_b), task)
    assert not access.can_view_draw_result(fresh(tree.auditor_b), task)
    assert "不属于您所在机关" in access.draw_result_denial(fresh(tree.auditor_b), task)
    assert access.can_view_draw_result(fresh(tree.city_auditor), task)
    assert not access.can_view_all_draw_results(fresh(tree.city_auditor))
    assert access.can_view_all_draw_results(fresh(tree.p.auditor))
    response = _client(tree.auditor_b).get(reverse("planning:task_detail", args=[task.pk]))
    assert response.status_code == 403
    assert (
        _client(tree.city_auditor).get(reverse("planning:task_detail", args=[task.pk])).status_code
        == 200
    )
    plans = planning_selectors.plan_list(user=fresh(tree.auditor_b))
    assert not plans.exclude(department=tree.dept_b).exists()


def test_a_joint_task_across_bureaus_is_overseen_by_both(tree: Tree, world: World) -> None:
    item_b = CheckItemFactory(department=tree.dept_b, target_kinds=["enterprise"])
    task = world.approved_task(
        mode="joint", partner_departments=[tree.dept_b], items=[world.item, item_b]
    )
    assert list(draws_selectors.task_list(user=fresh(tree.auditor_b))) == [task]
    assert access.can_view_task(fresh(tree.auditor_b), task)
    # The partner bureau's clerk works on it with its own login, like any partner department.
    assert access.can_manage_team(fresh(tree.section_b), task)


def test_directory_is_one_register_seen_per_bureau(tree: Tree) -> None:
    only_a = TargetFactory(departments=[tree.p.dept])
    only_b = TargetFactory(departments=[tree.dept_b])
    shared = TargetFactory(departments=[tree.p.dept, tree.dept_b])

    def seen(user: object) -> set[int]:
        return set(directory.target_list(user=fresh(user)).values_list("pk", flat=True))

    assert seen(tree.section_b) == {only_b.pk, shared.pk}
    assert seen(tree.p.section) == {only_a.pk, shared.pk}
    assert seen(tree.city_auditor) == seen(tree.p.auditor) == {only_a.pk, only_b.pk, shared.pk}
    client = _client(tree.section_b)
    assert client.get(reverse("directory:target_detail", args=[only_a.pk])).status_code == 404
    assert client.get(reverse("directory:target_detail", args=[shared.pk])).status_code == 200
    listing = client.get(reverse("directory:target_list")).content.decode()
    assert shared.credit_code in listing and only_a.credit_code not in listing

    item_a = CheckItemFactory(department=tree.p.dept)
    inspector_a = InspectorFactory(department=tree.p.dept)
    assert client.get(reverse("directory:item_detail", args=[item_a.pk])).status_code == 404
    assert (
        client.get(reverse("directory:inspector_detail", args=[inspector_a.pk])).status_code == 404
    )
    assert not directory.item_list(user=fresh(tree.section_b)).filter(pk=item_a.pk).exists()
    assert directory.item_list(user=fresh(tree.city_auditor)).filter(pk=item_a.pk).exists()


def test_a_department_joins_an_entity_already_registered(tree: Tree) -> None:
    target = TargetFactory(departments=[tree.p.dept])
    history_before = target.history.count()  # type: ignore[attr-defined]
    # Creating it again is refused with the way to join it instead.
    with pytest.raises(ServiceError, match="纳入本部门监管"):
        directory_services.target_create(
            actor=tree.section_b,
            data={"credit_code": target.credit_code, "name": "重复", "kind": "enterprise"},
        )
    response = _client(tree.section_b).post(
        reverse("directory:target_join"), {"credit_code": f" {target.credit_code.lower()} "}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:target_detail", args=[target.pk])
    assert set(target.departments.all()) == {tree.p.dept, tree.dept_b}
    event = AuditEvent.objects.filter(event_type="directory.changed").latest("seq")
    assert event.actor == tree.section_b and event.object_id == str(target.pk)
    assert target.history.count() == history_before + 1  # type: ignore[attr-defined]
    with pytest.raises(ServiceError, match="已由本部门监管"):
        directory_services.target_join(actor=tree.section_b, credit_code=target.credit_code)
    with pytest.raises(ServiceError, match="没有统一社会信用代码"):
        directory_services.target_join(actor=tree.section_b, credit_code="91640000000000000X")
    with pytest.raises(ServiceError, match="请填写"):
        directory_services.target_join(actor=tree.section_b, credit_code="  ")
    with pytest.raises(NotAllowed):
        directory_services.target_join(actor=tree.auditor_b, credit_code=target.credit_code)
    # The refusal shows on the list page, in Chinese, and nothing changed.
    response = _client(tree.section_b).post(
        reverse("directory:target_join"), {"credit_code": "nonsense"}, follow=True
    )
    assert "没有统一社会信用代码为 NONSENSE 的主体" in response.content.decode()
    assert Target.objects.count() == 1


def test_staff_publications_are_scoped(tree: Tree) -> None:
    pub_a = publish_item_list(tree.p.section, tree.p.leader, tree.p.dept)
    pub_b = publish_item_list(tree.section_b, tree.leader_b, tree.dept_b)

    def seen(user: object) -> set[int]:
        return set(
            selectors_staff.staff_publications(user=fresh(user)).values_list("pk", flat=True)
        )

    assert seen(tree.auditor_b) == {pub_b.pk}
    assert seen(tree.city_auditor) == seen(tree.p.auditor) == {pub_a.pk, pub_b.pk}
    assert not access.can_view_publication(fresh(tree.auditor_b), pub_a)
    response = _client(tree.auditor_b).get(
        reverse("disclosure:publication_detail", args=[pub_a.pk])
    )
    assert response.status_code in (403, 404)


def test_a_district_auditor_reads_what_its_own_staff_did(tree: Tree) -> None:
    publish_item_list(tree.p.section, tree.p.leader, tree.p.dept)
    publish_item_list(tree.section_b, tree.leader_b, tree.dept_b)
    page = _client(tree.auditor_b).get(reverse("audit:event_list")).content.decode()
    label = "<td>{}</td>".format
    assert label(tree.section_b.username) in page and label(tree.leader_b.username) in page
    assert label(tree.p.leader.username) not in page
    everything = _client(tree.p.auditor).get(reverse("audit:event_list")).content.decode()
    assert label(tree.p.leader.username) in everything
    assert label(tree.leader_b.username) in everything


def test_the_home_counters_count_the_users_bureaus(tree: Tree) -> None:
    TargetFactory(departments=[tree.p.dept])
    TargetFactory(departments=[tree.dept_b])
    TargetFactory(departments=[tree.p.dept, tree.dept_b])
    CheckItemFactory(department=tree.p.dept)
    home = reverse("core:home")
    assert _client(tree.section_b).get(home).context["counts"]["targets"] == 2
    assert _client(tree.section_b).get(home).context["counts"]["items"] == 0
    assert _client(tree.city_auditor).get(home).context["counts"]["targets"] == 3
    assert _client(tree.p.auditor).get(home).context["counts"]["targets"] == 3


def test_a_legal_reviewer_reviews_its_own_bureaus_decisions(tree: Tree, scene: Scene) -> None:
    from decimal import Decimal

    from spotcheck.accounts.models import Role
    from spotcheck.inspections import selectors as inspections
    from spotcheck.inspections.services_followup import legal_review_decide
    from tests.factories import UserFactory
    from tests.inspections.test_followup import _accepted, _penalty

    penalty = _penalty(scene, _accepted(scene), major=True, amount=Decimal("200000"))
    reviewer_b = UserFactory(
        username="legal_b", role=Role.LEGAL_REVIEWER, department=None, bureau=tree.district_b
    )
    assert list(inspections.pending_legal_reviews(user=fresh(reviewer_b))) == []
    assert list(inspections.pending_legal_reviews(user=fresh(tree.p.legal_reviewer))) == [penalty]
    with pytest.raises(NotAllowed, match="不属于您所在机关"):
        legal_review_decide(actor=fresh(reviewer_b), follow_up=penalty, approve=True)
    page = _client(reviewer_b).get(reverse("inspections:legal_review", args=[penalty.pk]))
    assert page.status_code == 404
    from spotcheck.reports.todo import todo_list

    assert todo_list(user=fresh(reviewer_b)) == []
    assert len(todo_list(user=fresh(tree.p.legal_reviewer))) == 1
    legal_review_decide(actor=fresh(tree.p.legal_reviewer), follow_up=penalty, approve=True)


def test_department_filters_offer_the_users_bureaus(tree: Tree) -> None:
    for name in ("directory:target_list", "directory:item_list", "directory:inspector_list"):
        page = _client(tree.section_b).get(reverse(name)).content.decode()
        assert f'value="{tree.dept_b.pk}"' in page
        assert f'value="{tree.p.dept.pk}"' not in page


def test_the_header_says_whose_bureau(tree: Tree) -> None:
    page = _client(tree.city_auditor).get(reverse("core:home")).content.decode()
    assert "某市商务局" in page
    page = _client(tree.section_b).get(reverse("core:home")).content.decode()
    assert f"{tree.dept_b.name}（乙区商务局）" in page
