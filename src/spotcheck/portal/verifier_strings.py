"""The browser verifier's words (static/portal/verify/page.js), translated on the server and
written into the page (json_script), so that the page needs no further request, not even
from a saved copy. Check ids and their meaning: docs/draw-protocol.md, section 13."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

UI = {
    "fetching": _("正在下载抽取证明和抽取承诺……"),
    "fetch_failed": _("无法下载抽取文件（如果这是保存到本机的页面，请在下方选择已下载的文件）。"),
    "reading": _("正在读取文件……"),
    "read_failed": _("无法读取所选文件。"),
    "choose_proof": _("请先选择抽取证明文件。"),
    "done_worker": _("验证完成，用时 {seconds} 秒（在本浏览器中计算）。"),
    "done_main": _("验证完成，用时 {seconds} 秒（在本浏览器中计算，未使用后台线程）。"),
    "verdict.ok": pgettext_lazy("verification result", "通过"),
    "verdict.mismatch": pgettext_lazy("verification result", "不通过"),
    "verdict.invalid": _("不通过：不是有效的抽取证明"),
    "verdict.ok_text": _(
        "重新计算的每一项都与抽取证明一致：抽中的对象、每个对象的抽查概率、检查组和回避替补都是由事先锁定的输入和公开随机数算出的。"
    ),
    "verdict.mismatch_text": _(
        "重新计算的结果与公示的不一致，或与抽取前公示的承诺不符。请保留文件并向公示部门或纪检监督部门反映。"
    ),
    "verdict.invalid_text": _(
        "文件不完整或不符合抽取协议（例如下载中断、文件被改动），无法作为抽取证明。请重新下载后再试。"
    ),
    "self_only": _(
        "注意：只核对了抽取证明自身。请同时选择抽取前公示的抽取承诺（或填写承诺指纹），才能确认结果不是事后重新挑选的。"
    ),
    "first_check": _("第一个未通过的检查项："),
    "steps": _("验证步骤"),
    "history": _("该任务的抽取历史"),
    "history.current": _("第 {draw} 次抽取，承诺时间 {committed}（本证明）"),
    "history.aborted": _(
        "第 {draw} 次抽取，承诺时间 {committed}，{aborted} 作废（{reason}）；保密随机数未公开"
    ),
    "history.aborted_nonce": _(
        "第 {draw} 次抽取，承诺时间 {committed}，{aborted} 作废（{reason}）；保密随机数已公开"
    ),
    "state.pass": pgettext_lazy("verification step", "通过"),
    "state.fail": pgettext_lazy("verification step", "未通过"),
    "state.skipped": pgettext_lazy("verification step", "未进行"),
    "step.read": _("读取文件"),
    "step.form": _("格式检查：字段、取值格式和排列顺序"),
    "step.commitment": _("承诺指纹，以及与抽取前公示的承诺核对"),
    "step.nonce": _("保密随机数与承诺中锁定的指纹相符"),
    "step.randomness": _("公开随机数：名称与预告一致，公布在承诺之后"),
    "step.seed": _("随机种子"),
    "step.history": _("抽取历史（作废和重新抽取）"),
    "step.tables": _("候选名单、执法检查人员名单和回避关系的指纹"),
    "step.strata": _("分层和样本量"),
    "step.selection": _("每个对象的抽查概率和抽中的对象"),
    "step.teams": _("检查组和回避替补"),
    "phase.read": _("正在读取抽取证明……"),
    "phase.form": _("正在检查格式……"),
    "phase.history": _("正在核对承诺、随机数和抽取历史……"),
    "phase.tables": _("正在计算候选名单的指纹……"),
    "phase.selection": _("正在计算抽查概率和抽中的对象……"),
    "phase.teams": _("正在计算检查组……"),
    "detail.read": _("文件：{name}"),
    "detail.digest": _("重新计算的承诺指纹：{digest}。"),
    "detail.published_at": _("已与 {time} 公示的抽取承诺 {name} 逐字节核对。"),
    "detail.published_file": _("已与所选的抽取承诺文件 {name} 逐字节核对。"),
    "detail.expected_digest": _("已与填写的承诺指纹核对。"),
    "detail.no_commitment": _("未提供抽取前公示的承诺，未做这一项核对。"),
    "detail.randomness": _("承诺时间 {committed}；每个公开随机数都在此之后公布。"),
    "detail.seed": _("{hash}：{seed}"),
    "detail.history": _("此前作废的抽取：{count} 次。"),
    "detail.tables": _("候选检查对象 {count} 个，名单指纹 {root}。"),
    "detail.selection": _("抽中 {selected} 个对象，共 {strata} 个分层。"),
    "detail.teams": _("检查组 {teams} 个，回避 {recusals} 次。"),
}

CHECKS = {
    "read": _("文件无法读取"),
    "json": _("不是 UTF-8 编码的 JSON 对象"),
    "json.duplicate-key": _("同一对象中出现重复的字段"),
    "json.float": _("出现了小数、指数、NaN 或 Infinity（协议只允许整数）"),
    "protocol": _("协议版本不是 spotcheck-draw/2"),
    "proof.keys": _("抽取证明的字段不符合协议"),
    "commitment.keys": _("抽取承诺的字段不符合协议"),
    "previous.keys": _("上一份承诺的引用格式不符"),
    "params.keys": _("抽取参数的字段或取值不符"),
    "params.sample": _("样本量参数不符合协议"),
    "params.ratio": _("抽查比例不是规范的小数"),
    "params.team": _("检查组参数不符合协议"),
    "hash": _("哈希算法不是 sha256 或 sm3"),
    "hex": _("指纹、种子或随机数不是 64 位小写十六进制"),
    "nonce.length": _("保密随机数不是 32 字节"),
    "timestamp": _("时间格式不符合协议"),
    "date": _("日期格式不符合协议"),
    "schema": _("字段类型不符（抽取编号、分层、数量等）"),
    "randomness.keys": _("公开随机数的字段、类型或取值不符"),
    "randomness.items": _("没有预告任何公开随机数"),
    "randomness.names": _("公开随机数的名称为空或重复"),
    "ceremony": _("未载明随机数录入人，或见证人格式不符"),
    "pool.keys": _("候选名单某行的字段不符"),
    "pool.line": _("候选名单某行的代码、分层、权重或排除原因不符"),
    "pool.order": _("候选名单未按代码排序或有重复"),
    "pool.excluded": _("不参与抽取的对象数与承诺不符"),
    "inspectors.keys": _("执法检查人员名单某行的字段不符"),
    "inspectors.line": _("执法检查人员名单某行的取值不符"),
    "inspectors.order": _("执法检查人员名单未按证号排序或有重复"),
    "conflicts.keys": _("回避关系某行的字段不符"),
    "conflicts.order": _("回避关系未按顺序排列或有重复"),
    "result.keys": _("抽取结果的字段不符"),
    "teams.keys": _("检查组的字段不符"),
    "teams.order": _("检查组未按抽取结果的顺序排列"),
    "recusals.keys": _("回避记录的字段不符"),
    "history.keys": _("抽取历史某项的字段不符"),
    "limits": _("样本量或权重总和超出协议上限"),
    "option": _("填写的承诺指纹不是 64 位小写十六进制"),
    "commitment.file": _("所选的抽取承诺文件不是 JSON"),
    "internal": _("验证程序内部错误（请向平台反映）"),
    "commitment.digest": _("承诺指纹与承诺内容不符（承诺被改动）"),
    "expect-digest": _("承诺指纹与事先公示的指纹不符"),
    "commitment.published": _("抽取证明中的承诺与抽取前公示的承诺不符"),
    "nonce.hash": _("保密随机数与承诺中锁定的指纹不符"),
    "randomness.match": _("公开随机数与承诺中预告的不一致（缺少、多出或顺序不同）"),
    "time.not-before": _("预告的随机数最早公布时间不在承诺之后"),
    "time.published": _("公开随机数的公布时间不在承诺之后，或早于预告时间"),
    "seed": _("随机种子与重新计算的不一致"),
    "pool.root": _("候选名单与承诺中的名单指纹不符"),
    "pool.count": _("候选名单行数与承诺不符"),
    "inspectors.root": _("执法检查人员名单与承诺中的指纹不符"),
    "inspectors.count": _("执法检查人员名单行数与承诺不符"),
    "conflicts.root": _("回避关系与承诺中的指纹不符"),
    "conflicts.count": _("回避关系数目与承诺不符"),
    "strata": _("分层人数或样本量与承诺不符，或参数与名单不匹配"),
    "result.strata": _("分层汇总（人数、样本量、必抽数、随机起点）与重新计算的不一致"),
    "result.selected": _("抽中的对象或其顺序与重新计算的不一致"),
    "result.pi": _("抽查概率与重新计算的不一致"),
    "teams": _("检查组与重新计算的不一致"),
    "recusals": _("回避替补人员与重新计算的不一致"),
    "history.digest": _("抽取历史中某次抽取的承诺指纹不符"),
    "history.chain": _("抽取历史的链接断开"),
    "history.nonce": _("作废抽取公开的保密随机数与其承诺不符"),
    "history.time": _("抽取历史的时间顺序不对"),
    "previous": _("承诺所载明的上一次抽取与抽取历史不符"),
}


def strings() -> dict[str, str]:
    """Every string page.js shows, in the request's language."""
    out = {key: str(value) for key, value in UI.items()}
    out.update({f"check.{key}": str(value) for key, value in CHECKS.items()})
    return out
