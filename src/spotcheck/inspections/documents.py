"""检查通知书 and 双清单 for a drawn target, as .docx (python-docx).

双清单 is the field practice of giving the target, before the visit, (1) the items with the
inspectors' names and certificate numbers and (2) the documents it should prepare. Generating
either names the team, so it is an access under Art. 18 and goes through an audited service.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.core import access
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import CheckItem, Inspector, Target
from spotcheck.draws.models import Draw, DrawState
from spotcheck.inspections import selectors

BUREAU = "金凤区商务和经济技术合作局"
FONT = "宋体"


@dataclass(frozen=True)
class PrepareRule:
    """Documents a target prepares for items whose code starts with / name contains a key."""

    code_prefixes: tuple[str, ...]
    keywords: tuple[str, ...]
    documents: tuple[str, ...]

    def matches(self, item: CheckItem) -> bool:
        return item.code.startswith(self.code_prefixes) or any(
            k in item.name for k in self.keywords
        )


# Typical commerce-bureau items (DESIGN.md). Extend here; first matching rule wins per item.
PREPARE_RULES: tuple[PrepareRule, ...] = (
    PrepareRule(
        (),
        ("预付卡",),
        (
            "单用途商业预付卡发卡企业备案材料",
            "预收资金存管协议及存管账户资料",
            "发卡、充值、兑付及退卡业务台账",
            "购卡协议（章程）样本及季度业务情况报告",
        ),
    ),
    PrepareRule(
        (),
        ("报废机动车",),
        (
            "报废机动车回收拆解企业资质认定证书",
            "回收车辆登记台账及《报废机动车回收证明》存根",
            "拆解记录及“五大总成”去向记录",
            "拆解场地环保设施及危险废物处置合同",
        ),
    ),
    PrepareRule(
        (),
        ("再生资源",),
        (
            "再生资源回收经营者备案登记材料",
            "收购台账（含出售人身份信息）",
            "回收站点设置及经营场所证明",
        ),
    ),
    PrepareRule(
        (),
        ("拍卖",),
        (
            "拍卖经营批准证书",
            "拍卖师执业资格证书",
            "拍卖业务档案（委托合同、拍卖笔录、成交确认书）",
        ),
    ),
    PrepareRule(
        (),
        ("外商投资",),
        ("外商投资信息报告回执（初始、变更及年度报告）", "投资项目进展情况说明"),
    ),
    PrepareRule(
        (),
        ("特许经营",),
        ("商业特许经营备案材料", "特许经营合同样本", "信息披露文件及年度报告"),
    ),
    PrepareRule(
        (),
        ("二手车",),
        ("二手车交易市场经营者备案材料", "二手车交易登记台账", "二手车销售统一发票存根"),
    ),
)
ALWAYS = (
    "营业执照（副本）或项目批准（备案）文件",
    "法定代表人（负责人）身份证明；委托他人到场的，提供授权委托书及受托人身份证明",
)


def documents_to_prepare(items: Sequence[CheckItem]) -> list[tuple[str, str]]:
    """(document, for which items) rows: the common ones, then per item, without repeats."""
    rows: dict[str, list[str]] = {doc: ["全部事项"] for doc in ALWAYS}
    for item in items:
        rule = next((r for r in PREPARE_RULES if r.matches(item)), None)
        docs = (
            rule.documents
            if rule
            else (f"与“{item.name}”相关的许可、备案证明及台账、合同、票据等资料",)
        )
        for doc in docs:
            rows.setdefault(doc, []).append(item.name)
    return [(doc, "、".join(names)) for doc, names in rows.items()]


# --- docx plumbing -----------------------------------------------------------------------------


def _new_document() -> DocxDocument:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    # Word picks East Asian glyphs from eastAsia, not from the font name above.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    return doc


def _centered(doc: DocxDocument, text: str, size: int, bold: bool = True) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)


def _table(doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _signature(doc: DocxDocument, on: dt.date) -> None:
    for text in (BUREAU, _date(on)):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _save(doc: DocxDocument) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _team(draw: Draw, target: Target) -> list[Inspector]:
    return [m.inspector for m in selectors.team(draw, target)]


def _reference(draw: Draw, target: Target) -> str:
    return f"第{draw.pk}号抽取 · {target.credit_code}"


# --- the two documents -------------------------------------------------------------------------


def notice_docx(*, draw: Draw, target: Target, on: dt.date | None = None) -> bytes:
    """检查通知书: whom, what, when and by whom; the right to ask for recusal (Art. 11)."""
    task = draw.task
    items = selectors.applicable_items(task, target)
    team = _team(draw, target)
    doc = _new_document()
    _centered(doc, BUREAU, 16)
    _centered(doc, "检查通知书", 22)
    _centered(doc, _reference(draw, target), 10, bold=False)
    doc.add_paragraph(f"{target.name}（统一社会信用代码：{target.credit_code}）：")
    doc.add_paragraph(
        f"根据“双随机、一公开”监管工作要求和“{task.name}”工作安排，经随机抽取，"
        f"本局定于{_date(task.window_start)}至{_date(task.window_end)}期间对你单位开展抽查检查。"
        "现将有关事项通知如下："
    )
    doc.add_paragraph("一、抽查事项")
    _table(
        doc,
        ["序号", "抽查事项", "抽查依据", "检查内容"],
        [
            [str(n), item.name, item.legal_basis, item.content]
            for n, item in enumerate(items, start=1)
        ],
    )
    doc.add_paragraph(f"二、检查时间：{_date(task.window_start)}至{_date(task.window_end)}")
    doc.add_paragraph("三、检查人员")
    _table(
        doc,
        ["序号", "姓名", "执法证号", "所属部门"],
        [[str(n), i.name, i.cert_no, i.department.name] for n, i in enumerate(team, start=1)],
    )
    doc.add_paragraph(
        "四、请你单位按照随附的《双清单》准备有关材料，指定人员配合检查，如实提供情况。"
        "检查人员应当出示执法证件；你单位认为检查人员与你单位有利害关系的，可以申请其回避。"
    )
    _signature(doc, on or timezone.localdate())
    return _save(doc)


def double_list_docx(*, draw: Draw, target: Target, on: dt.date | None = None) -> bytes:
    """双清单: items with the inspectors who check them, and the documents to prepare."""
    task = draw.task
    items = selectors.applicable_items(task, target)
    team = _team(draw, target)
    doc = _new_document()
    _centered(doc, BUREAU, 16)
    _centered(doc, "“双随机、一公开”抽查检查双清单", 20)
    _centered(doc, _reference(draw, target), 10, bold=False)
    doc.add_paragraph(f"检查对象：{target.name}（统一社会信用代码：{target.credit_code}）")
    doc.add_paragraph(f"抽查任务：{task.name}")
    doc.add_paragraph(f"检查期间：{_date(task.window_start)}至{_date(task.window_end)}")
    doc.add_paragraph("清单一：抽查事项及检查人员清单")
    rows = []
    for n, item in enumerate(items, start=1):
        # Joint task: each department's items are checked by its own inspectors.
        own = [i for i in team if i.department_id == item.department_id] or team
        rows.append(
            [
                str(n),
                item.name,
                item.department.name,
                "；".join(f"{i.name}（执法证号：{i.cert_no}）" for i in own),
            ]
        )
    _table(doc, ["序号", "抽查事项", "检查主体", "检查人员及执法证号"], rows)
    doc.add_paragraph("清单二：需准备的材料清单")
    _table(
        doc,
        ["序号", "材料名称", "对应事项"],
        [
            [str(n), name, for_items]
            for n, (name, for_items) in enumerate(documents_to_prepare(items), start=1)
        ],
    )
    doc.add_paragraph("以上材料请提供原件备查，复印件加盖公章。")
    _signature(doc, on or timezone.localdate())
    return _save(doc)


DOCUMENTS = {
    "notice": ("检查通知书", notice_docx),
    "double_list": ("双清单", double_list_docx),
}


@transaction.atomic
def target_document(*, actor: User, draw: Draw, target: Target, document: str) -> tuple[str, bytes]:
    """Generate ``document`` ("notice" or "double_list"); returns (file name, .docx bytes)."""
    draw = Draw.objects.select_related("task").get(pk=draw.pk)
    if document not in DOCUMENTS:
        raise ServiceError(gettext("文书类型无效：应为检查通知书（notice）或双清单（double_list）"))
    if not access.can_generate_target_documents(actor, draw, target):
        raise NotAllowed(gettext("只有参与部门的业务科室人员或该对象的检查组成员可以生成检查文书"))
    if draw.state != DrawState.EXECUTED:
        raise ServiceError(
            gettext("第%(draw)s号抽取%(state)s，不能生成检查文书")
            % {"draw": draw.pk, "state": draw.get_state_display()}
        )
    if not selectors.is_drawn(draw, target):
        raise ServiceError(
            gettext("%(target)s不是第%(draw)s号抽取抽中的检查对象")
            % {"target": target.name, "draw": draw.pk}
        )
    title, build = DOCUMENTS[document]
    data = build(draw=draw, target=target)
    record(
        events.TargetDocumentGenerated(
            object_id=str(draw.pk),
            summary=f"生成第{draw.pk}号抽取中检查对象#{target.pk}的{title}",
            draw=draw.pk,
            target=target.pk,
            document=document,
        ),
        actor=actor,
    )
    return f"{title}-{target.credit_code}.docx", data
