"""The demo's organisation tree: a province, the city of 银川 and two of its districts.

金凤区 carries the full walk-through (``workflow.py``). 兴庆区 gets a smaller directory of its
own, shares some entities with 金凤区 (one register for the province: a company regulated by
both districts is one record with both departments), and publishes its item and inspector
lists, so each bureau's portal, and the city's and province's above them, show different
records. Everything is as fabricated as the rest of the demo (names carry 「（演示）」).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from simple_history.utils import bulk_create_with_history

from spotcheck.accounts.models import HOME_BUREAU_CODE, Bureau, Department, User
from spotcheck.demo import data
from spotcheck.demo.generate import generate
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.models import CheckItem, Inspector, SupervisionGrade, Target
from spotcheck.directory.services import supervision_set
from spotcheck.disclosure.models import PublicationKind
from spotcheck.disclosure.publications import (
    publication_draft,
    publication_review,
    publication_submit,
)

CHANGE_REASON = "演示数据"
SECOND = "xq-market"
# Every fifth 金凤区 市场建设科 entity is also regulated by 兴庆区's (e.g. a chain with sites in
# both districts); 40 entities are 兴庆区's alone.
SHARED_EVERY = 5
# Of those, every fifth gets a 兴庆区 grade of its own, different from the entity's (which
# 金凤区 follows): the same company weighs differently in the two districts' draws.
OWN_GRADE_EVERY = 5
SECOND_TARGETS = 40
SECOND_ITEMS: tuple[data.ItemRow, ...] = (
    data.ItemRow(
        "DEMO-XQ-01",
        "再生资源回收经营者备案及经营情况检查（兴庆区）",
        "《再生资源回收管理办法》（商务部等6部门令2007年第8号，2019年修订）",
        SECOND,
        "是否按规定向商务主管部门备案；回收生产性废旧金属是否如实登记；回收台账登记及保存情况。",
        ("enterprise", "individual"),
        "general",
    ),
    data.ItemRow(
        "DEMO-XQ-02",
        "二手车交易市场经营行为检查（兴庆区）",
        "《二手车流通管理办法》（商务部 公安部 工商总局 税务总局令2005年第2号，2017年修订）",
        SECOND,
        "二手车交易市场经营者备案情况；是否建立车辆来源及交易档案；是否按规定开具统一发票。",
        ("enterprise", "individual"),
        "general",
    ),
)
SECOND_INSPECTORS = ("马建华", "田丽娟", "苏文斌", "海燕", "金志强", "白雪梅")


def upsert_bureaus() -> dict[str, Bureau]:
    """The tree, top down. The root the first migration made ("本局", code ``home``) becomes
    the demo's own district, so departments already in it stay where they are."""
    out: dict[str, Bureau] = {}
    for row in data.BUREAUS:
        bureau = Bureau.objects.filter(code=row.code).first()
        if bureau is None and row.code == data.HOME_BUREAU:
            bureau = Bureau.objects.filter(code=HOME_BUREAU_CODE, name="本局").first()
        bureau = bureau or Bureau(code=row.code)
        bureau.code, bureau.name, bureau.level = row.code, row.name, row.level
        bureau.parent = out[row.parent] if row.parent else None
        bureau.save()
        out[row.code] = bureau
    return out


Link = Callable[[Any, str, str, str, dict[int, list[int]]], None]


