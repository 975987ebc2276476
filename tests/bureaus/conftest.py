"""A province with one city and two districts, for the multi-bureau tests.

The personas' two departments belong to district A (金凤区); district B (兴庆区) has its own
市场建设科 (same name: unique per bureau only) with a clerk, a leader and an auditor; the city
has an auditor and an administrator. The personas' admin and auditor have no bureau: they
serve the whole province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from spotcheck.accounts.models import Bureau, Department, Role, User, home_bureau_id
from spotcheck.disclosure.models import Publication
from spotcheck.disclosure.publications import (
    publication_draft,
    publication_review,
    publication_submit,
)
from tests.conftest import Personas
from tests.factories import DepartmentFactory, UserFactory


@dataclass
class Tree:
    p: Personas
    province: Bureau
    city: Bureau
    district_a: Bureau
    district_b: Bureau
    dept_b: Department
    section_b: User
    leader_b: User
    auditor_b: User
    city_auditor: User
    city_admin: User


@pytest.fixture
def tree(personas: Personas) -> Tree:
    province = Bureau.objects.get(pk=home_bureau_id())
    province.name, province.level, province.code = "某省商务厅", "province", "province"
    province.save()
    city = Bureau.objects.create(code="city", name="某市商务局", level="city", parent=province)
    a = Bureau.objects.create(code="district-a", name="甲区商务局", parent=city)
    b = Bureau.objects.create(code="district-b", name="乙区商务局", parent=city)
    Department.objects.filter(pk__in=[personas.dept.pk, personas.other_dept.pk]).update(bureau=a)
    personas.dept.refresh_from_db()
    personas.other_dept.refresh_from_db()
    dept_b = DepartmentFactory(code="b-market", name=personas.dept.name, bureau=b)
    return Tree(
        p=personas,
        province=province,
        city=city,
        district_a=a,
        district_b=b,
        dept_b=dept_b,
        section_b=UserFactory(username="section_b", role=Role.SECTION, department=dept_b),
        leader_b=UserFactory(username="leader_b", role=Role.LEADER, department=dept_b),
        auditor_b=UserFactory(username="auditor_b", role=Role.AUDITOR, department=None, bureau=b),
        city_auditor=UserFactory(
            username="city_auditor", role=Role.AUDITOR, department=None, bureau=city
        ),
        city_admin=UserFactory(
            username="city_admin", role=Role.ADMIN, department=None, bureau=city
        ),
    )


def publish_item_list(author: User, reviewer: User, department: Department) -> Publication:
    pub = publication_draft(actor=author, kind="item_list", source=department)
    pub = publication_submit(actor=author, publication=pub)
    return publication_review(actor=reviewer, publication=pub, approve=True)


def fresh(user: Any) -> Any:
    """The user as a new request would load it (the bureau scope is memoised per object)."""
    return type(user).objects.get(pk=user.pk)
