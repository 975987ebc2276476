"""Committing: upsert by natural key, history per record, one audit event, all-or-nothing."""

from __future__ import annotations

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.importing import fastwrite, services
from spotcheck.directory.models import CheckItem, Inspector, Target
from tests.directory.test_import_support import (
    INSPECTOR_HEADERS,
    ITEM_HEADERS,
    TARGET_HEADERS,
    commit,
    csv_bytes,
    target_row,
    validate,
    write,
    xlsx_bytes,
)
from tests.factories import CheckItemFactory, TargetFactory

pytestmark = pytest.mark.django_db


def code(n: int) -> str:
    return make_code("91", "640106", f"{n:09d}")


def test_gbk_csv_of_targets_imports(personas, tmp_path):
    rows = [
        TARGET_HEADERS,
        target_row(
            code(1), "银川市金凤区鑫源商贸有限公司", 所属区域="黄河东路街道", 监管部门="市场建设科"
        ),
        target_row(code(2), "金凤区老王修车铺", 对象类型="个体工商户", 信用风险分类="C"),
    ]
    path = write(tmp_path, csv_bytes(rows, "gbk"), "gbk.csv")
    assert commit(personas.section, "targets", path) == {"created": 2, "updated": 0, "unchanged": 0}
    first = Target.objects.get(credit_code=code(1))
    assert first.name == "银川市金凤区鑫源商贸有限公司"
    assert first.region == "黄河东路街道"
    assert list(first.departments.all()) == [personas.dept]
    second = Target.objects.get(credit_code=code(2))
    assert (second.kind, second.credit_class) == ("individual", "C")
    assert list(second.departments.all()) == [personas.dept]


def test_upsert_history_and_single_audit_event(personas, tmp_path):
    TargetFactory(credit_code=code(1), name="旧名称", departments=[personas.dept])
    TargetFactory(credit_code=code(2), name="不变", departments=[personas.dept])
    before_events = AuditEvent.objects.count()
    path = write(tmp_path, csv_bytes([TARGET_HEADERS]), "x.csv")
    rows = [TARGET_HEADERS, target_row(code(1), "新名称"), target_row(code(3), "新增")]
    # Row for code(2) mirrors what is stored, so it must stay untouched.
    unchanged = Target.objects.get(credit_code=code(2))
    rows.append(
        target_row(
            code(2), "不变", 法定代表人="", **{"法定代表人/负责人": "", "住所/经营场所": ""},
            行业代码="F5211", 行业名称="百货零售", 生产经营规模="", 监管部门="市场建设科",
        )
    )  # fmt: skip
    path = write(tmp_path, csv_bytes(rows), "up.csv")
    history_before = unchanged.history.count()
    counts = commit(personas.section, "targets", path)
    assert counts == {"created": 1, "updated": 1, "unchanged": 1}
    updated = Target.objects.get(credit_code=code(1))
    assert updated.name == "新名称"
    latest = updated.history.first()
    assert latest.history_type == "~"
    assert latest.history_user == personas.section
    assert latest.history_change_reason == "导入文件 up.csv"
    assert [d.department_id for d in latest.departments.all()] == [personas.dept.pk]
    assert unchanged.history.count() == history_before
    created = Target.objects.get(credit_code=code(3))
    assert [(h.history_type, h.history_user) for h in created.history.all()] == [
        ("+", personas.section)
    ]
    events = AuditEvent.objects.filter(event_type="directory.import_committed")
    assert AuditEvent.objects.count() == before_events + 1
    event = events.get()
    assert event.payload["created"] == 1 and event.payload["updated"] == 1
    assert event.payload["unchanged"] == 1 and event.actor == personas.section


def test_reimport_same_file_changes_nothing(personas, tmp_path):
    rows = [TARGET_HEADERS, *(target_row(code(i), f"公司{i}") for i in range(5))]
    path = write(tmp_path, xlsx_bytes(rows), "a.xlsx")
    assert commit(personas.section, "targets", path)["created"] == 5
    history = Target.history.count()
    assert commit(personas.section, "targets", path) == {"created": 0, "updated": 0, "unchanged": 5}
    assert Target.history.count() == history


