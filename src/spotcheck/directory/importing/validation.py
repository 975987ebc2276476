"""Dry run: map headers, parse every cell, find duplicates, and diff against the database.

Nothing here writes. The result is a :class:`Plan`: rows to create, rows to update (with the
fields that change), the number of unchanged rows, and every problem found. The commit step
recomputes the plan inside its transaction, so what is written always matches the database it
is written to.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext

from spotcheck.directory.creditcode import normalise_code
from spotcheck.directory.importing.columns import Column, Spec
from spotcheck.directory.importing.parsers import CellError, Context, Warned, cell_text
from spotcheck.directory.importing.problems import (
    ERROR,
    WARNING,
    ImportRefused,
    Problem,
    column_letter,
)
from spotcheck.directory.importing.reading import Sheet, XlsxIssues
from spotcheck.directory.importing.supervision import (
    OWN_FIELDS,
    own_attributes,
    seen_by_department,
)

Progress = Callable[[int, int], None]
CHUNK = 1000
MAX_STORED_PROBLEMS = 10_000
MAX_STORED_CHANGES = 500


def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"\s+", "", text)
    return re.sub(r"(\*|\(必填\)|必填)$", "", text)


def map_header(spec: Spec, header: list[str]) -> dict[int, Column]:
    """Column index → Column; refuses the file naming missing, unknown or repeated headers."""
    wanted = {_header_key(c.header): c for c in spec.columns}
    found: dict[int, Column] = {}
    seen: dict[str, int] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, raw in enumerate(header):
        if not raw:
            continue
        key = _header_key(raw)
        column = wanted.get(key)
        if column is None:
            unknown.append(
                gettext("“%(header)s”（%(letter)s列）")
                % {"header": raw, "letter": column_letter(index)}
            )
        elif key in seen:
            repeated.append(f"“{raw}”")
        else:
            seen[key] = index
            found[index] = column
    present = {c.field for c in found.values()}
    missing = [c.header for c in spec.columns if c.required and c.field not in present]
    messages = []
    if missing:
        messages.append(gettext("缺少必需的列：%(columns)s") % {"columns": "、".join(missing)})
    if unknown:
        messages.append(gettext("无法识别的列：%(columns)s") % {"columns": "、".join(unknown)})
    if repeated:
        messages.append(gettext("重复的列：%(columns)s") % {"columns": "、".join(repeated)})
    if messages:
        if not found:
            messages.insert(
                0,
                gettext("表头与“%(template)s”导入模板不符（表头应在第一行）")
                % {"template": gettext(spec.label)},
            )
        messages.append(gettext("模板的列为：%(columns)s") % {"columns": "、".join(spec.headers)})
        raise ImportRefused(gettext("；").join(messages))
    return found


@dataclass
class ParsedRow:
    row: int
    values: dict[str, Any]
    warnings: list[Problem] = field(default_factory=list)


@dataclass
class Create:
    row: int
    values: dict[str, Any]
    m2m: dict[str, frozenset[int]]
    confirmed_code: bool = False


@dataclass
class Update:
    row: int
    pk: int
    key: str
    fields: list[str]
    m2m: dict[str, frozenset[int]]  # only the m2m fields whose set changes
    m2m_fields: tuple[str, ...] = ()  # all m2m fields of the model (history snapshots them)
    values: dict[str, Any] = field(default_factory=dict)  # field → new value
    instance: Any = None  # loaded with the new values set, once the whole file is compared
    own: dict[str, Any] = field(default_factory=dict)  # the importer's own values (shared target)


@dataclass
class Plan:
    spec: Spec
    rows: int = 0
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.level == ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.problems if p.level == WARNING)

    def summary(self) -> dict[str, Any]:
        problems = sorted(self.problems, key=lambda p: (p.row or 0, p.level != ERROR))
        headers = {c.field: c.header for c in self.spec.columns}
        changes: list[dict[str, Any]] = []
        for create in self.creates[:MAX_STORED_CHANGES]:
            changes.append(
                {"row": create.row, "key": create.values[self.spec.key], "action": "create"}
            )
        for update in self.updates[: MAX_STORED_CHANGES - len(changes)]:
            changes.append(
                {
                    "row": update.row,
                    "key": update.key,
                    "action": "update",
                    "fields": [
                        headers.get(f, f)
                        for f in [*update.fields, *update.own, *update.m2m]
                        if f in headers
                    ],
                }
            )
        changes.sort(key=lambda c: c["row"])
        return {
            "rows": self.rows,
            "created": len(self.creates),
            "updated": len(self.updates),
            "unchanged": self.unchanged,
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": [p.as_dict() for p in problems[:MAX_STORED_PROBLEMS]],
            "problems_total": len(problems),
            "changes": changes,
        }


def _noop(done: int, total: int) -> None:
    pass


def parse_rows(
    spec: Spec,
    sheet: Sheet,
    ctx: Context,
    *,
    issues: XlsxIssues | None = None,
    progress: Progress = _noop,
) -> tuple[list[ParsedRow], list[Problem]]:
    columns = map_header(spec, sheet.header)
    problems: list[Problem] = []
    unnamed = [i for i, h in enumerate(sheet.header) if not h]
    reported_unnamed: set[int] = set()
    if issues:
        for cell_range in issues.merged:
            row = int(re.sub(r"^[A-Z]+", "", cell_range.split(":")[0]))
            problems.append(
                Problem(
                    row,
                    "",
                    gettext("%(cells)s 为合并单元格，请取消合并并在每一行填写完整的值")
                    % {"cells": cell_range},
                )
            )
        for row, col in issues.formulas:
            column = columns.get(col)
            name = (
                column.header
                if column
                else gettext("%(letter)s列") % {"letter": column_letter(col)}
            )
            problems.append(
                Problem(
                    row,
                    name,
                    gettext("第%(row)s行「%(name)s」为公式，请粘贴为数值")
                    % {"row": row, "name": name},
                )
            )
    formula_cells = {(r, c) for r, c in issues.formulas} if issues else set()

    key_column = spec.key_column
    first_row_of: dict[str, int] = {}
    parsed: list[ParsedRow] = []
    items = [(i, c, c.parse, c.required) for i, c in columns.items()]
    total = sheet.row_count
    for count, (rownum, cells) in enumerate(sheet.rows, start=1):
        if count % 2000 == 0:
            progress(count, total)
        values: dict[str, Any] = {}
        warnings: list[Problem] = []
        bad = False
        width = len(cells)
        for index, column, parse, required in items:
            raw = cells[index] if index < width else None
            if formula_cells and (rownum, index) in formula_cells:
                bad = True  # reported once, above
                continue
            try:
                value = parse(raw, ctx)
            except CellError as exc:
                problems.append(Problem(rownum, column.header, str(exc)))
                bad = True
                continue
            # Checked on the parsed value: cheaper than inspecting every raw cell first.
            if required and (value is None or value == ""):
                problems.append(Problem(rownum, column.header, gettext("不能为空")))
                bad = True
                continue
            if type(value) is Warned:
                warnings.append(Problem(rownum, column.header, value.warning, WARNING))
                value = value.value
            values[column.field] = value
        # Data under an empty header (or right of the last header) would be silently dropped.
        for index in (*unnamed, *range(len(sheet.header), width)):
            if index < width and index not in reported_unnamed and cell_text(cells[index]):
                reported_unnamed.add(index)
                letter = column_letter(index)
                message = gettext("%(letter)s列没有表头但填写了内容，请补上表头或删除该列") % {
                    "letter": letter
                }
                problems.append(
                    Problem(rownum, gettext("%(letter)s列") % {"letter": letter}, message)
                )
                bad = True
        key = values.get(spec.key)
        if key:
            first = first_row_of.setdefault(key, rownum)
            if first != rownum:
                problems.append(
                    Problem(
                        rownum,
                        key_column.header,
                        gettext("%(column)s“%(key)s”在第%(first)s行和第%(row)s行重复")
                        % {"column": key_column.header, "key": key, "first": first, "row": rownum},
                    )
                )
                bad = True
        # The one rule across two columns (inspectors' certificate validity).
        start, end = values.get("cert_valid_from"), values.get("cert_valid_to")
        if start and end and end < start:
            problems.append(Problem(rownum, "执法证有效期止", gettext("有效期止不能早于有效期起")))
            bad = True
        if not bad:
            parsed.append(ParsedRow(rownum, values, warnings))
        else:
            problems.extend(warnings)
    progress(total, total)
    return parsed, problems


def build_plan(
    spec: Spec,
    sheet: Sheet,
    ctx: Context,
    *,
    issues: XlsxIssues | None = None,
    progress: Progress = _noop,
) -> Plan:
    if ctx.department_id is None:
        raise ImportRefused(gettext("您没有所属部门，不能导入"))
    total = sheet.row_count

    # One denominator throughout: the file's row count (parsing is the first half of the work,
    # comparing with the directory the second), so a 20000-row file never reads "of 40000".
    def parse_progress(done: int, _total: int) -> None:
        progress(done // 2, total)

    def diff_progress(done: int, _total: int) -> None:
        progress((total + done) // 2, total)

    parsed, problems = parse_rows(spec, sheet, ctx, issues=issues, progress=parse_progress)
    plan = Plan(spec=spec, rows=total, problems=problems)
    if total == 0:
        raise ImportRefused(gettext("文件只有表头，没有数据行"))
    _diff(plan, parsed, ctx, progress=diff_progress)
    progress(total, total)
    return plan


def _attnames(model: type[models.Model]) -> dict[str, str]:
    return {f.name: getattr(f, "attname", f.name) for f in model._meta.get_fields()}


def _m2m_sets(
    model: type[models.Model], field_name: str, pks: list[int]
) -> dict[int, frozenset[int]]:
    m2m_field = model._meta.get_field(field_name)
    through = m2m_field.remote_field.through  # type: ignore[union-attr]
    source = m2m_field.m2m_column_name()  # type: ignore[union-attr]
    target = m2m_field.m2m_reverse_name()  # type: ignore[union-attr]
    sets: dict[int, set[int]] = {pk: set() for pk in pks}
    for owner, other in through.objects.filter(**{f"{source}__in": pks}).values_list(
        source, target
    ):
        sets[owner].add(other)
    return {pk: frozenset(s) for pk, s in sets.items()}


def _diff(plan: Plan, parsed: list[ParsedRow], ctx: Context, *, progress: Progress) -> None:
    spec = plan.spec
    model = spec.model
    attnames = _attnames(model)
    m2m_fields = tuple(c.field for c in spec.columns if c.m2m)
    own = ctx.department_id
    headers = {c.field: c.header for c in spec.columns}
    dept_name = ctx.department_names.get(own or 0, "")

    # One query for every existing key; keys are compared in normalised form.
    existing: dict[str, int] = {
        normalise_code(key): pk for pk, key in model._default_manager.values_list("pk", spec.key)
    }
    concrete = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
    matched = [
        (row, existing[row.values[spec.key]]) for row in parsed if row.values[spec.key] in existing
    ]
    creates = [row for row in parsed if row.values[spec.key] not in existing]

    for row in creates:
        values = dict(row.values)
        m2m = {name: values.pop(name) for name in m2m_fields if name in values}
        if spec.kind == "targets":
            others = m2m.get("departments", frozenset()) - {own}
            if others:
                plan.problems.append(_other_departments(row.row, headers, others, ctx))
                continue
            m2m["departments"] = frozenset({own})
        else:
            chosen = values.get("department")
            if chosen not in (None, own):
                plan.problems.append(
                    Problem(
                        row.row,
                        headers["department"],
                        gettext("只能导入本部门（%(department)s）的%(noun)s")
                        % {"department": dept_name, "noun": gettext(spec.noun)},
                    )
                )
                continue
            values.pop("department", None)
            values["department_id"] = own
        plan.creates.append(Create(row.row, values, m2m, confirmed_code=bool(row.warnings)))
        plan.problems.extend(row.warnings)

    done = len(creates)
    for start in range(0, len(matched), CHUNK):
        chunk = matched[start : start + CHUNK]
        pks = [pk for _, pk in chunk]
        # Plain values, not model instances: most rows of a re-import are unchanged, and
        # instances (needed for the history rows) are fetched below only for changed ones.
        current = {
            values["pk"]: values
            for values in model._default_manager.filter(pk__in=pks).values("pk", *concrete)
        }
        sets = {name: _m2m_sets(model, name, pks) for name in m2m_fields}
        own_attrs = own_attributes(own, pks) if spec.kind == "targets" else {}
        for row, pk in chunk:
            _diff_row(plan, row, current[pk], sets, ctx, attnames, m2m_fields, own_attrs)
        done += len(chunk)
        progress(done, len(parsed))
    for start in range(0, len(plan.updates), CHUNK):
        updates = plan.updates[start : start + CHUNK]
        instances = model._default_manager.in_bulk([u.pk for u in updates])
        for update in updates:
            instance = instances[update.pk]
            for name, value in update.values.items():
                setattr(instance, attnames[name], value)
            update.instance = instance


def _other_departments(row: int, headers: Any, others: frozenset[int], ctx: Context) -> Problem:
    """An import writes only into the importer's department (see docs/architecture.md)."""
    column = headers["departments"]
    header = column if isinstance(column, str) else column.header
    names = "、".join(sorted(ctx.department_names.get(d, str(d)) for d in others))
    own = ctx.department_names.get(ctx.department_id or 0, "")
    return Problem(
        row,
        header,
        gettext("只能导入本部门（%(own)s）监管的检查对象，不能把检查对象加入其他部门（%(others)s）")
        % {"own": own, "others": names},
    )


