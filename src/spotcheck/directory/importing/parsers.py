"""Cell parsers and renderers used by the column tables (columns.py).

A parser turns a raw cell (str, float, date … as read from CSV or xlsx) into a model value or
raises CellError with a Chinese reason; a renderer turns a stored value back into a cell.

The column tables themselves: see columns.py.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext

from spotcheck.directory.creditcode import check_code, normalise_code
from spotcheck.directory.models import TargetKind

LIST_SEPARATOR = "、"
# Users type lists with whatever separator is at hand; all of these mean "next value".
_LIST_SPLIT = re.compile(r"[、,，;；\n]+")
# Excel shows long numbers as 6.40106E+13 and saves them that way to CSV: the digits are lost.
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?E[+-]?\d+$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel keeps 15 significant digits; a larger whole number read as float may already be wrong.
_EXACT_FLOAT_LIMIT = 10**15


class CellError(ValueError):
    """The cell cannot be used; the message (Chinese) names what is wrong with it."""


@dataclass(frozen=True, slots=True)
class Warned:
    """A usable value with a warning the importing user must confirm (credit-code checksum)."""

    value: Any
    warning: str


@dataclass
class Context:
    """Look-ups a few parsers need, loaded once per import (never per row)."""

    department_id: int | None = None
    departments_by_name: dict[str, int] = field(default_factory=dict)
    department_names: dict[int, str] = field(default_factory=dict)
    items_by_code: dict[str, int] = field(default_factory=dict)
    item_codes: dict[int, str] = field(default_factory=dict)


# --- cell → text -----------------------------------------------------------------------------


def cell_text(raw: Any) -> str:
    """Any cell value as the text a person sees; strips surrounding (incl. full-width) spaces."""
    if type(raw) is str:  # the common case first: this runs for every cell
        if "\r" in raw:
            raw = raw.replace("\r\n", "\n").replace("\r", "\n")
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < _EXACT_FLOAT_LIMIT:
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat(" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def lookup_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def _code_text(raw: Any) -> str:
    if isinstance(raw, float):
        if not raw.is_integer() or abs(raw) >= _EXACT_FLOAT_LIMIT:
            raise CellError(
                gettext(
                    "被 Excel 存为数字（%(value)s），位数已丢失，请将该列设为“文本”格式后重新填写"
                )
                % {"value": format(raw, "g")}
            )
        raw = str(int(raw))
    text = cell_text(raw)
    # Fast path for plain ASCII codes; anything else gets the full width/space normalisation.
    code = text.upper() if text.isascii() and text.isalnum() else normalise_code(text)
    if _SCIENTIFIC.match(code):
        raise CellError(
            gettext("为科学计数法“%(value)s”，数字已丢失，请将该列设为“文本”格式后重新填写")
            % {"value": code}
        )
    return code


# --- parsers (raw cell, context) → value -----------------------------------------------------

Parser = Callable[[Any, Context], Any]
Renderer = Callable[[Any, Context], Any]


def text(max_length: int, *, required: bool = False) -> Parser:
    def parse(raw: Any, ctx: Context) -> str:
        value = cell_text(raw)
        if required and not value:
            raise CellError(gettext("不能为空"))
        if len(value) > max_length:
            raise CellError(
                gettext("不能超过%(max)s个字符（当前%(n)s个）")
                % {"max": max_length, "n": len(value)}
            )
        return value

    return parse


def code(max_length: int) -> Parser:
    def parse(raw: Any, ctx: Context) -> str:
        value = _code_text(raw)
        if not value:
            raise CellError(gettext("不能为空"))
        if len(value) > max_length:
            raise CellError(
                gettext("不能超过%(max)s个字符（当前%(n)s个）")
                % {"max": max_length, "n": len(value)}
            )
        return value

    return parse


def optional_code(max_length: int) -> Parser:
    def parse(raw: Any, ctx: Context) -> str:
        value = _code_text(raw)
        if len(value) > max_length:
            raise CellError(
                gettext("不能超过%(max)s个字符（当前%(n)s个）")
                % {"max": max_length, "n": len(value)}
            )
        return value

    return parse


def credit_code(raw: Any, ctx: Context) -> str | Warned:
    result = check_code(_code_text(raw))
    if result.error:
        raise CellError(result.error)
    if result.warning:
        return Warned(result.code, result.warning)
    return result.code


def _choice_map(choices: type[models.Choices], extra: dict[str, Any] | None = None) -> dict:
    mapping: dict[str, Any] = {}
    for value, label in choices.choices:
        for alias in (str(value), str(label), str(label).split("（")[0]):
            if alias:
                mapping[lookup_key(alias)] = value
    for alias, value in (extra or {}).items():
        mapping[lookup_key(alias)] = value
    return mapping


def _exact_map(choices: type[models.Choices], extra: dict[str, Any] | None = None) -> dict:
    """The spellings templates and exports use, matched without normalising (fast path)."""
    mapping: dict[str, Any] = {}
    for value, label in choices.choices:
        for alias in (str(value), str(label), str(label).split("（")[0]):
            if alias:
                mapping.setdefault(alias, value)
    return {**mapping, **(extra or {})}


def choice(
    choices: type[models.Choices],
    default: Any,
    *,
    extra: dict[str, Any] | None = None,
) -> Parser:
    mapping = _choice_map(choices, extra)
    exact = _exact_map(choices, extra)
    allowed = "、".join(str(label).split("（")[0] for label in choices.labels if label)

    def parse(raw: Any, ctx: Context) -> Any:
        value = cell_text(raw)
        if not value:
            return default
        if value in exact:
            return exact[value]
        try:
            return mapping[lookup_key(value)]
        except KeyError:
            raise CellError(
                gettext("取值“%(value)s”无效，可选：%(allowed)s")
                % {"value": value, "allowed": allowed}
            ) from None

    return parse


def choice_label(choices: type[models.Choices], *, short: bool = False) -> Renderer:
    labels = {value: str(label) for value, label in choices.choices}

    def render(value: Any, ctx: Context) -> str:
        label = labels.get(value, str(value))
        return label.split("（")[0] if short else label

    return render


_BOOL = {
    **dict.fromkeys(("是", "y", "yes", "true", "1", "√", "✓", "有"), True),
    **dict.fromkeys(("否", "n", "no", "false", "0", "×", "✗", "无"), False),
}


def boolean(default: bool = False) -> Parser:
    def parse(raw: Any, ctx: Context) -> bool:
        if isinstance(raw, bool):
            return raw
        value = cell_text(raw)
        if not value:
            return default
        if value == "否":
            return False
        if value == "是":
            return True
        try:
            return _BOOL[lookup_key(value)]
        except KeyError:
            raise CellError(
                gettext("取值“%(value)s”无效，请填写“是”或“否”") % {"value": value}
            ) from None

    return parse


def render_bool(value: Any, ctx: Context) -> str:
    return "是" if value else "否"


def count(raw: Any, ctx: Context) -> int:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if float(raw).is_integer() and raw >= 0:
            return int(raw)
        raise CellError(
            gettext("应为不小于0的整数，实际为“%(value)s”") % {"value": format(raw, "g")}
        )
    value = cell_text(raw)
    if not value:
        return 0
    value = unicodedata.normalize("NFKC", value)
    if not value.isdigit():
        raise CellError(gettext("应为不小于0的整数，实际为“%(value)s”") % {"value": value})
    return int(value)


def date(raw: Any, ctx: Context) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        # A date cell formatted as "General" arrives as Excel's day serial number.
        if 1 <= raw < 2958466 and float(raw).is_integer():
            return _EXCEL_EPOCH + dt.timedelta(days=int(raw))
        raise CellError(
            gettext(
                "日期格式无法识别：“%(value)s”，请按 2024-01-31 格式填写"
            )  # fixed-date: an example format
            % {"value": format(raw, "g")}
        )
    value = unicodedata.normalize("NFKC", cell_text(raw))
    if not value:
        raise CellError(gettext("不能为空"))
    match = _DATE.match(value) or _DATE_COMPACT.match(value)
    if not match:
        raise CellError(
            gettext(
                "日期格式无法识别：“%(value)s”，请按 2024-01-31 格式填写"
            )  # fixed-date: an example format
            % {"value": value}
        )
    year, month, day = (int(x) for x in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(gettext("日期不存在：“%(value)s”") % {"value": value}) from None


def render_date(value: Any, ctx: Context) -> Any:
    return value


def _split(raw: Any) -> list[str]:
    seen: dict[str, None] = {}
    for part in _LIST_SPLIT.split(cell_text(raw)):
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)


def department(raw: Any, ctx: Context) -> int | None:
    name = cell_text(raw)
    if not name:
        return None  # the importer's own department, decided by the validator
    try:
        return ctx.departments_by_name[lookup_key(name)]
    except KeyError:
        raise CellError(gettext("部门“%(name)s”不存在") % {"name": name}) from None


def render_department(value: Any, ctx: Context) -> str:
    return ctx.department_names.get(value, "")


def departments(raw: Any, ctx: Context) -> frozenset[int]:
    ids = []
    unknown = []
    for name in _split(raw):
        dept_id = ctx.departments_by_name.get(lookup_key(name))
        if dept_id is None:
            unknown.append(name)
        else:
            ids.append(dept_id)
    if unknown:
        raise CellError(gettext("部门“%(name)s”不存在") % {"name": "、".join(unknown)})
    return frozenset(ids)


def render_departments(value: Iterable[int], ctx: Context) -> str:
    return LIST_SEPARATOR.join(sorted(ctx.department_names[i] for i in value))


def item_codes(raw: Any, ctx: Context) -> frozenset[int]:
    ids = []
    unknown = []
    for part in _split(raw):
        item_code = normalise_code(part)
        item_id = ctx.items_by_code.get(item_code)
        if item_id is None:
            unknown.append(item_code)
        else:
            ids.append(item_id)
    if unknown:
        raise CellError(gettext("抽查事项编码“%(codes)s”不存在") % {"codes": "、".join(unknown)})
    return frozenset(ids)


def render_item_codes(value: Iterable[int], ctx: Context) -> str:
    return LIST_SEPARATOR.join(sorted(ctx.item_codes[i] for i in value))


_KIND_ORDER = {value: i for i, value in enumerate(TargetKind.values)}
_KIND_MAP = _choice_map(TargetKind)


def target_kinds(raw: Any, ctx: Context) -> tuple[str, ...]:
    values = []
    for part in _split(raw):
        value = _KIND_MAP.get(lookup_key(part))
        if value is None:
            allowed = "、".join(str(label) for label in TargetKind.labels)
            raise CellError(
                gettext("对象类型“%(value)s”无效，可选：%(allowed)s")
                % {"value": part, "allowed": allowed}
            )
        values.append(value)
    return canon_kinds(values)


def canon_kinds(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values), key=lambda v: _KIND_ORDER.get(v, 99)))


def render_kinds(value: Iterable[str], ctx: Context) -> str:
    labels = dict(TargetKind.choices)
    return LIST_SEPARATOR.join(str(labels.get(v, v)) for v in canon_kinds(value))


def render_plain(value: Any, ctx: Context) -> Any:
    return "" if value is None else value


def canon_text(value: Any) -> str:
    return cell_text(value)


def canon_code(value: Any) -> str:
    return normalise_code(value or "")


def canon_same(value: Any) -> Any:
    return value