def test_own_department_is_always_kept(personas, tmp_path):
    TargetFactory(credit_code=code(1), departments=[personas.dept, personas.other_dept])
    rows = [TARGET_HEADERS, target_row(code(1), "改名", 监管部门="商贸流通科")]
    commit(personas.section, "targets", write(tmp_path, csv_bytes(rows), "k.csv"))
    target = Target.objects.get()
    assert set(target.departments.all()) == {personas.dept, personas.other_dept}


def test_failure_mid_commit_leaves_database_unchanged(personas, tmp_path, monkeypatch):
    TargetFactory(credit_code=code(1), name="旧名称", departments=[personas.dept])
    rows = [TARGET_HEADERS, target_row(code(1), "新名称"), target_row(code(2))]
    path = write(tmp_path, csv_bytes(rows), "f.csv")
    counts = (Target.objects.count(), Target.history.count(), AuditEvent.objects.count())

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    # Creates are written first; the failure comes after them, in the updates.
    monkeypatch.setattr(services, "bulk_update_with_history", boom)
    with pytest.raises(RuntimeError):
        commit(personas.section, "targets", path)
    assert (Target.objects.count(), Target.history.count(), AuditEvent.objects.count()) == counts
    assert Target.objects.get().name == "旧名称"


def test_failure_in_fast_path_leaves_database_unchanged(personas, tmp_path, monkeypatch):
    rows = [
        TARGET_HEADERS,
        *(target_row(code(i), f"公司{i}") for i in range(services.FAST_CREATE_MIN)),
    ]
    path = write(tmp_path, csv_bytes(rows), "big.csv")
    real_insert = fastwrite._insert
    calls = []

    def failing_insert(model, columns, rows):
        calls.append(model)
        if len(calls) == 3:  # records and their history are in; the m2m rows fail
            raise RuntimeError("connection lost")
        return real_insert(model, columns, rows)

    monkeypatch.setattr(fastwrite, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        commit(personas.section, "targets", path)
    assert not Target.objects.exists()
    assert not Target.history.exists()
    assert not AuditEvent.objects.filter(event_type="directory.import_committed").exists()


def _snapshot(model):
    history = model.history.model
    skip = {"history_id", "id", "history_date", "updated_at"}
    rows = []
    for h in history.objects.order_by("id"):
        record = {f.attname: getattr(h, f.attname) for f in history._meta.concrete_fields}
        rows.append({k: v for k, v in record.items() if k not in skip})
    return rows


def test_fast_path_writes_what_bulk_create_with_history_writes(personas, tmp_path, monkeypatch):
    rows = [
        TARGET_HEADERS,
        *(
            target_row(code(i), f"公司{i}", 监管部门="市场建设科" if i % 2 else "")
            for i in range(6)
        ),
    ]
    path = write(tmp_path, csv_bytes(rows), "eq.csv")
    monkeypatch.setattr(services, "FAST_CREATE_MIN", 10**9)
    commit(personas.section, "targets", path)
    slow = _snapshot(Target)
    slow_m2m = sorted(
        (h.history_type, d.target.credit_code, d.department_id)
        for h in Target.history.all()
        for d in h.departments.all()
    )
    slow_rows = list(Target.objects.order_by("credit_code").values())
    Target.departments.through.objects.all().delete()
    Target.objects.all().delete()  # (writes "-" history rows, removed next)
    Target.history.model.departments.model.objects.all().delete()
    Target.history.all().delete()

    monkeypatch.setattr(services, "FAST_CREATE_MIN", 1)
    commit(personas.section, "targets", path)
    assert _snapshot(Target) == slow
    fast_m2m = sorted(
        (h.history_type, d.target.credit_code, d.department_id)
        for h in Target.history.all()
        for d in h.departments.all()
    )
    assert fast_m2m == slow_m2m
    fast_rows = list(Target.objects.order_by("credit_code").values())
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ("id", "updated_at")} for r in rs]  # noqa: E731
    assert strip(fast_rows) == strip(slow_rows)


