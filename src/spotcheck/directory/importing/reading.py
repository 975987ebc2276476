"""Turning an uploaded file into a header and rows of raw cell values.

The file type is decided by its bytes, never by its name: xlsx is a zip holding
``xl/workbook.xml``; CSV is text without NUL bytes. CSV encodings are tried in the order Chinese
Excel users produce them: UTF-8 (with or without BOM) strictly, then GB18030 (a superset of GBK),
then charset-normalizer's guess.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from spotcheck.directory.importing.problems import ImportRefused, column_letter

XLSX = "xlsx"
CSV = "csv"
_SNIFF = 8192

_OTHER_FORMATS = (
    (
        b"\xd0\xcf\x11\xe0",
        gettext_noop("旧版 Excel（.xls）或 Word 文件，请在 Excel 中“另存为” .xlsx 或 CSV"),
    ),
    (b"%PDF", gettext_noop("PDF 文件")),
    (b"\x89PNG", gettext_noop("PNG 图片")),
    (b"\xff\xd8\xff", gettext_noop("JPEG 图片")),
    (b"GIF8", gettext_noop("GIF 图片")),
    (b"Rar!", gettext_noop("RAR 压缩包")),
    (b"\x1f\x8b", gettext_noop("gzip 压缩包")),
    (b"7z\xbc\xaf", gettext_noop("7z 压缩包")),
)


def sniff_format(path: Path) -> str:
    """Return XLSX or CSV, or raise ImportRefused saying what the file is instead."""
    size = path.stat().st_size
    if size == 0:
        raise ImportRefused(gettext("文件为空"))
    if size > settings.IMPORT_MAX_BYTES:
        raise ImportRefused(
            gettext("文件过大（%(size)s MB），上限为 %(limit)s MB，请拆分后分批导入")
            % {
                "size": format(size / 1048576, ".1f"),
                "limit": format(settings.IMPORT_MAX_BYTES / 1048576, ".0f"),
            }
        )
    with path.open("rb") as fh:
        head = fh.read(_SNIFF)
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise ImportRefused(gettext("文件已损坏：看似 xlsx 但无法解压")) from None
        if "xl/workbook.xml" in names:
            return XLSX
        if "word/document.xml" in names:
            raise ImportRefused(gettext("这是 Word 文件，不是 xlsx 或 CSV 表格"))
        raise ImportRefused(gettext("这是一个压缩包，不是 xlsx 或 CSV 表格"))
    for magic, what in _OTHER_FORMATS:
        if head.startswith(magic):
            raise ImportRefused(
                gettext("不支持该文件：这是%(what)s。请上传 .xlsx 或 .csv 文件")
                % {"what": gettext(what)}
            )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return CSV  # Excel's "Unicode text": UTF-16, tab-separated
    if b"\x00" in head:
        raise ImportRefused(gettext("不支持该文件：不是 .xlsx 或 .csv 表格（含二进制内容）"))
    return CSV


@dataclass
class Sheet:
    """Rows of raw cells; ``rows`` yields (row number as the user sees it, cells)."""

    header_row: int
    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    row_count: int  # data rows (excluding the header and blank rows at the end)
    encoding: str = ""


# --- CSV ------------------------------------------------------------------------------------


def decode_csv(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "GB18030/GBK"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1024 * 1024]).best()
    if best is not None:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    raise ImportRefused(
        gettext("无法识别 CSV 文件的文字编码，请另存为“CSV UTF-8（逗号分隔）”后重试")
    )


def _delimiter(first_line: str) -> str:
    if "\t" in first_line and "," not in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


def read_csv(path: Path) -> Sheet:
    text, encoding = decode_csv(path.read_bytes())
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportRefused(gettext("CSV 格式错误：%(error)s") % {"error": exc}) from None
    # Row numbers count records, not physical lines: a quoted cell may span lines, and Excel
    # shows such a record as one row too.
    return _sheet_from_rows(rows, start_row=1, encoding=encoding)


def _is_blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _sheet_from_rows(rows: list[list[Any]], *, start_row: int, encoding: str = "") -> Sheet:
    first = 0
    while first < len(rows) and _is_blank(rows[first]):
        first += 1
    if first == len(rows):
        raise ImportRefused(gettext("文件中没有任何内容（表头和数据均为空）"))
    last = len(rows)
    while last > first + 1 and _is_blank(rows[last - 1]):
        last -= 1
    header = [_header_text(c) for c in rows[first]]
    data_count = last - first - 1
    if data_count > settings.IMPORT_MAX_ROWS:
        raise ImportRefused(
            gettext("文件有 %(rows)s 行数据，超过单次导入上限 %(limit)s 行，请拆分后分批导入")
            % {"rows": data_count, "limit": settings.IMPORT_MAX_ROWS}
        )

    def iterate() -> Iterator[tuple[int, list[Any]]]:
        for index in range(first + 1, last):
            cells = rows[index]
            if not _is_blank(cells):
                yield start_row + index, cells

    return Sheet(
        header_row=start_row + first,
        header=header,
        rows=iterate(),
        row_count=data_count,
        encoding=encoding,
    )


def _header_text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


# --- xlsx -----------------------------------------------------------------------------------

_SHEET_TARGET = re.compile(rb'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"')
_SHEET_TARGET_REV = re.compile(rb'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"')
_FIRST_SHEET_RID = re.compile(rb'<sheet [^>]*r:id="([^"]+)"')
_FORMULA = re.compile(rb"<f[ >/]")


def _first_sheet_path(zf: zipfile.ZipFile) -> str:
    workbook = zf.read("xl/workbook.xml")
    rels = zf.read("xl/_rels/workbook.xml.rels")
    match = _FIRST_SHEET_RID.search(workbook)
    if match:
        rid = match.group(1)
        targets = {m.group(1): m.group(2) for m in _SHEET_TARGET.finditer(rels)}
        targets |= {m.group(2): m.group(1) for m in _SHEET_TARGET_REV.finditer(rels)}
        target = targets.get(rid, b"").decode()
        if target:
            return target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return "xl/worksheets/sheet1.xml"


def _has_formula(path: Path) -> bool:
    """Cheap stream scan of the first sheet's XML for ``<f>`` elements."""
    with zipfile.ZipFile(path) as zf:
        name = _first_sheet_path(zf)
        if name not in zf.namelist():
            return False
        tail = b""
        with zf.open(name) as fh:
            while chunk := fh.read(1 << 20):
                if _FORMULA.search(tail + chunk):
                    return True
                tail = chunk[-8:]
    return False


