"""Every kind of bad input gets a clear Chinese message, and nothing is written."""

from __future__ import annotations

import pytest

from spotcheck.audit.models import AuditEvent
from spotcheck.directory.creditcode import make_code
from spotcheck.directory.importing.jobs import import_start
from spotcheck.directory.importing.problems import ImportRefused
from spotcheck.directory.importing.services import ImportBlocked
from spotcheck.directory.models import Inspector, Target
from spotcheck.jobs.models import JobState
from tests.directory.test_import_support import (  # noqa: F401 - media_in_tmp is a fixture
    INSPECTOR_HEADERS,
    TARGET_HEADERS,
    commit,
    csv_bytes,
    media_in_tmp,
    messages_of,
    target_row,
    upload,
    validate,
    write,
    xlsx_bytes,
)
from tests.factories import TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

# Certificate dates in imported rows are plain data: the importer checks their format and order,
# never compares them with today.
FROM = "2024-01-01"  # fixed-date: import data, never compared with today
TO = "2028-12-31"  # fixed-date: import data, never compared with today
BEFORE_FROM = "2023-12-31"  # fixed-date: import data, never compared with today
IMPOSSIBLE = "2023-02-30"  # fixed-date: an impossible date the parser must reject


def code(n: int) -> str:
    return make_code("91", "640106", f"{n:09d}")


def _refused(personas, tmp_path, data: bytes, name: str = "f.csv") -> str:
    with pytest.raises(ImportRefused) as exc:
        validate(personas.section, "targets", write(tmp_path, data, name))
    return exc.value.message


def test_empty_and_header_only(personas, tmp_path):
    with pytest.raises(ImportRefused, match="文件为空"):
        import_start(actor=personas.section, kind="targets", upload=upload(b"", "a.csv"))
    assert "没有数据行" in _refused(personas, tmp_path, csv_bytes([TARGET_HEADERS]))
    assert "没有任何内容" in _refused(personas, tmp_path, b"\n\n , \n")
    assert "工作表为空" in _refused(personas, tmp_path, xlsx_bytes([]), "e.xlsx")


def test_not_a_table_is_refused_by_content_at_upload(personas):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    with pytest.raises(ImportRefused, match="PNG"):
        import_start(actor=personas.section, kind="targets", upload=upload(png, "targets.xlsx"))


def test_missing_headers_are_named(personas, tmp_path):
    message = _refused(personas, tmp_path, csv_bytes([["名称", "住所/经营场所"], ["a", "b"]]))
    assert "缺少必需的列：统一社会信用代码、对象类型" in message


def test_unknown_and_repeated_headers_are_named(personas, tmp_path):
    header = [*TARGET_HEADERS, "备注", "名称"]
    message = _refused(personas, tmp_path, csv_bytes([header, [*target_row(code(1)), "x", "y"]]))
    assert "无法识别的列：“备注”" in message
    assert "重复的列：“名称”" in message


def test_wrong_file_entirely(personas, tmp_path):
    message = _refused(personas, tmp_path, csv_bytes([["姓名", "年龄"], ["a", "1"]]))
    assert "表头与“检查对象名录库”导入模板不符" in message


def test_optional_columns_may_be_left_out(personas, tmp_path):
    path = write(
        tmp_path,
        csv_bytes([["统一社会信用代码", "名称", "对象类型"], [code(1), "甲", "企业"]]),
        "a.csv",
    )
    plan = validate(personas.section, "targets", path)
    assert plan.problems == [] and len(plan.creates) == 1


def test_duplicate_keys_name_both_rows(personas, tmp_path):
    rows = [TARGET_HEADERS, target_row(code(1)), target_row(code(2)), target_row(code(1))]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "d.csv"))
    assert messages_of(plan) == [
        f"4|统一社会信用代码|统一社会信用代码“{code(1)}”在第2行和第4行重复"
    ]