def load_second_district(
    *,
    depts: dict[str, Department],
    users: dict[str, User],
    admin: User,
    today: dt.date,
    link: Link,
) -> dict[str, int]:
    """兴庆区's directory, the entities it shares with 金凤区, and its two published lists."""
    dept = depts[SECOND]
    items = bulk_create_with_history(
        [
            CheckItem(
                code=row.code,
                name=row.name,
                legal_basis=row.legal_basis,
                department=dept,
                content=row.content,
                disclosure_channel="兴庆区人民政府网站（演示）",
                target_kinds=list(row.target_kinds),
                category=row.category,
                active=True,
            )
            for row in SECOND_ITEMS
        ],
        CheckItem,
        default_user=admin,
        default_change_reason=CHANGE_REASON,
    )
    inspectors = bulk_create_with_history(
        [
            Inspector(
                cert_no=f"{data.CODE_PREFIX}{data.SECOND_DISTRICT_CODE}-{n:04d}",
                name=name,
                department=dept,
                employee_no=f"XQ{n:03d}",
                cert_valid_from=today - dt.timedelta(days=200 + 90 * n),
                cert_valid_to=today + dt.timedelta(days=900 + 60 * n),
                expertise_industries="F51,F52",
                status="active",
                phone=f"0951-01{n:05d}",
            )
            for n, name in enumerate(SECOND_INSPECTORS, start=1)
        ],
        Inspector,
        default_user=admin,
        default_change_reason=CHANGE_REASON,
    )
    link(
        Inspector,
        "expertise_items",
        "inspector",
        "checkitem",
        {i.pk: [item.pk for item in items] for i in inspectors},
    )
    own = bulk_create_with_history(
        [Target(**fields) for fields in _second_district_targets(today)],
        Target,
        default_user=admin,
        default_change_reason=CHANGE_REASON,
    )
    shared_ids = list(
        Target.objects.filter(departments=depts["market"], name__startswith=data.NAME_PREFIX)
        .order_by("credit_code")
        .values_list("pk", flat=True)[::SHARED_EVERY]
    )
    link(
        Target,
        "departments",
        "target",
        "department",
        {pk: [dept.pk] for pk in [t.pk for t in own] + shared_ids},
    )
    section, leader = users["demo_xq_section"], users["demo_xq_leader"]
    own_grades = _own_grades(section, dept, shared_ids[::OWN_GRADE_EVERY])
    for kind in (PublicationKind.ITEM_LIST, PublicationKind.INSPECTOR_LIST):
        _publish(section, leader, kind, dept)
    return {
        "targets": len(own),
        "shared": len(shared_ids),
        "own_grades": own_grades,
        "inspectors": len(inspectors),
    }


def _own_grades(section: User, dept: Department, target_ids: list[int]) -> int:
    """兴庆区 judges a few shared entities otherwise than the register's grade: through the
    same service (history, audit event) as its clerk on the target page."""
    for target in Target.objects.filter(pk__in=target_ids).order_by("credit_code"):
        grade = SupervisionGrade.HIGH if target.supervision_grade < 3 else SupervisionGrade.LOW
        supervision_set(
            actor=section,
            target=target,
            department=dept,
            supervision_grade=grade,
            key_industry=None,
        )
    return len(target_ids)


def _second_district_targets(today: dt.date) -> list[dict[str, Any]]:
    """Entities of 兴庆区 alone: a second draw of the generator, moved to 兴庆区's division
    code (with a recomputed check character), names, addresses and streets."""
    taken = set(Target.objects.values_list("credit_code", flat=True))
    out: list[dict[str, Any]] = []
    specs = generate(today=today, seed=data.SEED + 1).targets
    for spec in specs:
        fields = {
            k: v.replace("金凤区", "兴庆区") if isinstance(v, str) else v
            for k, v in spec.fields.items()
        }
        code = str(fields["credit_code"])
        if code[2:8] != data.REGION_CODE:
            continue  # not a code of this division (e.g. a legacy registration number)
        code = make_code(code[:2], data.SECOND_DISTRICT_CODE, code[8:17])
        if code in taken:
            continue
        taken.add(code)
        fields["credit_code"] = code
        fields["region"] = data.SECOND_DISTRICT_REGIONS[
            len(out) % len(data.SECOND_DISTRICT_REGIONS)
        ]
        out.append(fields)
        if len(out) == SECOND_TARGETS:
            break
    return out


def _publish(author: User, reviewer: User, kind: str, source: Any) -> None:
    pub = publication_draft(actor=author, kind=kind, source=source)
    pub = publication_submit(actor=author, publication=pub)
    publication_review(actor=reviewer, publication=pub, approve=True, comment="已核")
