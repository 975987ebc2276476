"""One declarative column table per directory, shared by the parser, the templates and exports.

Each :class:`Column` says how a spreadsheet cell becomes a model value (``parse``), how a stored
value becomes a cell again (``render``) and how a stored value is compared with a parsed one
(``canon``). Because export uses ``render`` and import uses ``parse`` of the same table, an
exported file re-imports with no changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from spotcheck.directory.creditcode import normalise_code
from spotcheck.directory.importing.parsers import (
    Context,
    Parser,
    Renderer,
    boolean,
    canon_code,
    canon_kinds,
    canon_same,
    canon_text,
    choice,
    choice_label,
    code,
    count,
    credit_code,
    date,
    department,
    departments,
    item_codes,
    lookup_key,
    optional_code,
    render_bool,
    render_date,
    render_department,
    render_departments,
    render_item_codes,
    render_kinds,
    render_plain,
    target_kinds,
    text,
)
from spotcheck.directory.models import (
    Affiliation,
    CheckItem,
    CreditClass,
    Inspector,
    InspectorStatus,
    ItemCategory,
    ProjectProgress,
    Scale,
    SupervisionGrade,
    Target,
    TargetKind,
    TargetStatus,
)

# --- the tables ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str  # exactly as in templates and exports
    field: str  # model field; m2m fields hold frozensets of ids
    parse: Parser
    render: Renderer = render_plain
    canon: Callable[[Any], Any] = canon_text
    required: bool = False  # the header must be present and the cell filled
    m2m: bool = False
    # A note on what to write, in Chinese and marked for translation; "{values}" and
    # "{default}" stand for words written in the file, which stay Chinese in any language.
    help: str = ""
    choices: type[models.Choices] | None = None
    values: tuple[str, ...] = ()
    default: Any = None

    def _words(self) -> tuple[list[str], str]:
        # The file's words are the Chinese labels, whatever the page's language.
        with translation.override("zh-hans"):
            if self.choices is not None:
                labels = dict(self.choices.choices)
                values = [_short(labels[v]) for v in self.choices.values if v not in (None, "")]
                default = _short(labels[self.default]) if self.default not in (None, "") else ""
            else:
                values, default = list(self.values), str(self.default or "")
        return values, default

    def file_help(self) -> str:
        """The note in Chinese, as the blank template files carry it."""
        values, default = self._words()
        return self.help.format(values="、".join(values), default=f"“{default}”")

    def help_html(self) -> SafeString:
        """The note in the reader's language, the file's words marked up as literal text."""
        if not self.help:
            return SafeString("")
        values, default = self._words()
        words = format_html_join(gettext("、"), "<code>{}</code>", ((v,) for v in values))
        return format_html(
            gettext(self.help), values=words, default=format_html("<code>{}</code>", default)
        )


@dataclass(frozen=True)
class Spec:
    kind: str  # URL slug
    model: type[models.Model]
    key: str  # natural key field
    label: str  # Chinese name of the directory (in files, audit summaries and messages)
    noun: str  # Chinese name of one record
    columns: tuple[Column, ...]

    @property
    def title(self) -> str:
        """The directory's name in the reader's language."""
        return gettext(self.label)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def key_column(self) -> Column:
        return next(c for c in self.columns if c.field == self.key)


def _short(label: Any) -> str:
    """A choice label without its explanation: "A类（低风险）" → "A类"."""
    return str(label).split("（")[0]


def _choices_help(
    choices: type[models.Choices], default: Any = None, note: str = ""
) -> dict[str, Any]:
    """Column arguments for a choice column's note: its labels, and what a blank cell means."""
    if not note:
        note = (
            gettext_noop("可选：{values}；留空为{default}")
            if default not in (None, "")
            else gettext_noop("可选：{values}")
        )
    return {"help": note, "choices": choices, "default": default}


def _bool_help(default: str) -> dict[str, Any]:
    return {
        "help": gettext_noop("填写{values}；留空为{default}"),
        "values": ("是", "否"),
        "default": default,
    }


_BOOL_HELP = _bool_help("否")