def test_full_width_duplicate_is_still_a_duplicate(personas, tmp_path):
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code(1))
    rows = [TARGET_HEADERS, target_row(code(1)), target_row(f" {wide} ")]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "d.csv"))
    assert "在第2行和第3行重复" in messages_of(plan)[0]


def test_invalid_credit_code_is_an_error_checksum_is_a_warning(personas, tmp_path):
    good = code(7)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [TARGET_HEADERS, target_row("91640106ABC"), target_row(bad_check)]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "c.csv"))
    errors = [p for p in plan.problems if p.is_error]
    warnings = [p for p in plan.problems if not p.is_error]
    assert [(p.row, p.column) for p in errors] == [(2, "统一社会信用代码")]
    assert "18位" in errors[0].message
    assert [(p.row, p.column) for p in warnings] == [(3, "统一社会信用代码")]
    assert "校验位" in warnings[0].message


def test_checksum_warning_needs_confirmation(personas, tmp_path):
    good = code(7)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    path = write(tmp_path, csv_bytes([TARGET_HEADERS, target_row(bad_check)]), "w.csv")
    with pytest.raises(ImportBlocked, match="警告需要确认"):
        commit(personas.section, "targets", path)
    assert not Target.objects.exists()
    assert commit(personas.section, "targets", path, confirm=True)["created"] == 1
    assert Target.objects.get().code_warning_confirmed is True


def test_impossible_date(personas, tmp_path):
    rows = [
        INSPECTOR_HEADERS,
        ["64010620000001", "张三", "", "", IMPOSSIBLE, TO, "", "", "在岗", ""],
        ["64010620000002", "李四", "", "", FROM, BEFORE_FROM, "", "", "在岗", ""],
    ]
    plan = validate(personas.section, "inspectors", write(tmp_path, csv_bytes(rows), "i.csv"))
    assert messages_of(plan) == [
        f"2|执法证有效期起|日期不存在：“{IMPOSSIBLE}”",
        "3|执法证有效期止|有效期止不能早于有效期起",
    ]


def test_too_many_rows_is_refused(personas, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 3
    rows = [TARGET_HEADERS, *(target_row(code(i)) for i in range(4))]
    assert "超过单次导入上限 3 行" in _refused(personas, tmp_path, csv_bytes(rows))
    assert "超过单次导入上限 3 行" in _refused(personas, tmp_path, xlsx_bytes(rows), "x.xlsx")


def test_too_large_is_refused_at_upload(personas, settings):
    settings.IMPORT_MAX_BYTES = 1024
    data = csv_bytes([TARGET_HEADERS, *(target_row(code(i)) for i in range(20))])
    with pytest.raises(ImportRefused, match="文件过大"):
        import_start(actor=personas.section, kind="targets", upload=upload(data, "big.csv"))


def test_formula_cell(personas, tmp_path):
    rows = [TARGET_HEADERS, target_row(code(1)), target_row(code(2))]
    # Column O (15th) is 投诉举报次数.
    path = write(tmp_path, xlsx_bytes(rows, formula="O3"), "f.xlsx")
    plan = validate(personas.section, "targets", path)
    assert messages_of(plan) == ["3|投诉举报次数|第3行「投诉举报次数」为公式，请粘贴为数值"]
    assert len(plan.creates) == 1


def test_merged_cells(personas, tmp_path):
    rows = [TARGET_HEADERS, target_row(code(1)), target_row(code(2)), target_row(code(3))]
    path = write(tmp_path, xlsx_bytes(rows, merge="H2:H3"), "m.xlsx")
    plan = validate(personas.section, "targets", path)
    assert any(p.row == 2 and "H2:H3 为合并单元格" in p.message for p in plan.problems)
    assert plan.errors


def test_invalid_choice_values(personas, tmp_path):
    rows = [
        TARGET_HEADERS,
        target_row(code(1), 对象类型="公司"),
        target_row(code(2), 信用风险分类="E", 重点行业="也许"),
    ]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "c.csv"))
    found = messages_of(plan)
    assert found[0].startswith("2|对象类型|取值“公司”无效，可选：企业、个体工商户")
    assert found[1].startswith("3|信用风险分类|取值“E”无效")
    assert found[2] == "3|重点行业|取值“也许”无效，请填写“是”或“否”"


