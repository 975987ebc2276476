"""Each department supervising a shared entity keeps its own grade and key-industry flag
(``directory.Supervision``); the draw of a task weighs by its lead department's values."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.audit.models import AuditEvent
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory import services
from spotcheck.directory.models import Supervision, SupervisionGrade, Target
from spotcheck.directory.views import history_rows
from spotcheck.draws.pool import build_pool, pool_shortfall, stratum_counts
from spotcheck.draws.scope import scope_queryset
from spotcheck.planning import services as planning
from tests.bureaus.conftest import Tree, fresh
from tests.factories import CheckItemFactory, TargetFactory
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db


def _shared(tree: Tree, **fields: object) -> Target:
    """An entity 甲区's 市场建设科 and 乙区's both supervise."""
    return TargetFactory(departments=[tree.p.dept, tree.dept_b], **fields)


def _link(target: Target, department: object) -> Supervision:
    return Supervision.objects.get(target=target, department=department)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_existing_links_follow_the_entity(tree: Tree) -> None:
    target = _shared(tree, supervision_grade=SupervisionGrade.ELEVATED, key_industry=True)
    link = _link(target, tree.dept_b)
    assert (link.supervision_grade, link.key_industry) == (None, None)
    assert link.effective_grade == SupervisionGrade.ELEVATED
    assert link.effective_key_industry is True
    # add()/set() on the through model still work.
    target.departments.set([tree.p.dept])
    assert list(target.departments.all()) == [tree.p.dept]


def test_a_clerk_sets_its_own_department_values_only(tree: Tree) -> None:
    target = _shared(tree)
    before = AuditEvent.objects.count()
    services.supervision_set(
        actor=tree.section_b,
        target=target,
        department=tree.dept_b,
        supervision_grade=SupervisionGrade.HIGH,
        key_industry=True,
    )
    own = _link(target, tree.dept_b)
    assert (own.supervision_grade, own.key_industry) == (4, True)
    other = _link(target, tree.p.dept)
    assert (other.supervision_grade, other.key_industry) == (None, None)
    target.refresh_from_db()
    assert (target.supervision_grade, target.key_industry) == (SupervisionGrade.NORMAL, False)
    event = AuditEvent.objects.order_by("-seq").first()
    assert AuditEvent.objects.count() == before + 1
    assert event is not None and event.event_type == "directory.supervision_changed"
    assert event.payload["department"] == "b-market"
    assert event.payload["natural_key"] == target.credit_code
    assert event.payload["changes"] == {
        "supervision_grade": [None, 4],
        "key_industry": [None, True],
    }
    latest = target.history.order_by("-history_date", "-history_id").first()
    assert latest is not None and latest.history_user == tree.section_b
    # The target's history names the department's own grade.
    rows = history_rows(target)
    assert "监管等级四级（高）" in rows[0].changes[0].new


def test_clearing_returns_to_the_entity_value(tree: Tree) -> None:
    target = _shared(tree, supervision_grade=SupervisionGrade.LOW)
    kwargs = {"actor": tree.section_b, "target": target, "department": tree.dept_b}
    services.supervision_set(**kwargs, supervision_grade=4, key_industry=False)
    services.supervision_set(**kwargs, supervision_grade=None, key_industry=None)
    link = _link(target, tree.dept_b)
    assert (link.supervision_grade, link.key_industry) == (None, None)
    assert link.effective_grade == SupervisionGrade.LOW
    before = AuditEvent.objects.count()
    services.supervision_set(**kwargs, supervision_grade=None, key_industry=None)
    assert AuditEvent.objects.count() == before  # nothing changed, nothing recorded


def test_who_may_set_a_department_values(tree: Tree) -> None:
    target = _shared(tree)

    def attempt(user: object) -> None:
        services.supervision_set(
            actor=fresh(user),
            target=target,
            department=tree.dept_b,
            supervision_grade=3,
            key_industry=None,
        )

    for user in (
        tree.p.section,  # another bureau's clerk, though it supervises the entity too
        tree.p.other_section,
        tree.p.leader,  # leads 甲区's department, not 乙区's
        tree.p.inspector,
        tree.p.legal_reviewer,
        tree.auditor_b,
        tree.p.auditor,
    ):
        with pytest.raises(NotAllowed):
            attempt(user)
    assert _link(target, tree.dept_b).supervision_grade is None
    for user in (tree.section_b, tree.leader_b, tree.city_admin, tree.p.admin):
        attempt(user)
    assert _link(target, tree.dept_b).supervision_grade == 3


def test_an_administrator_of_another_city_is_refused(tree: Tree) -> None:
    from spotcheck.accounts.models import Bureau, Role
    from tests.factories import UserFactory

    elsewhere = Bureau.objects.create(
        code="city-2", name="另一市商务局", level="city", parent=tree.province
    )
    admin = UserFactory(username="admin_2", role=Role.ADMIN, department=None, bureau=elsewhere)
    with pytest.raises(NotAllowed):
        services.supervision_set(
            actor=admin,
            target=_shared(tree),
            department=tree.dept_b,
            supervision_grade=3,
            key_industry=None,
        )


def test_only_a_supervising_department_and_a_valid_grade(tree: Tree) -> None:
    only_a = TargetFactory(departments=[tree.p.dept])
    with pytest.raises(ServiceError, match="不是"):
        services.supervision_set(
            actor=tree.section_b,
            target=only_a,
            department=tree.dept_b,
            supervision_grade=3,
            key_industry=None,
        )
    with pytest.raises(ServiceError, match="一级至四级"):
        services.supervision_set(
            actor=tree.section_b,
            target=_shared(tree),
            department=tree.dept_b,
            supervision_grade=7,
            key_industry=None,
        )


def _task_of_b(tree: Tree, world: World, **kwargs: object) -> object:
    item_b = CheckItemFactory(department=tree.dept_b, target_kinds=["enterprise"])
    start, end = world.window
    args: dict[str, object] = {
        "actor": tree.section_b,
        "name": "乙区专项抽查",
        "mode": "undirected",
        "items": [item_b],
        "window_start": start,
        "window_end": end,
        "sample": {"mode": "count", "values": {"*": 1}},
    }
    return planning.task_create(**{**args, **kwargs})  # type: ignore[arg-type]


def _weight(pool: object, target: Target) -> int:
    return pool.weights[pool.target_ids.index(target.pk)]  # type: ignore[attr-defined]


def test_the_pool_weighs_by_the_lead_department_values(tree: Tree, world: World) -> None:
    shared, twin = world.targets[0], world.targets[4]  # same credit class (A), same attributes
    shared.departments.add(tree.dept_b)
    twin.departments.add(tree.dept_b)
    services.supervision_set(
        actor=tree.section_b,
        target=shared,
        department=tree.dept_b,
        supervision_grade=SupervisionGrade.HIGH,
        key_industry=True,
    )
    pool_b = build_pool(_task_of_b(tree, world))
    pool_a = build_pool(world.task())
    # 乙区's own "high, key industry" weighs its draw; 甲区's task still uses the entity's.
    assert _weight(pool_b, shared) > _weight(pool_b, twin)
    assert _weight(pool_a, shared) == _weight(pool_a, twin)
    factors = {
        f["code"]: f["detail"] for f in pool_b.line(pool_b.target_ids.index(shared.pk)).factors
    }
    assert factors["supervision_grade"] == "high"
    assert "key_industry" in factors
    # 甲区 grading it lower than the entity lowers it in 甲区's task only.
    services.supervision_set(
        actor=tree.p.section,
        target=shared,
        department=tree.p.dept,
        supervision_grade=SupervisionGrade.LOW,
        key_industry=None,
    )
    assert _weight(build_pool(world.task()), shared) < _weight(pool_a, twin)
    assert _weight(build_pool(_task_of_b(tree, world)), shared) == _weight(pool_b, shared)


def test_a_directed_key_industry_task_reads_the_lead_department_flag(
    tree: Tree, world: World
) -> None:
    own_yes, own_no, entity_yes = world.targets[0], world.targets[1], world.targets[2]
    Target.objects.filter(pk=entity_yes.pk).update(key_industry=True)
    Target.objects.filter(pk=own_no.pk).update(key_industry=True)
    for target in world.targets[:3]:
        target.departments.add(tree.dept_b)
    for target, flag in ((own_yes, True), (own_no, False)):
        services.supervision_set(
            actor=tree.section_b,
            target=target,
            department=tree.dept_b,
            supervision_grade=None,
            key_industry=flag,
        )
    task_b = _task_of_b(tree, world, mode="directed", filters={"flag": ["key_industry"]})
    assert set(scope_queryset(task_b).values_list("pk", flat=True)) == {own_yes.pk, entity_yes.pk}
    assert set(build_pool(task_b).target_ids) == {own_yes.pk, entity_yes.pk}
    assert stratum_counts(task_b)[0] == 2
    assert pool_shortfall(task_b) == ""
    # 甲区's directed task still reads the entity's flag.
    task_a = world.task(mode="directed", filters={"flag": ["key_industry"]})
    assert set(scope_queryset(task_a).values_list("pk", flat=True)) == {own_no.pk, entity_yes.pk}


def test_detail_page_lists_each_department_and_edits_its_own(tree: Tree) -> None:
    target = _shared(tree, supervision_grade=SupervisionGrade.ELEVATED)
    client = _client(tree.section_b)
    url = reverse("directory:target_detail", args=[target.pk])
    page = client.get(url).content.decode()
    assert "本部门监管属性" in page
    assert page.count("（沿用主体）") == 4  # two departments × two attributes
    assert f'id="supervision-form-{tree.dept_b.pk}"' in page
    assert f'id="supervision-form-{tree.p.dept.pk}"' not in page
    action = reverse("directory:supervision_set", args=[target.pk, tree.dept_b.pk])
    prefix = f"s{tree.dept_b.pk}"
    response = client.post(
        action, {f"{prefix}-supervision_grade": "1", f"{prefix}-key_industry": "1"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith("#supervisions")
    page = response.content.decode()
    assert "已保存" in page
    assert page.count("（沿用主体）") == 2
    assert "一级（低）" in page
    link = _link(target, tree.dept_b)
    assert (link.supervision_grade, link.key_industry) == (1, True)


def test_bad_input_is_refused_in_chinese(tree: Tree) -> None:
    target = _shared(tree)
    client = _client(tree.section_b)
    prefix = f"s{tree.dept_b.pk}"
    action = reverse("directory:supervision_set", args=[target.pk, tree.dept_b.pk])
    page = client.post(
        action, {f"{prefix}-supervision_grade": "9", f"{prefix}-key_industry": "maybe"}, follow=True
    ).content.decode()
    assert "监管等级应为一级至四级" in page
    assert "重点行业应为" in page
    assert _link(target, tree.dept_b).supervision_grade is None


def test_wrong_role_gets_403_from_the_endpoint(tree: Tree) -> None:
    target = _shared(tree)
    action = reverse("directory:supervision_set", args=[target.pk, tree.dept_b.pk])
    prefix = f"s{tree.dept_b.pk}"
    for user in (tree.p.section, tree.auditor_b, tree.p.inspector):
        response = _client(user).post(action, {f"{prefix}-supervision_grade": "4"})
        assert response.status_code == 403
    assert _link(target, tree.dept_b).supervision_grade is None
    # Another bureau's clerk sees the block but no form for a department not its own.
    page = _client(tree.p.section).get(reverse("directory:target_detail", args=[target.pk]))
    assert f'id="supervision-form-{tree.dept_b.pk}"' not in page.content.decode()
