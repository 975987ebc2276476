"""Public randomness for a draw: which values are announced, and checking them when entered.

Witnesses are people, compared by one spelling (NFKC, no spaces inside a Chinese name), so one
person cannot count twice; every value must postdate the commitment's publication on the portal.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext

from spotcheck.core.errors import ServiceError
from spotcheck.disclosure.draw_records import published_commitment
from spotcheck.draws.models import Draw, RandomnessKind

# Fixed text, not the translated label: the commitment's bytes must not depend on the UI language.
SOURCE_DESCRIPTION = {
    "beacon": "随机信标（公开随机数信标的指定轮次）",
    "lottery": "彩票开奖号码（指定期号）",
    "witnesses": "见证人现场掷骰（每人 6 枚骰子）",
}
DICE = re.compile(r"^[1-6]{6}$")
MIN_WITNESSES = 2


WITNESS_PREFIX = "见证人："
_CJK = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


def normalise_name(name: str) -> str:
    """One spelling per person: NFKC (full-width letters and spaces become plain ones), runs of
    whitespace collapsed, and no space inside a Chinese name ("王　五" is "王五")."""
    text = unicodedata.normalize("NFKC", name)
    text = re.sub(r"\s+", " ", text).strip()
    return _SPACE_BETWEEN_CJK.sub("", text)


def name_key(name: str) -> str:
    """What two names are compared by: case and every space ignored."""
    return re.sub(r"\s+", "", normalise_name(name)).casefold()


def witness_names(draw: Draw) -> list[str]:
    if draw.randomness_kind != RandomnessKind.WITNESSES:
        return []
    items = draw.commitment.get("randomness_source", {}).get("items", [])
    return [str(i["name"]).removeprefix(WITNESS_PREFIX) for i in items]


def randomness_items(
    kind: str, names: list[str], not_before: dt.datetime | None
) -> list[dict[str, Any]]:
    names = [normalise_name(n) for n in names if n and normalise_name(n)]
    if kind not in RandomnessKind.values:
        raise ServiceError(gettext("请选择公开随机数来源：随机信标、彩票开奖号码或见证人掷骰"))
    keys = [name_key(n) for n in names]
    if len(set(keys)) != len(keys):
        duplicates = sorted({n for n, k in zip(names, keys, strict=True) if keys.count(k) > 1})
        raise ServiceError(
            gettext("随机数来源的名称不能重复：%(duplicates)s")
            % {"duplicates": "、".join(duplicates)}
        )
    if kind == RandomnessKind.WITNESSES:
        if len(names) < MIN_WITNESSES:
            raise ServiceError(
                gettext("见证人掷骰至少需要 %(MIN_WITNESSES)s 名不同的见证人")
                % {"MIN_WITNESSES": MIN_WITNESSES}
            )
        return [{"name": f"{WITNESS_PREFIX}{n}"} for n in names]
    if not names:
        raise ServiceError(gettext("请填写随机信标轮次或彩票期号"))
    if not_before is None or not_before <= timezone.now():
        raise ServiceError(gettext("随机信标/开奖时间必须晚于现在（承诺之后才产生的随机数）"))
    return [{"name": n, "not_before": timezone.localtime(not_before).isoformat()} for n in names]


def randomness_values(
    draw: Draw, entries: dict[str, str], published_at: dict[str, dt.datetime] | None = None
) -> list[dict[str, str]]:
    """Check each announced value is present and well-formed and did not exist when the
    commitment was published; stamp when it was entered."""
    publication = published_commitment(draw)
    if publication is None or publication.published_at is None:
        raise ServiceError(gettext("抽取承诺尚未在门户公示，不能录入公开随机数"))
    if publication.voided_at is not None:
        raise ServiceError(gettext("抽取承诺已标记作废，不能再执行"))
    public_since = max(publication.published_at, draw.committed_at)
    now = timezone.now()
    out = []
    for item in draw.commitment["randomness_source"]["items"]:
        name = item["name"]
        value = (entries.get(name) or "").strip()
        if not value:
            raise ServiceError(gettext("缺少“%(name)s”的随机数") % {"name": name})
        if draw.randomness_kind == RandomnessKind.WITNESSES and not DICE.match(value):
            raise ServiceError(
                gettext("“%(name)s”的骰子点数格式错误：应为 6 个 1–6 的数字，如 352614")
                % {"name": name}
            )
        when = (published_at or {}).get(name, now)
        if when <= public_since:
            raise ServiceError(
                f"“{name}”的公布时间必须晚于抽取承诺的公示时间"
                f"（{timezone.localtime(public_since):%Y-%m-%d %H:%M:%S}）"
            )
        if when > now:
            raise ServiceError(gettext("“%(name)s”的公布时间不能晚于现在") % {"name": name})
        out.append(
            {"name": name, "value": value, "published_at": timezone.localtime(when).isoformat()}
        )
    return out
