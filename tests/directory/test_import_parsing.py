"""Parsing: encodings, file sniffing, cell parsers, and round-trips of generated rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spotcheck.directory.creditcode import ALPHABET, make_code
from spotcheck.directory.importing import parsers
from spotcheck.directory.importing.columns import TARGET, Context
from spotcheck.directory.importing.parsers import CellError, Warned
from spotcheck.directory.importing.problems import ImportRefused
from spotcheck.directory.importing.reading import decode_csv, read_csv, read_xlsx, sniff_format
from spotcheck.directory.importing.validation import parse_rows
from spotcheck.directory.models import (
    Affiliation,
    CreditClass,
    Scale,
    SupervisionGrade,
    TargetKind,
    TargetStatus,
)
from tests.directory.test_import_support import TARGET_HEADERS, csv_bytes, xlsx_bytes

CTX = Context(
    department_id=1, departments_by_name={"市场建设科": 1}, department_names={1: "市场建设科"}
)
HYPO = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- sniffing and encodings ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "PNG"),
        (b"%PDF-1.7\n...", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, ".xls"),
        (b"GIF89a" + b"\x00" * 10, "GIF"),
        (b"abc\x00def", "二进制"),
    ],
)
def test_sniff_refuses_other_formats_by_content(tmp_path, settings, data, fragment):
    path = _write(tmp_path, "looks-like.csv", data)
    with pytest.raises(ImportRefused) as exc:
        sniff_format(path)
    assert fragment in exc.value.message


def test_sniff_empty_and_docx_and_zip(tmp_path):
    with pytest.raises(ImportRefused, match="文件为空"):
        sniff_format(_write(tmp_path, "e.csv", b""))
    import zipfile

    for inner, fragment in (("word/document.xml", "Word"), ("a.txt", "压缩包")):
        path = tmp_path / "x.xlsx"
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(inner, "x")
        with pytest.raises(ImportRefused, match=fragment):
            sniff_format(path)


def test_sniff_xlsx_named_csv_is_xlsx(tmp_path):
    path = _write(tmp_path, "wrong-name.csv", xlsx_bytes([["a"]]))
    assert sniff_format(path) == "xlsx"


def test_sniff_refuses_too_large(tmp_path, settings):
    settings.IMPORT_MAX_BYTES = 2048
    with pytest.raises(ImportRefused, match="文件过大"):
        sniff_format(_write(tmp_path, "big.csv", b"a,b\n" * 1000))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_decode_csv_encodings(encoding):
    text = "统一社会信用代码,名称\n91640106MA0000000X,金凤区银川市商贸有限公司\n"
    decoded, _name = decode_csv(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text


def test_decode_csv_falls_back_to_charset_normalizer():
    # Big5 bytes are neither UTF-8 nor (strictly) GB18030 everywhere; the guess must decode them.
    text = "名稱,地址\n" * 20 + "臺灣省臺北市,測試資料\n" * 50
    decoded, _ = decode_csv(text.encode("big5"))
    assert "名" in decoded or decoded  # decodes to something instead of refusing


def test_gbk_csv_reads_chinese(tmp_path):
    rows = [TARGET_HEADERS[:3], [make_code("91", "640106", "000000001"), "银川金凤商贸", "企业"]]
    path = _write(tmp_path, "gbk.csv", csv_bytes(rows, "gbk"))
    sheet = read_csv(path)
    assert sheet.header == TARGET_HEADERS[:3]
    assert list(sheet.rows) == [(2, rows[1])]


def test_excel_unicode_text_is_tab_separated_utf16(tmp_path):
    text = "\t".join(TARGET_HEADERS[:3]) + "\r\n" + "X\t名称\t企业\r\n"
    path = _write(tmp_path, "u.csv", text.encode("utf-16"))
    sheet = read_csv(path)
    assert sheet.header == TARGET_HEADERS[:3]
    assert [cells for _, cells in sheet.rows] == [["X", "名称", "企业"]]


def test_row_numbers_count_leading_blank_rows_and_skip_blank_lines(tmp_path):
    path = _write(tmp_path, "b.csv", "\n名称\n\nA\n\n".encode())
    sheet = read_csv(path)
    assert sheet.header_row == 2
    assert list(sheet.rows) == [(4, ["A"])]


def test_xlsx_merged_and_formula_are_found(tmp_path):
    path = _write(tmp_path, "m.xlsx", xlsx_bytes([["a", "b"], [1, 2]], merge="A3:B4", formula="B2"))
    _sheet, issues = read_xlsx(path)
    assert issues.merged == ["A3:B4"]
    assert issues.formulas == [(2, 1)]


# --- cell parsers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-31", dt.date(2024, 1, 31)),  # fixed-date: parser input
        ("2024/1/5", dt.date(2024, 1, 5)),  # fixed-date: parser input
        ("2024年1月5日", dt.date(2024, 1, 5)),  # fixed-date: parser input
        ("20240105", dt.date(2024, 1, 5)),  # fixed-date: parser input
        ("２０２４－０１－０５", dt.date(2024, 1, 5)),  # fixed-date: parser input
        (dt.datetime(2024, 1, 5, 0, 0), dt.date(2024, 1, 5)),  # fixed-date: parser input
        (45296.0, dt.date(2024, 1, 5)),  # fixed-date: parser input
    ],
)
def test_date_formats(raw, expected):
    assert parsers.date(raw, CTX) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2023-02-30", "日期不存在"),  # fixed-date: parser input
        ("2023-13-01", "日期不存在"),
        ("明年", "无法识别"),
        ("", "不能为空"),
    ],
)
def test_impossible_dates(raw, message):
    with pytest.raises(CellError, match=message):
        parsers.date(raw, CTX)


def test_excel_floats_in_code_columns():
    parse = parsers.code(40)
    assert parse(64010620000001.0, CTX) == "64010620000001"
    assert parse(6.4e13, CTX) == "64000000000000"
    with pytest.raises(CellError, match="科学计数法"):
        parse("6.40106E+13", CTX)
    with pytest.raises(CellError, match="文本"):
        parse(1.2345678901234567e17, CTX)
    with pytest.raises(CellError, match="文本"):
        parse(12.5, CTX)


def test_credit_code_error_and_warning():
    good = make_code("91", "640106", "123456789")
    assert parsers.credit_code(good, CTX) == good
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    result = parsers.credit_code(bad_check, CTX)
    assert isinstance(result, Warned) and "校验位" in result.warning
    with pytest.raises(CellError, match="18位"):
        parsers.credit_code("12345", CTX)
    with pytest.raises(CellError, match="不允许的字符"):
        parsers.credit_code("91640106MA0000000I", CTX)
    assert parsers.credit_code("640106000012345", CTX) == "640106000012345"  # legacy 注册号


@pytest.mark.parametrize(
    ("parse", "raw", "expected"),
    [
        (TARGET.columns[2].parse, "企业", TargetKind.ENTERPRISE),
        (TARGET.columns[2].parse, "enterprise", TargetKind.ENTERPRISE),
        (TARGET.columns[2].parse, "个体工商户", TargetKind.INDIVIDUAL),
        (parsers.choice(CreditClass, CreditClass.B), "A", "A"),
        (parsers.choice(CreditClass, CreditClass.B), "a类", "A"),
        (parsers.choice(CreditClass, CreditClass.B), "D类（高风险）", "D"),
        (parsers.choice(CreditClass, CreditClass.B), "", "B"),
        (parsers.choice(SupervisionGrade, 2), "三级", 3),
        (parsers.choice(SupervisionGrade, 2), 4.0, 4),
        (parsers.choice(Affiliation, Affiliation.DISTRICT), "区属", "district"),
        (parsers.boolean(), "是", True),
        (parsers.boolean(), "否", False),
        (parsers.boolean(), "Y", True),
        (parsers.boolean(), "", False),
        (parsers.boolean(), True, True),
    ],
)
def test_choice_labels(parse, raw, expected):
    assert parse(raw, CTX) == expected


def test_invalid_choice_names_allowed_values():
    with pytest.raises(CellError) as exc:
        parsers.choice(Scale, "")("巨型", CTX)
    assert "巨型" in str(exc.value) and "大型" in str(exc.value)
    with pytest.raises(CellError, match="是”或“否"):
        parsers.boolean()("也许", CTX)


def test_count_parser():
    assert parsers.count("３", CTX) == 3
    assert parsers.count(5.0, CTX) == 5
    assert parsers.count("", CTX) == 0
    with pytest.raises(CellError):
        parsers.count("-1", CTX)
    with pytest.raises(CellError):
        parsers.count(2.5, CTX)


# --- properties ------------------------------------------------------------------------------

FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


@HYPO
@given(
    body=st.text(alphabet=ALPHABET, min_size=9, max_size=9),
    widen=st.lists(st.booleans(), min_size=18, max_size=18),
    pad=st.sampled_from(["", " ", "\u3000", "\t", " \u3000 "]),
    lower=st.booleans(),
)
def test_full_width_and_spaces_normalise(body, widen, pad, lower):
    code = make_code("91", "640106", body)
    shown = "".join(FULL_WIDTH[c] if w else c for c, w in zip(code, widen, strict=True))
    if lower:
        shown = shown.lower()
    raw = pad + shown[:9] + (" " if pad else "") + shown[9:] + pad
    assert parsers.credit_code(raw, CTX) == code


SAFE_TEXT = st.text(
    alphabet=st.sampled_from(
        list("金凤区银川市黄河东路商贸有限公司科技甲乙丙丁ABCxyz0123456789-()（）号·")
    ),
    max_size=30,
).map(str.strip)

target_values = st.fixed_dictionaries(
    {
        "credit_code": st.text(alphabet=ALPHABET, min_size=9, max_size=9).map(
            lambda b: make_code("91", "640106", b)
        ),
        "name": SAFE_TEXT.filter(bool),
        "kind": st.sampled_from(TargetKind.values),
        "legal_representative": SAFE_TEXT,
        "address": SAFE_TEXT,
        "industry_code": st.sampled_from(["", "F5211", "O8010", "L72"]),
        "region": SAFE_TEXT,
        "affiliation": st.sampled_from(Affiliation.values),
        "scale": st.sampled_from([*Scale.values, ""]),
        "credit_class": st.sampled_from(CreditClass.values),
        "supervision_grade": st.sampled_from(SupervisionGrade.values),
        "key_industry": st.booleans(),
        "complaint_count": st.integers(0, 10_000),
        "blacklisted": st.booleans(),
        "status": st.sampled_from(TargetStatus.values),
    }
)


def _render_row(values: dict[str, Any]) -> list[Any]:
    by_field = {c.field: c for c in TARGET.columns}
    row = []
    for column in TARGET.columns:
        if column.field in values:
            row.append(column.render(values[column.field], CTX))
        elif column.m2m:
            row.append("市场建设科")
        else:
            row.append("")
    assert len(row) == len(by_field)
    return row


def _expected(values: dict[str, Any]) -> dict[str, Any]:
    return {**values, "departments": frozenset({1})}


@HYPO
@given(rows=st.lists(target_values, min_size=1, max_size=8, unique_by=lambda v: v["credit_code"]))
def test_generated_rows_round_trip_through_csv_and_xlsx(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("rt")
    table = [TARGET_HEADERS, *(_render_row(v) for v in rows)]
    files = {
        "utf8.csv": csv_bytes(table, "utf-8"),
        "bom.csv": csv_bytes(table, "utf-8-sig"),
        "gbk.csv": csv_bytes(table, "gb18030"),
        "x.xlsx": xlsx_bytes(table),
    }
    for name, data in files.items():
        path = _write(folder, name, data)
        sheet, issues = read_xlsx(path) if name.endswith("xlsx") else (read_csv(path), None)
        parsed, problems = parse_rows(TARGET, sheet, CTX, issues=issues)
        assert problems == [], (name, problems)
        assert [p.row for p in parsed] == list(range(2, len(rows) + 2))
        for got, want in zip(parsed, rows, strict=True):
            subset = {k: got.values[k] for k in _expected(want)}
            assert subset == _expected(want), name
