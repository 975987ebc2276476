"""Who gets what: every page of the core, directory and audit namespaces × every persona.

The expected statuses are written out by hand on purpose. They are NOT derived from
spotcheck.core.access, so a change to an access rule (or a view that forgets to ask it) shows up
here as a diff in one readable table, and has to be agreed by editing this table.

Columns: anonymous, admin, section, other_section, inspector, legal_reviewer, leader, auditor.
``section`` belongs to the department that owns the sample records; ``other_section`` belongs to
another department; the ``inspector`` persona is linked to the sample inspector record.
Anonymous visitors are always sent to the login page (302), except for the health check.
POSTs carry no data: an allowed user gets the form back (200), or a redirect after an action.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from spotcheck.directory import services
from spotcheck.jobs.models import Job
from tests.conftest import Personas
from tests.factories import CheckItemFactory, InspectorFactory, TargetFactory

COLUMNS = (
    "anonymous",
    "admin",
    "section",
    "other_section",
    "inspector",
    "legal_reviewer",
    "leader",
    "auditor",
)


@dataclass
class Samples:
    item: Any
    target: Any
    inspector: Any
    conflict: Any
    job: Any


# (url name, method): expected status per column, in COLUMNS order.
#                                          anon adm  sec  oth  insp legal lead aud
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    ("core:home", "GET"):                  (302, 200, 200, 200, 200, 200, 200, 200),
    ("core:healthz", "GET"):               (200, 200, 200, 200, 200, 200, 200, 200),
    # 随机抽查事项清单: public list, readable by every role incl. inspectors
    ("directory:item_list", "GET"):        (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:item_detail", "GET"):      (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:item_create", "GET"):      (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:item_create", "POST"):     (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:item_edit", "GET"):        (302, 403, 200, 403, 403, 403, 403, 403),
    ("directory:item_edit", "POST"):       (302, 403, 200, 403, 403, 403, 403, 403),
    # 检查对象名录库: not for inspectors (Art. 18 confidentiality of who gets checked)
    ("directory:target_list", "GET"):      (302, 200, 200, 200, 403, 200, 200, 200),
    ("directory:target_detail", "GET"):    (302, 200, 200, 200, 403, 200, 200, 200),
    ("directory:target_create", "GET"):    (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:target_create", "POST"):   (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:target_edit", "GET"):      (302, 403, 200, 403, 403, 403, 403, 403),
    ("directory:target_edit", "POST"):     (302, 403, 200, 403, 403, 403, 403, 403),
    # 执法检查人员名录库: public list
    ("directory:inspector_list", "GET"):   (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:inspector_detail", "GET"): (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:inspector_create", "GET"): (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:inspector_create", "POST"):(302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:inspector_edit", "GET"):   (302, 403, 200, 403, 403, 403, 403, 403),
    ("directory:inspector_edit", "POST"):  (302, 403, 200, 403, 403, 403, 403, 403),
    # 利害关系申报: inspectors declare their own, sections for their department's inspectors
    ("directory:conflict_list", "GET"):    (302, 200, 200, 200, 200, 200, 200, 200),
    ("directory:conflict_create", "GET"):  (302, 403, 200, 200, 200, 403, 403, 403),
    ("directory:conflict_create", "POST"): (302, 403, 200, 200, 200, 403, 403, 403),
    ("directory:conflict_withdraw", "GET"):(302, 405, 405, 405, 405, 405, 405, 405),
    ("directory:conflict_withdraw", "POST"):(302, 403, 302, 403, 302, 403, 403, 403),
    # Import (sections only, into their own department) and export (oversight roles, sections)
    ("directory:import_start", "GET"):     (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:import_start", "POST"):    (302, 403, 400, 400, 403, 403, 403, 403),
    ("directory:import_preview", "GET"):   (302, 403, 200, 404, 403, 403, 403, 403),
    ("directory:import_commit", "POST"):   (302, 403, 302, 404, 403, 403, 403, 403),
    ("directory:import_template", "GET"):  (302, 403, 200, 200, 403, 403, 403, 403),
    ("directory:export", "GET"):           (302, 200, 200, 200, 403, 403, 200, 200),
    # 审计日志: auditors and admins only
    ("audit:event_list", "GET"):           (302, 200, 403, 403, 403, 403, 403, 200),
}  # fmt: skip

URL_ARGS: dict[str, Callable[[Samples], list[Any]]] = {
    "directory:item_detail": lambda s: [s.item.pk],
    "directory:item_edit": lambda s: [s.item.pk],
    "directory:target_detail": lambda s: [s.target.pk],
    "directory:target_edit": lambda s: [s.target.pk],
    "directory:inspector_detail": lambda s: [s.inspector.pk],
    "directory:inspector_edit": lambda s: [s.inspector.pk],
    "directory:conflict_withdraw": lambda s: [s.conflict.pk],
    "directory:import_start": lambda s: ["targets"],
    "directory:import_preview": lambda s: [s.job.pk],
    "directory:import_commit": lambda s: [s.job.pk],
    "directory:import_template": lambda s: ["targets", "csv"],
    "directory:export": lambda s: ["targets"],
}


@pytest.fixture
def samples(personas: Personas) -> Samples:
    from spotcheck.directory.importing.jobs import JOB_KIND

    item = CheckItemFactory(department=personas.dept)
    target = TargetFactory(departments=[personas.dept])
    inspector = InspectorFactory(department=personas.dept, user=personas.inspector)
    conflict = services.conflict_declare(
        actor=personas.inspector, inspector=inspector, target=target, relation="kin"
    )
    job = Job.objects.create(
        id=uuid.uuid4(),
        kind=JOB_KIND,
        label="导入检查对象",
        owner=personas.section,
        params={"kind": "targets"},
        result={},
    )
    return Samples(item=item, target=target, inspector=inspector, conflict=conflict, job=job)


def _namespace_url_names(namespace: str) -> set[str]:
    _, resolver = get_resolver().namespace_dict[namespace]
    return {f"{namespace}:{key}" for key in resolver.reverse_dict if isinstance(key, str)}


def test_every_url_is_in_the_matrix() -> None:
    names = set().union(*(_namespace_url_names(ns) for ns in ("core", "directory", "audit")))
    covered = {name for name, _ in MATRIX}
    assert names - covered == set(), "add these pages to the access matrix"
    assert covered - names == set(), "the matrix lists pages that no longer exist"


@pytest.mark.parametrize(("name", "method"), list(MATRIX), ids=lambda v: str(v))
def test_access(
    client: Client, personas: Personas, samples: Samples, name: str, method: str
) -> None:
    url = reverse(name, args=URL_ARGS.get(name, lambda s: [])(samples))
    users = personas.all()
    got: dict[str, int] = {}
    for column in COLUMNS:
        client.logout()
        if column != "anonymous":
            client.force_login(users[column])
        response = client.get(url) if method == "GET" else client.post(url, {})
        got[column] = response.status_code
        if response.status_code == 302 and column == "anonymous":
            assert response["Location"].startswith(reverse("accounts:login"))
    expected = dict(zip(COLUMNS, MATRIX[(name, method)], strict=True))
    assert got == expected, f"{method} {name}"
