"""Bulk seeding for the public-search load test: N published inspection results (plus some
penalty decisions and draw proofs), inserted directly with ``bulk_create``.

Going through the publication services would take hours for 100k records (each draft builds a
payload, writes an audit event and runs the review); the load test measures reading, so the
rows only have to look exactly like what the services store:

- result payloads have the shape ``disclosure.payloads._result`` builds (task, department,
  target {name, credit_code, kind, legal_representative, address}, inspected_on, items);
- an individual business's operator and address are masked as the redaction rules would;
- the search columns and item-code rows come from ``disclosure.search.search_fields``, the
  helper the services use, so the indexes see the same values as in production.

Everything is synthetic and deterministic (``random.Random(seed)``). Call ``seed()`` after
``django.setup()``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass
from typing import Any

MARK = "bench:"  # source_id prefix: lets a re-run see how much is already seeded
BATCH = 5000

DEPARTMENTS = (
    ("market", "市场建设科"),
    ("trade", "商贸流通科"),
    ("foreign", "外资外经科"),
    ("amr", "区市场监督管理局"),
)
# (code, name, department code): several items per department, as in a real item list.
ITEMS = (
    ("SW-01", "单用途商业预付卡发卡企业备案及资金管理情况检查", "trade"),
    ("SW-02", "报废机动车回收拆解企业经营行为检查", "market"),
    ("SW-03", "再生资源回收经营者备案及经营情况检查", "market"),
    ("SW-04", "拍卖企业经营行为检查", "trade"),
    ("SW-05", "外商投资信息报告情况检查", "foreign"),
    ("SW-06", "商业特许经营备案及信息披露检查", "trade"),
    ("SW-07", "二手车交易市场及经营主体经营行为检查", "market"),
    ("SW-08", "成品油零售经营行为检查", "trade"),
    ("AMR-01", "企业公示信息情况检查", "amr"),
    ("AMR-02", "食品经营许可情况检查", "amr"),
)
CATEGORIES = (
    ("未发现问题", ""),
    ("未发现问题", ""),
    ("未发现问题", ""),
    ("发现问题已责令改正", "经营台账记录不完整，已责令改正。"),
    ("未按规定公示应当公示的信息", "未在规定期限内公示年度报告。"),
    ("通过登记的住所（经营场所）无法联系", "登记住所无人经营。"),
    ("发现问题待后续处理", "未按规定备案即开展经营活动，已立案调查。"),
)
PREFIXES = ("宁夏", "银川", "银川市金凤区", "金凤区")
BRANDS = [
    "恒禾",
    "博川",
    "鑫茂",
    "兴利",
    "康达",
    "德丰",
    "华利",
    "富成",
    "昌泽",
    "塞泰",
    "汇泽",
    "源诚",
    "佳信",
    "金成",
    "恒通",
    "瑞丰",
    "宏远",
    "聚鑫",
    "盛达",
    "天禧",
    "万家",
    "丰源",
    "嘉禾",
    "和美",
    "新华",
    "永盛",
    "隆泰",
    "明德",
    "福润",
    "锦程",
    "祥瑞",
    "通达",
    "凤鸣",
    "贺兰",
    "六盘",
    "沙湖",
    "西夏",
    "黄河",
    "塞上",
    "朔方",
    "宁安",
    "伊品",
    "佳美",
    "益民",
    "百信",
    "众诚",
    "广源",
    "华夏",
    "汇丰",
]
TRADES = (
    ("商贸", "有限公司"),
    ("物资回收", "有限公司"),
    ("汽车销售服务", "有限公司"),
    ("百货", "商店"),
    ("便利", "店"),
    ("餐饮管理", "有限公司"),
    ("拍卖", "有限公司"),
    ("二手车经纪", "有限公司"),
    ("废品收购", "站"),
    ("超市", "有限公司"),
)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
ROADS = ("北京中路", "黄河东路", "长城中路", "满城北街", "正源南街", "康平路", "万寿路", "宁安大街")
REGION = "640106"
ORG_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class SeedResult:
    created: int
    total: int
    seconds: float


def _credit_code(rng: random.Random, individual: bool) -> str:
    from spotcheck.directory.creditcode import make_code

    body = "".join(rng.choice(ORG_ALPHABET) for _ in range(9))
    return make_code("92" if individual else "91", REGION, body)


def _subject(rng: random.Random) -> dict[str, Any]:
    """A target as ``payloads._target`` publishes it (individuals already masked)."""
    trade, suffix = rng.choice(TRADES)
    individual = suffix in {"商店", "店", "站"} and rng.random() < 0.8
    surname = rng.choice(SURNAMES)
    brand = rng.choice(BRANDS) + rng.choice(BRANDS)[0]
    road = rng.choice(ROADS)
    if individual:
        return {
            "name": f"金凤区{brand}{trade}{suffix}",
            "credit_code": _credit_code(rng, True),
            "kind": "个体工商户",
            "legal_representative": f"{surname}*",
            "address": f"宁夏回族自治区银川市金凤区{road}***",
        }
    return {
        "name": f"{rng.choice(PREFIXES)}{brand}{trade}{suffix}",
        "credit_code": _credit_code(rng, False),
        "kind": "企业",
        "legal_representative": surname + rng.choice(SURNAMES) + rng.choice("军华敏杰静强丽伟"),
        "address": f"宁夏回族自治区银川市金凤区{road}{rng.randint(1, 999)}号",
    }


def _setup_rows() -> tuple[dict[str, Any], Any, Any, dict[str, Any]]:
    from django.contrib.auth.hashers import make_password
    from django.contrib.contenttypes.models import ContentType

    from spotcheck.accounts.models import Department, Role, User
    from spotcheck.draws.models import Draw
    from spotcheck.inspections.models import FollowUp, Inspection

    depts = {}
    for code, name in DEPARTMENTS:
        depts[code], _ = Department.objects.get_or_create(code=code, defaults={"name": name})
    market = depts["market"]
    unusable = make_password(None)
    author, _ = User.objects.get_or_create(
        username="bench_author",
        defaults={"role": Role.SECTION, "department": market, "password": unusable},
    )
    reviewer, _ = User.objects.get_or_create(
        username="bench_reviewer",
        defaults={"role": Role.SECTION, "department": market, "password": unusable},
    )
    types = {
        "inspection": ContentType.objects.get_for_model(Inspection),
        "followup": ContentType.objects.get_for_model(FollowUp),
        "draw": ContentType.objects.get_for_model(Draw),
    }
    return depts, author, reviewer, types


def seed(count: int, *, seed_value: int = 20231, today: dt.date | None = None) -> SeedResult:
    """Insert published records until ``count`` bench inspection results exist (idempotent).

    Of every 1,000 records 972 are results, 24 penalty decisions and 4 draw proofs."""
    from django.db import transaction
    from django.utils import timezone

    from spotcheck.disclosure import search
    from spotcheck.disclosure.models import Publication, PublicationItemCode
    from spotcheck.disclosure.workdays import publication_deadline

    started = time.monotonic()
    bench = Publication.objects.filter(source_id__startswith=MARK)
    existing = bench.count()
    results = bench.filter(kind="inspection_result").count()
    if results >= count:
        return SeedResult(0, existing, time.monotonic() - started)
    # Penalties and proofs come on top: insert until ``count`` of the records are results.
    target_total = existing + (count - results) * 1000 // 972 + 1
    depts, author, reviewer, types = _setup_rows()
    rng = random.Random(f"{seed_value}:{existing}")
    today = today or timezone.localdate()
    tz = timezone.get_current_timezone()
    # Deadlines only depend on the decision date: compute each once, not 100k times.
    due_cache: dict[tuple[dt.date, str], dt.date] = {}

    def due(day: dt.date, kind: str) -> dt.date:
        if (day, kind) not in due_cache:
            due_cache[day, kind] = publication_deadline(decided_on=day, kind=kind).date
        return due_cache[day, kind]

    tasks = [f"{today.year - (m // 12)}年第{m % 12 + 1}批{name[:6]}专项抽查" for m, (_, name, _) in
             enumerate(ITEMS * 3)]  # fmt: skip
    created = 0
    index = existing
    while index < target_total:
        batch_end = min(index + BATCH, target_total)
        pubs: list[Publication] = []
        field_sets: list[search.SearchFields] = []
        for i in range(index, batch_end):
            item_code, item_name, dept_code = rng.choice(ITEMS)
            dept = depts[dept_code]
            subject = _subject(rng)
            category, findings = rng.choice(CATEGORIES)
            decided = today - dt.timedelta(days=rng.randint(1, 365))
            inspected = decided - dt.timedelta(days=rng.randint(1, 20))
            published_at = dt.datetime.combine(
                decided + dt.timedelta(days=rng.randint(0, 10)),
                dt.time(rng.randint(8, 17), rng.randint(0, 59), rng.randint(0, 59)),
                tzinfo=tz,
            )
            kind, title, payload, source, deadline = _record(
                i, rng, subject, item_name, dept.name, category, findings, inspected, decided,
                tasks,
            )  # fmt: skip
            fields = search.search_fields(kind, payload, title=title, item_codes=[item_code])
            pubs.append(
                Publication(
                    kind=kind,
                    department=dept,
                    source_type=types[source],
                    source_id=f"{MARK}{i}",
                    title=title[:300],
                    payload=payload,
                    redactions=(
                        ["person_name", "home_address"] if subject["kind"] == "个体工商户" else []
                    ),
                    state="published",
                    version=1,
                    decided_on=decided,
                    due_on=due(decided, deadline) if deadline else None,
                    author=author,
                    submitted_at=published_at - dt.timedelta(hours=2),
                    reviewer=reviewer,
                    reviewed_at=published_at,
                    published_at=published_at,
                    search_text=fields.text,
                    search_credit_code=fields.credit_code,
                )
            )
            field_sets.append(fields)
        with transaction.atomic():
            Publication.objects.bulk_create(pubs, batch_size=1000)
            PublicationItemCode.objects.bulk_create(
                [
                    row
                    for pub, fields in zip(pubs, field_sets, strict=True)
                    for row in search.item_code_rows(pub, fields)
                ],
                batch_size=5000,
            )
        created += len(pubs)
        index = batch_end
    total = Publication.objects.filter(source_id__startswith=MARK).count()
    return SeedResult(created, total, time.monotonic() - started)


def _record(
    i: int,
    rng: random.Random,
    subject: dict[str, Any],
    item_name: str,
    department: str,
    category: str,
    findings: str,
    inspected: dt.date,
    decided: dt.date,
    tasks: list[str],
) -> tuple[str, str, dict[str, Any], str, str]:
    """(kind, title, payload, source type, deadline kind) of record ``i``: mostly results,
    every 40th a penalty decision, every 250th a draw proof."""
    task = tasks[i % len(tasks)]
    if i % 250 == 0:
        document = {
            "format": "spotcheck-draw-proof/1",
            "draw_id": str(i),
            "seed": f"{rng.getrandbits(256):064x}",
            "result": {"selected": [{"id": subject["credit_code"]}]},
        }
        payload = {
            "task": task,
            "draw_id": i,
            "commitment_digest": f"{rng.getrandbits(256):064x}",
            "document": document,
        }
        return "draw_proof", f"{task}抽取记录 #{i}", payload, "draw", ""
    if i % 40 == 0:
        number = f"金商罚〔{decided.year}〕{i}号"
        payload = {
            "decision_no": number,
            "target": subject,
            "penalty_kind": rng.choice(["警告", "罚款"]),
            "amount": f"{rng.choice([2000, 5000, 10000, 30000])}.00",
            "facts": findings or "未按规定备案即开展经营活动。",
            "decided_on": decided.isoformat(),
            "department": department,
        }
        return "penalty_decision", f"行政处罚决定 {number}", payload, "followup", "penalty"
    payload = {
        "task": task,
        "department": department,
        "target": subject,
        "inspected_on": inspected.isoformat(),
        "items": [{"item": item_name, "category": category, "findings": findings}],
    }
    return "inspection_result", f"{subject['name']}抽查检查结果", payload, "inspection", "result"


def sample_queries(rng: random.Random, n: int) -> dict[str, list[str]]:
    """Realistic search terms taken from the seeded rows: exact credit codes, name fragments."""
    from spotcheck.disclosure.models import Publication

    rows = list(
        Publication.objects.filter(source_id__startswith=MARK)
        .exclude(search_credit_code="")
        .order_by("?")
        .values_list("search_credit_code", "payload__target__name")[:n]
    )
    codes = [code for code, _ in rows]
    names = []
    for _, name in rows:
        name = str(name)
        # What people type: the distinctive brand part ("恒禾"), sometimes with the trade.
        for prefix in ("银川市金凤区", "金凤区", "宁夏", "银川"):
            name = name.removeprefix(prefix)
        names.append(name[: rng.choice([2, 4])])
    return {"codes": codes, "names": names}