def test_unknown_department(personas, tmp_path):
    rows = [TARGET_HEADERS, target_row(code(1), 监管部门="不存在的科、市场建设科")]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "c.csv"))
    assert messages_of(plan) == ["2|监管部门|部门“不存在的科”不存在"]


def test_data_in_column_without_header(personas, tmp_path):
    rows = [[*TARGET_HEADERS, ""], [*target_row(code(1)), "多余"]]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "c.csv"))
    assert messages_of(plan) == ["2|U列|U列没有表头但填写了内容，请补上表头或删除该列"]


def test_numbers_stored_as_floats_by_excel(personas, tmp_path):
    rows = [
        INSPECTOR_HEADERS,
        [
            64010620000001.0,
            "张三",
            "",
            123.0,
            FROM,
            TO,
            "",
            "",
            "在岗",
            13900000000.0,
        ],
        ["6.40106E+13", "李四", "", "", FROM, TO, "", "", "在岗", ""],
    ]
    plan = validate(personas.section, "inspectors", write(tmp_path, xlsx_bytes(rows), "f.xlsx"))
    assert [c.values["cert_no"] for c in plan.creates] == ["64010620000001"]
    assert plan.creates[0].values["employee_no"] == "123"
    assert plan.creates[0].values["phone"] == "13900000000"
    assert messages_of(plan)[0].startswith("3|执法证号|为科学计数法“6.40106E+13”")


def test_other_departments_target_is_an_error(personas, tmp_path):
    TargetFactory(credit_code=code(1), name="原名称", departments=[personas.other_dept])
    rows = [TARGET_HEADERS, target_row(code(1), "新名称")]
    plan = validate(personas.section, "targets", write(tmp_path, csv_bytes(rows), "o.csv"))
    assert messages_of(plan) == [
        "2|统一社会信用代码|该检查对象由其他部门监管，无权修改；如本部门也负有监管职责，"
        "请先在名录库页面用“纳入本部门监管”加入"
    ]


def test_other_departments_inspector_is_an_error(personas, tmp_path):
    Inspector.objects.create(
        cert_no="64010620000001", name="张三", department=personas.other_dept,
        cert_valid_from=FROM, cert_valid_to=TO,
    )  # fmt: skip
    rows = [
        INSPECTOR_HEADERS,
        ["64010620000001", "张三改", "", "", FROM, TO, "", "", "在岗", ""],
    ]
    plan = validate(personas.section, "inspectors", write(tmp_path, csv_bytes(rows), "o.csv"))
    assert messages_of(plan) == ["2|执法证号|该执法检查人员属于其他部门（商贸流通科），无权修改"]


def test_every_problem_is_reported_and_nothing_written(personas, tmp_path):
    rows = [
        TARGET_HEADERS,
        target_row(code(1), ""),
        target_row("bad", 对象类型="x"),
        target_row(code(3), 投诉举报次数="-2"),
        target_row(code(4)),
    ]
    path = write(tmp_path, csv_bytes(rows), "all.csv")
    plan = validate(personas.section, "targets", path)
    assert [(p.row, p.column) for p in plan.problems] == [
        (2, "名称"),
        (3, "统一社会信用代码"),
        (3, "对象类型"),
        (4, "投诉举报次数"),
    ]
    events = AuditEvent.objects.count()
    with pytest.raises(ImportBlocked, match="4 个错误"):
        commit(personas.section, "targets", path)
    assert not Target.objects.exists()
    assert AuditEvent.objects.count() == events


def test_bad_upload_through_job_records_failure_message(personas):
    data = csv_bytes([["甲", "乙"], ["1", "2"]])
    job = import_start(actor=personas.section, kind="targets", upload=upload(data, "x.csv"))
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert "缺少必需的列" in job.message