TARGET = Spec(
    kind="targets",
    model=Target,
    key="credit_code",
    label=gettext_noop("检查对象名录库"),
    noun=gettext_noop("检查对象"),
    columns=(
        Column(
            "统一社会信用代码",
            "credit_code",
            credit_code,
            canon=canon_code,
            required=True,
            help=gettext_noop("18位统一社会信用代码或15位旧注册号；请设为文本格式"),
        ),
        Column("名称", "name", text(200, required=True), required=True),
        Column(
            "对象类型",
            "kind",
            choice(TargetKind, None),
            choice_label(TargetKind),
            canon_same,
            required=True,
            **_choices_help(TargetKind),
        ),
        Column("法定代表人/负责人", "legal_representative", text(50)),
        Column("住所/经营场所", "address", text(300)),
        Column(
            "行业代码",
            "industry_code",
            optional_code(10),
            canon=canon_code,
            help=gettext_noop("国民经济行业分类（GB/T 4754）代码，如 F5211"),
        ),
        Column("行业名称", "industry_name", text(100)),
        Column("所属区域", "region", text(50), help=gettext_noop("街道/片区")),
        Column(
            "隶属关系",
            "affiliation",
            choice(Affiliation, Affiliation.DISTRICT),
            choice_label(Affiliation),
            canon_same,
            **_choices_help(Affiliation, Affiliation.DISTRICT),
        ),
        Column(
            "生产经营规模",
            "scale",
            choice(Scale, ""),
            choice_label(Scale),
            canon_same,
            **_choices_help(Scale),
        ),
        Column(
            "项目进展",
            "project_progress",
            choice(ProjectProgress, ""),
            lambda v, c: "" if not v else choice_label(ProjectProgress)(v, c),
            canon_same,
            **_choices_help(ProjectProgress, note=gettext_noop("可选：{values}（仅投资项目填写）")),
        ),
        Column(
            "信用风险分类",
            "credit_class",
            choice(CreditClass, CreditClass.B),
            lambda v, c: v,
            canon_same,
            help=gettext_noop("{values}（低→高）；留空为{default}"),
            values=("A", "B", "C", "D"),
            default="B",
        ),
        Column(
            "内部监管等级",
            "supervision_grade",
            choice(SupervisionGrade, SupervisionGrade.NORMAL),
            choice_label(SupervisionGrade, short=True),
            canon_same,
            **_choices_help(
                SupervisionGrade,
                SupervisionGrade.NORMAL,
                note=gettext_noop("{values}（或 1–4）；留空为{default}"),
            ),
        ),
        Column("重点行业", "key_industry", boolean(), render_bool, canon_same, **_BOOL_HELP),
        Column(
            "投诉举报次数",
            "complaint_count",
            count,
            render_plain,
            canon_same,
            help=gettext_noop("不小于0的整数；留空为0"),
        ),
        Column("列入黑名单", "blacklisted", boolean(), render_bool, canon_same, **_BOOL_HELP),
        Column(
            "列入经营异常名录", "abnormal_list", boolean(), render_bool, canon_same, **_BOOL_HELP
        ),
        Column(
            "严重违法失信", "serious_violation", boolean(), render_bool, canon_same, **_BOOL_HELP
        ),
        Column(
            "登记状态",
            "status",
            choice(TargetStatus, TargetStatus.ACTIVE),
            choice_label(TargetStatus),
            canon_same,
            **_choices_help(TargetStatus, TargetStatus.ACTIVE),
        ),
        Column(
            "监管部门",
            "departments",
            departments,
            render_departments,
            frozenset,
            m2m=True,
            help=gettext_noop(
                "部门名称，多个以“、”分隔；导入人所在部门总会加入。"
                "其他部门只能是已在监管该对象的部门：导入不会增减其他部门"
            ),
        ),
    ),
)