def _formula_cells(path: Path, limit: int = 50) -> list[tuple[int, int]]:
    """(row, column index) of formula cells, found with openpyxl in read-only mode."""
    import openpyxl

    found: list[tuple[int, int]] = []
    wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows():
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    found.append((cell.row, cell.column - 1))
                    if len(found) >= limit:
                        return found
    finally:
        wb.close()
    return found


@dataclass
class XlsxIssues:
    merged: list[str]  # "A5:B6"
    formulas: list[tuple[int, int]]  # (row, column index)


def read_xlsx(path: Path) -> tuple[Sheet, XlsxIssues]:
    import python_calamine

    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise ImportRefused(gettext("工作簿中没有工作表"))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
        merged_ranges = sheet.merged_cell_ranges or []
    except ImportRefused:
        raise
    except Exception as exc:  # calamine raises several types for damaged files
        raise ImportRefused(
            gettext("无法读取 xlsx 文件（文件可能已损坏或加密）：%(error)s") % {"error": exc}
        ) from None
    if not rows or all(_is_blank(r) for r in rows):
        raise ImportRefused(gettext("工作表为空：第一个工作表中没有表头和数据"))
    merged = [
        f"{column_letter(c0)}{r0 + 1}:{column_letter(c1)}{r1 + 1}"
        for (r0, c0), (r1, c1) in merged_ranges
    ]
    formulas = _formula_cells(path) if _has_formula(path) else []
    return _sheet_from_rows(rows, start_row=1), XlsxIssues(merged=merged, formulas=formulas)


def estimate_rows(path: Path, fmt: str) -> int:
    """A quick upper bound on data rows, to decide between inline and background work."""
    if fmt == CSV:
        with path.open("rb") as fh:
            lines = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
        return max(lines - 1, 0)
    with zipfile.ZipFile(path) as zf:
        name = _first_sheet_path(zf)
        with zf.open(name) as fh:
            head = fh.read(4096)
    match = re.search(rb'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    if match:
        return max(int(match.group(1)) - 1, 0)
    with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
        return sum(chunk.count(b"<row ") for chunk in iter(lambda: fh.read(1 << 20), b""))