def _diff_row(
    plan: Plan,
    row: ParsedRow,
    current: dict[str, Any],
    sets: dict[str, dict[int, frozenset[int]]],
    ctx: Context,
    attnames: dict[str, str],
    m2m_fields: tuple[str, ...],
    own_attrs: dict[int, dict[str, Any]],
) -> None:
    spec = plan.spec
    own = ctx.department_id
    columns = {c.field: c for c in spec.columns}
    pk = current["pk"]
    current_sets = {name: sets[name][pk] for name in m2m_fields}
    if spec.kind == "targets":
        owned = own in current_sets["departments"]
        # Shared with other departments: the grade and flag columns are the importer's own.
        shared = owned and len(current_sets["departments"]) > 1
        if shared:
            current = seen_by_department(current, own_attrs.get(pk, {}))
    else:
        shared = False
        owned = current["department_id"] == own
    changed: list[str] = []
    m2m_new: dict[str, frozenset[int]] = {}
    wanted = dict(row.values)
    if spec.kind == "targets" and owned and "departments" in wanted:
        # Other departments' links are theirs: a row may repeat them (as an export lists
        # them) but never add one; leaving one out does not remove it either.
        added = wanted["departments"] - current_sets["departments"] - {own}
        if added:
            plan.problems.append(_other_departments(row.row, columns, added, ctx))
            return
        wanted["departments"] = frozenset(current_sets["departments"] | {own})
    if spec.kind != "targets" and wanted.get("department") is None:
        wanted.pop("department", None)  # blank: keep the record's department
    for name, new in wanted.items():
        if name == spec.key:
            continue
        column = columns[name]
        if column.m2m:
            if current_sets[name] != new:
                m2m_new[name] = new
            continue
        old = column.canon(current[attnames[name]])
        if old != new:
            changed.append(name)
    own_changes = [name for name in changed if shared and name in OWN_FIELDS]
    changed = [name for name in changed if name not in own_changes]
    if not changed and not m2m_new and not own_changes:
        plan.unchanged += 1
        return
    if not owned:
        if spec.kind == "targets":
            message = gettext(
                "该检查对象由其他部门监管，无权修改；如本部门也负有监管职责，"
                "请先在名录库页面用“纳入本部门监管”加入"
            )
        else:
            other = ctx.department_names.get(current["department_id"], "")
            message = gettext("该%(noun)s属于其他部门（%(other)s），无权修改") % {
                "noun": gettext(spec.noun),
                "other": other,
            }
        plan.problems.append(Problem(row.row, spec.key_column.header, message))
        return
    if "department" in changed:
        plan.problems.append(
            Problem(
                row.row,
                columns["department"].header,
                gettext("不能通过导入把%(noun)s移交给其他部门") % {"noun": gettext(spec.noun)},
            )
        )
        return
    if spec.kind == "targets" and current.get("code_warning_confirmed"):
        warnings: list[Problem] = []  # a person already confirmed this code
    else:
        warnings = row.warnings
    plan.problems.extend(warnings)
    plan.updates.append(
        Update(
            row.row,
            pk,
            current[spec.key],
            changed,
            m2m_new,
            m2m_fields,
            values={name: wanted[name] for name in changed},
            own={name: wanted[name] for name in own_changes},
        )
    )