INSPECTOR = Spec(
    kind="inspectors",
    model=Inspector,
    key="cert_no",
    label=gettext_noop("执法检查人员名录库"),
    noun=gettext_noop("执法检查人员"),
    columns=(
        Column(
            "执法证号",
            "cert_no",
            code(40),
            canon=canon_code,
            required=True,
            help=gettext_noop("请设为文本格式，避免 Excel 改成科学计数法"),
        ),
        Column("姓名", "name", text(50, required=True), required=True),
        Column(
            "所属部门",
            "department",
            department,
            render_department,
            canon_same,
            help=gettext_noop("部门名称；留空为导入人所在部门"),
        ),
        Column("工号", "employee_no", text(30)),
        Column(
            "执法证有效期起",
            "cert_valid_from",
            date,
            render_date,
            canon_same,
            required=True,
            help=gettext_noop("日期，如 2024-01-31"),
        ),
        Column(
            "执法证有效期止",
            "cert_valid_to",
            date,
            render_date,
            canon_same,
            required=True,
            help=gettext_noop("日期，不早于有效期起"),
        ),
        Column(
            "专长行业代码",
            "expertise_industries",
            text(200),
            help=gettext_noop("多个以逗号分隔，如 F52,O80"),
        ),
        Column(
            "专长事项",
            "expertise_items",
            item_codes,
            render_item_codes,
            frozenset,
            m2m=True,
            help=gettext_noop("抽查事项编码，多个以“、”分隔"),
        ),
        Column(
            "状态",
            "status",
            choice(InspectorStatus, InspectorStatus.ACTIVE),
            choice_label(InspectorStatus),
            canon_same,
            **_choices_help(InspectorStatus, InspectorStatus.ACTIVE),
        ),
        Column("联系电话", "phone", text(30)),
    ),
)

ITEM = Spec(
    kind="items",
    model=CheckItem,
    key="code",
    label=gettext_noop("随机抽查事项清单"),
    noun=gettext_noop("抽查事项"),
    columns=(
        Column("事项编码", "code", code(40), canon=canon_code, required=True),
        Column("抽查事项名称", "name", text(200, required=True), required=True),
        Column("抽查依据", "legal_basis", text(20000, required=True), required=True),
        Column(
            "检查主体",
            "department",
            department,
            render_department,
            canon_same,
            help=gettext_noop("部门名称；留空为导入人所在部门"),
        ),
        Column("检查内容", "content", text(20000, required=True), required=True),
        Column("公开途径", "disclosure_channel", text(200, required=True), required=True),
        Column(
            "适用对象类型",
            "target_kinds",
            target_kinds,
            render_kinds,
            canon_kinds,
            **_choices_help(TargetKind, note=gettext_noop("可选：{values}，多个以“、”分隔")),
        ),
        Column(
            "事项类别",
            "category",
            choice(
                ItemCategory,
                ItemCategory.GENERAL,
                extra={"一般": ItemCategory.GENERAL, "重点": ItemCategory.KEY},
            ),
            choice_label(ItemCategory),
            canon_same,
            **_choices_help(ItemCategory, ItemCategory.GENERAL),
        ),
        Column(
            "有效",
            "active",
            boolean(True),
            render_bool,
            canon_same,
            **_bool_help("是"),
        ),
    ),
)

SPECS: dict[str, Spec] = {spec.kind: spec for spec in (ITEM, TARGET, INSPECTOR)}


def get_spec(kind: str) -> Spec:
    return SPECS[kind]


def load_context(*, department_id: int | None) -> Context:
    from spotcheck.accounts.models import Department, several_bureaus

    ctx = Context(department_id=department_id)
    own_bureau = (
        Department.objects.filter(pk=department_id).values_list("bureau_id", flat=True).first()
        if department_id is not None
        else None
    )
    rows = Department.objects.values_list("id", "name", "code", "bureau_id", "bureau__name")
    several = several_bureaus()
    for dept_id, name, dept_code, bureau_id, bureau_name in rows:
        # Exports name another bureau's department with its bureau, which imports read back.
        qualified = several and bureau_id != own_bureau
        ctx.department_names[dept_id] = f"{name}（{bureau_name}）" if qualified else name
        # Every district has its 市场建设科: a bare name means the importer's own bureau's
        # department, and "名称（机关名称）" or the code names any department exactly.
        if bureau_id == own_bureau:
            ctx.departments_by_name[lookup_key(name)] = dept_id
        else:
            ctx.departments_by_name.setdefault(lookup_key(name), dept_id)
        ctx.departments_by_name[lookup_key(f"{name}（{bureau_name}）")] = dept_id
        ctx.departments_by_name.setdefault(lookup_key(dept_code), dept_id)
    for item_id, item_code in CheckItem.objects.values_list("id", "code"):
        ctx.item_codes[item_id] = item_code
        ctx.items_by_code[normalise_code(item_code)] = item_id
    return ctx