def test_items_and_inspectors_import(personas, tmp_path):
    items = [
        ITEM_HEADERS,
        ["SW-001", "单用途商业预付卡检查", "《单用途商业预付卡管理办法（试行）》", "", "备案、资金存管",
         "区政府门户网站", "企业、个体工商户", "重点", "是"],
        ["SW-002", "拍卖企业检查", "《拍卖法》", "市场建设科", "经营资质", "区政府门户网站", "企业", "", ""],
    ]  # fmt: skip
    assert (
        commit(personas.section, "items", write(tmp_path, csv_bytes(items), "i.csv"))["created"]
        == 2
    )
    item = CheckItem.objects.get(code="SW-001")
    assert item.department == personas.dept
    assert item.target_kinds == ["enterprise", "individual"]
    assert (item.category, item.active) == ("key", True)
    assert item.history.get().history_user == personas.section

    inspectors = [
        INSPECTOR_HEADERS,
        ["64010620000001", "张三", "", "A01", "2024-01-01", "2028-12-31", "F52", "SW-001、SW-002", "在岗", "13900000000"],  # fixed-date: import data, never compared with today
        ["64010620000002", "李四", "市场建设科", "", "2024/1/1", "2028/12/31", "", "", "休假/借调", ""],  # fixed-date: import data, never compared with today
    ]  # fmt: skip
    path = write(tmp_path, xlsx_bytes(inspectors), "p.xlsx")
    assert commit(personas.section, "inspectors", path)["created"] == 2
    zhang = Inspector.objects.get(cert_no="64010620000001")
    assert {i.code for i in zhang.expertise_items.all()} == {"SW-001", "SW-002"}
    assert zhang.department == personas.dept
    history = zhang.history.get()
    assert {r.checkitem.code for r in history.expertise_items.all()} == {"SW-001", "SW-002"}
    assert Inspector.objects.get(cert_no="64010620000002").status == "leave"


def test_new_record_for_other_department_is_refused(personas, tmp_path):
    items = [ITEM_HEADERS, ["X-1", "名称", "依据", "商贸流通科", "内容", "网站", "", "", ""]]
    plan = validate(personas.section, "items", write(tmp_path, csv_bytes(items), "i.csv"))
    assert [p.message for p in plan.problems] == ["只能导入本部门（市场建设科）的抽查事项"]


def test_unchanged_rows_of_other_departments_are_fine(personas, tmp_path):
    CheckItemFactory(code="T-1", name="他部门事项", department=personas.other_dept)
    item = CheckItem.objects.get()
    row = ["T-1", item.name, item.legal_basis, "商贸流通科", item.content, item.disclosure_channel,
           "企业", "一般检查事项", "是"]  # fmt: skip
    plan = validate(
        personas.section, "items", write(tmp_path, csv_bytes([ITEM_HEADERS, row]), "i.csv")
    )
    assert plan.problems == [] and plan.unchanged == 1


def test_m2m_only_change_updates_and_snapshots_history(personas, tmp_path):
    a = CheckItemFactory(code="A-1", department=personas.dept)
    b = CheckItemFactory(code="B-1", department=personas.dept)
    inspector = Inspector.objects.create(
        cert_no="64010620000009", name="王五", department=personas.dept,
        cert_valid_from="2024-01-01", cert_valid_to="2028-12-31",  # fixed-date: import data, never compared with today
    )  # fmt: skip
    inspector.expertise_items.set([a])
    row = [
        "64010620000009",
        "王五",
        "市场建设科",
        "",
        "2024-01-01",  # fixed-date: import data, never compared with today
        "2028-12-31",  # fixed-date: import data, never compared with today
        "",
        "A-1、B-1",
        "在岗",
        "",
    ]
    path = write(tmp_path, csv_bytes([INSPECTOR_HEADERS, row]), "m.csv")
    plan = validate(personas.section, "inspectors", path)
    assert [(u.fields, sorted(u.m2m["expertise_items"])) for u in plan.updates] == [
        ([], [a.pk, b.pk])
    ]
    assert commit(personas.section, "inspectors", path)["updated"] == 1
    inspector.refresh_from_db()
    assert set(inspector.expertise_items.all()) == {a, b}
    latest = inspector.history.first()
    assert latest.history_type == "~" and latest.history_user == personas.section
    assert {r.checkitem_id for r in latest.expertise_items.all()} == {a.pk, b.pk}
    assert commit(personas.section, "inspectors", path)["unchanged"] == 1
