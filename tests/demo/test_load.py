"""manage.py load_demo / demo_logins: counts, determinism, idempotence, audit chain."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import get_hasher, identify_hasher
from django.core.management import call_command
from django.utils import timezone

from spotcheck.accounts.models import Department, Role, User
from spotcheck.audit.models import AuditEvent
from spotcheck.audit.verify import verify_chain
from spotcheck.demo import data
from spotcheck.directory.creditcode import check_code, make_code
from spotcheck.directory.models import CheckItem, ConflictDeclaration, Inspector, Target

pytestmark = pytest.mark.django_db


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def _codes() -> list[str]:
    return list(Target.objects.order_by("credit_code").values_list("credit_code", flat=True))


def _check_counts_and_variety(output: str) -> None:
    assert "演示" in output and "demo_admin" in output and data.PASSWORD in output

    # The walk-through district's directory (兴庆区's own is checked in test_bureaus.py).
    targets = Target.objects.filter(departments__bureau__code=data.HOME_BUREAU).distinct()
    assert targets.count() >= 2000
    assert all(name.startswith(data.NAME_PREFIX) for name in targets.values_list("name", flat=True))
    kinds = Counter(targets.values_list("kind", flat=True))
    assert set(kinds) >= {"enterprise", "individual", "cooperative", "project"}
    assert 50 <= kinds["project"] <= 70
    assert kinds["enterprise"] > targets.count() / 2
    projects = targets.filter(kind="project")
    assert not projects.filter(project_progress="").exists()
    assert not targets.exclude(kind="project").exclude(project_progress="").exists()

    classes = Counter(targets.values_list("credit_class", flat=True))
    n = targets.count()
    for cls, share in {"A": 0.45, "B": 0.35, "C": 0.15, "D": 0.05}.items():
        assert abs(classes[cls] / n - share) < 0.04, (cls, classes)
    assert len(set(targets.values_list("region", flat=True))) == len(data.REGIONS)
    assert len(set(targets.values_list("industry_code", flat=True))) >= 20
    for flag in ("blacklisted", "abnormal_list", "serious_violation", "key_industry"):
        assert targets.filter(**{flag: True}).exists(), flag
    assert targets.exclude(status="active").exists()
    assert targets.filter(complaint_count=0).count() > n / 2
    assert targets.filter(complaint_count__gte=5).exists()
    assert all(t.departments.exists() for t in targets.filter(pk__in=targets.values("pk")[:50]))

    assert Inspector.objects.count() >= 35
    assert Department.objects.filter(is_external=True).exists()
    assert Inspector.objects.values("department").distinct().count() >= 3
    assert CheckItem.objects.count() >= 7
    for law in ("单用途商业预付卡管理办法", "报废机动车回收管理办法", "二手车流通管理办法"):
        assert CheckItem.objects.filter(legal_basis__contains=law).exists()


def _check_credit_codes_valid_except_the_deliberate_ones() -> None:
    kinds: Counter[str] = Counter()
    for code, confirmed in Target.objects.values_list("credit_code", "code_warning_confirmed"):
        result = check_code(code)
        assert result.ok, code
        assert bool(result.warning) == confirmed, code
        kinds["warning" if result.warning else result.kind] += 1
    assert kinds["legacy"] >= 3
    assert 2 <= kinds["warning"] <= 3
    assert Target.objects.filter(credit_code__startswith="91640106").exists()


def _check_inspectors_expired_certificates_and_conflicts() -> None:
    ref = timezone.localdate()  # certificates are laid out around the load date
    inspectors = list(Inspector.objects.all())
    assert sum(i.cert_valid_to < ref for i in inspectors) >= 3
    soon = [i for i in inspectors if ref <= i.cert_valid_to <= ref + dt.timedelta(days=90)]
    assert soon
    assert any(i.status != "active" for i in inspectors)
    assert sum(i.qualified_on(ref) for i in inspectors) >= 25
    open_conflicts = ConflictDeclaration.objects.filter(withdrawn_at__isnull=True)
    assert open_conflicts.count() >= 6
    demo = Inspector.objects.get(user__username="demo_inspector")
    assert demo.qualified_on(ref)
    assert demo.conflicts.exists()


def _check_one_user_per_role_with_working_password() -> None:
    users = User.objects.filter(username__startswith="demo_")
    assert {u.role for u in users} == set(Role.values)
    # The configured default hasher (argon2 in production settings), one hash shared by all.
    hashed = users.get(username="demo_admin").password
    assert identify_hasher(hashed).algorithm == get_hasher().algorithm
    assert users.filter(password=hashed).count() == len(data.DEMO_USERS)
    assert authenticate(username="demo_section", password=data.PASSWORD) is not None
    leader = users.get(username="demo_leader")
    assert {"market", "trade"} <= {d.code for d in leader.oversees.all()}
    assert users.get(username="demo_section2").department.code == "trade"  # type: ignore[union-attr]

    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    table = out.getvalue()
    for user in users:
        assert user.username in table
    assert "分管领导" in table and data.PASSWORD in table


def test_loaded_directory_meets_the_spec() -> None:
    # One load for all read-only checks: loading is the slow part of these tests.
    _check_counts_and_variety(_load())
    _check_credit_codes_valid_except_the_deliberate_ones()
    _check_inspectors_expired_certificates_and_conflicts()
    _check_one_user_per_role_with_working_password()


def test_rerun_is_idempotent_and_reset_is_deterministic() -> None:
    _load()
    first = _codes()
    target_pk = Target.objects.order_by("pk").first().pk  # type: ignore[union-attr]
    counts = (Target.objects.count(), Inspector.objects.count(), CheckItem.objects.count())

    output = _load()
    assert "已存在" in output
    assert (Target.objects.count(), Inspector.objects.count(), CheckItem.objects.count()) == counts
    assert User.objects.filter(username__startswith="demo_").count() == len(data.DEMO_USERS)

    # A record that is not demo data must survive --reset.
    real = Target.objects.create(
        credit_code=make_code("91", "640106", "MA76TEWT0"), name="真实对象", kind="enterprise"
    )
    real.departments.set([Department.objects.get(code="market")])

    _load("--reset")
    assert Target.objects.filter(pk=real.pk).exists()
    real.delete()
    assert _codes() == first
    assert not Target.objects.filter(pk=target_pk).exists()  # really wiped, not just kept
    assert (Target.objects.count(), Inspector.objects.count(), CheckItem.objects.count()) == counts
    assert User.objects.filter(username__startswith="demo_").count() == len(data.DEMO_USERS)

    # Every record starts with one "created" history entry by demo_admin, m2m included.
    target = Target.objects.first()
    assert target is not None
    entry = target.history.get()
    assert entry.history_type == "+"
    assert entry.history_user.username == "demo_admin"
    assert {d.department_id for d in entry.departments.all()} == set(
        target.departments.values_list("id", flat=True)
    )
    inspector = Inspector.objects.get(user__username="demo_inspector")
    assert inspector.history.get().expertise_items.count() == inspector.expertise_items.count()

    # Two loads, two events (the skipped re-run wrote nothing), and the chain is intact.
    events = AuditEvent.objects.filter(event_type="system.demo_loaded")
    assert events.count() == 2
    assert events.first().payload["targets"] == Target.objects.count()  # type: ignore[union-attr]
    assert list(verify_chain()) == []
