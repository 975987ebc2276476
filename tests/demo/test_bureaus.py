"""The demo loads a province, the city of 银川 and two of its districts, each with its own
logins and portal, and entities both districts regulate."""

from __future__ import annotations

import pytest
from django.test import Client

from spotcheck.accounts.models import Bureau, User
from spotcheck.audit.verify import verify_chain
from spotcheck.core import access
from spotcheck.demo import bureaus, data
from spotcheck.demo.loader import load_demo, login_rows, wipe_demo
from spotcheck.directory import selectors
from spotcheck.directory.creditcode import check_code
from spotcheck.directory.models import Target

pytestmark = pytest.mark.django_db(transaction=False)


def test_two_districts_and_a_city() -> None:
    load_demo()
    tree = {b.code: b for b in Bureau.objects.all()}
    assert set(tree) == {row.code for row in data.BUREAUS}
    assert tree["jinfeng"].parent == tree["xingqing"].parent == tree["yinchuan"]
    assert tree["yinchuan"].parent == tree["ningxia"] and tree["ningxia"].parent is None

    section_b = User.objects.get(username="demo_xq_section")
    own = selectors.target_list(user=section_b)
    shared = own.filter(departments__code="market")
    assert own.count() == bureaus.SECOND_TARGETS + shared.count()
    assert shared.count() > 50
    only_b = own.exclude(departments__code="market")
    for target in only_b:
        checked = check_code(target.credit_code)
        assert checked.kind == "uscc" and not checked.error and not checked.warning
        assert target.credit_code[2:8] == data.SECOND_DISTRICT_CODE
        assert "兴庆区" in target.name or "金凤区" not in target.name
        assert target.region in data.SECOND_DISTRICT_REGIONS
    jinfeng = User.objects.get(username="demo_section")
    assert not selectors.target_list(user=jinfeng).filter(pk__in=only_b).exists()
    city = User.objects.get(username="demo_city_auditor")
    assert selectors.target_list(user=city).count() == Target.objects.count()
    assert access.bureau_scope(User.objects.get(username="demo_auditor")) is None

    pages = {
        code: Client().get(f"/b/{code}/public/search/").content.decode()
        for code in ("jinfeng", "xingqing", "yinchuan")
    }
    assert (
        "兴庆区商务局" in pages["xingqing"] and "再生资源回收行业定向抽查" not in pages["xingqing"]
    )
    assert "再生资源回收行业定向抽查" in pages["jinfeng"]
    assert "再生资源回收行业定向抽查" in pages["yinchuan"]
    rows = {row[0]: row for row in login_rows()}
    assert rows["demo_xq_section"][2] == "兴庆区商务局 市场建设科"
    assert rows["demo_city_auditor"][2] == "银川市商务局"
    assert rows["demo_auditor"][2] == "全部机关"
    assert list(verify_chain()) == []


def test_reset_removes_the_second_district_too() -> None:
    load_demo()
    wipe_demo()
    assert not Target.objects.exists()
    load_demo(reset=True)
    assert Target.objects.filter(credit_code__contains=data.SECOND_DISTRICT_CODE).count() == (
        bureaus.SECOND_TARGETS
    )


def test_xingqing_grades_a_few_shared_entities_otherwise() -> None:
    from spotcheck.directory.models import Supervision

    load_demo()
    own = Supervision.objects.filter(
        department__code=bureaus.SECOND, supervision_grade__isnull=False
    ).select_related("target")
    assert own.count() >= 5
    for link in own:
        assert link.supervision_grade != link.target.supervision_grade
        # 金凤区 follows the register's grade for the same entity.
        jinfeng = Supervision.objects.get(target=link.target, department__code="market")
        assert jinfeng.supervision_grade is None
    assert list(verify_chain()) == []
