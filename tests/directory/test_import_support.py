"""Helpers for the import/export tests (no tests here): build CSV/xlsx files and run imports."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from spotcheck.accounts.models import User
from spotcheck.directory.importing.columns import get_spec
from spotcheck.directory.importing.services import import_commit, import_validate
from spotcheck.directory.importing.validation import Plan

TARGET_HEADERS = get_spec("targets").headers
INSPECTOR_HEADERS = get_spec("inspectors").headers
ITEM_HEADERS = get_spec("items").headers


def csv_bytes(rows: Sequence[Sequence[Any]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, merge: str = "", formula: str = "") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    if merge:
        ws.merge_cells(merge)
    if formula:
        ws[formula] = "=1+1"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def target_row(code: str, name: str = "金凤测试有限公司", **overrides: Any) -> list[Any]:
    values = {
        "统一社会信用代码": code,
        "名称": name,
        "对象类型": "企业",
        "法定代表人/负责人": "张三",
        "住所/经营场所": "金凤区黄河东路1号",
        "行业代码": "F5211",
        "行业名称": "百货零售",
        "所属区域": "黄河东路街道",
        "隶属关系": "区属",
        "生产经营规模": "小型",
        "项目进展": "",
        "信用风险分类": "B",
        "内部监管等级": "二级",
        "重点行业": "否",
        "投诉举报次数": "0",
        "列入黑名单": "否",
        "列入经营异常名录": "否",
        "严重违法失信": "否",
        "登记状态": "存续",
        "监管部门": "",
    }
    values.update(overrides)
    return [values[h] for h in TARGET_HEADERS]


def write(tmp_path: Path, data: bytes, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def validate(user: User, kind: str, path: Path) -> Plan:
    fmt = "xlsx" if path.suffix == ".xlsx" else "csv"
    return import_validate(actor=user, kind=kind, path=path, fmt=fmt)


def commit(user: User, kind: str, path: Path, *, confirm: bool = False) -> dict[str, int]:
    fmt = "xlsx" if path.suffix == ".xlsx" else "csv"
    return import_commit(
        actor=user,
        kind=kind,
        path=path,
        fmt=fmt,
        filename=path.name,
        sha256="0" * 64,
        confirm_warnings=confirm,
    )


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def messages_of(plan: Plan) -> list[str]:
    return [f"{p.row}|{p.column}|{p.message}" for p in plan.problems]


@pytest.fixture
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to a temporary MEDIA_ROOT, not the developer's var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
