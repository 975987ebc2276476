"""The staff target list with filters over a large directory, on PostgreSQL.

    .venv/bin/python benchmarks/directory_list.py [--targets 1000000] [--requests 20]
                                                  [--pg postgres://…:5432]
                                                  [--pg-db spotcheck_dirbench] [--keep] [--reuse]

Seeds a scratch database (``--pg-db``, default ``spotcheck_dirbench`` or ``$BENCH_DIR_DB``:
dropped and re-created, never point it at a database you want to keep) with ``--targets``
synthetic targets through the real tables and COPY (``scratch_db``, as draw_app.py): varied
Chinese names (place + two-character brand + trade + form), scrambled credit codes, 12
regions, 20 industries, three departments. ``--reuse`` keeps an already seeded database.

Then a section clerk asks for the target list page through Django's test client (the whole
view: filters, capped count, page of 50, template) in each scenario ``--requests`` times, and
the p50/p95/max per scenario and overall are printed, twice: text search as it was before
the grams index (``LIKE`` only) and as it is now. Issue 16's goal: the directory list with
filters answers with p95 ≤ 300 ms at 10^7 targets.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import scratch_db

BENCH_DB = os.environ.get("BENCH_DIR_DB", "spotcheck_dirbench")
GOAL_MS = 300
PLACES = ["银川", "金凤", "兴庆", "西夏", "永宁", "贺兰", "灵武", "宁夏"]
# 80 characters: 6,400 two-character brands, each on about 1/6,400 of the names.
BRAND_CHARS = (
    "恒禾鑫盛隆泰华源达通顺丰瑞祥和兴嘉信诚安康宏远博创新立德明辉凯乐佳美天润金银海"
    "川宁夏星月阳光福寿永昌富贵万家百合绿野青山春秋东西南北中正大为同仁义礼智成"
)
TRADES = ["商贸", "餐饮", "便利店", "建材", "科技", "物流", "药房", "汽车销售", "食品",
          "五金", "服装", "家政"]  # fmt: skip
FORMS = ["有限公司", "有限责任公司", "店", "经营部"]
REGIONS = ["黄河东路街道", "满城北街街道", "长城中路街道", "北京中路街道", "良田镇", "丰登镇",
           "阅海湾街道", "上海西路街道", "宁安街道", "大新镇", "掌政镇", "通贵乡"]  # fmt: skip
INDUSTRIES = [("F5211", "百货零售"), ("F5212", "超级市场零售"), ("F5261", "汽车新车零售"),
              ("F5291", "便利店零售"), ("F5131", "五金批发"), ("H6210", "正餐服务"),
              ("H6220", "快餐服务"), ("O8010", "家庭服务"), ("L7212", "投资与资产管理"),
              ("G5430", "道路货物运输"), ("C1391", "食品加工"), ("E4710", "建筑装饰"),
              ("I6510", "软件开发"), ("F5251", "药品零售"), ("K7010", "房地产开发"),
              ("M7520", "科技推广"), ("R8710", "文艺表演"), ("S9221", "社会团体"),
              ("A0111", "稻谷种植"), ("P8331", "职业培训")]  # fmt: skip
# The 31 characters of a credit code body; codes are scrambled so that their digits vary as
# real organisation codes do (sequential numbers would put "00" in every code).
CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def code_of(i: int) -> str:
    from spotcheck.directory.creditcode import make_code

    value = (i * 387_420_489 + 12_345) % 31**9
    body = ""
    for _ in range(9):
        value, digit = divmod(value, 31)
        body += CODE_CHARS[digit]
    return make_code("91", "640106", body)


def seed(n: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from spotcheck.accounts.models import Department, Role, User
    from spotcheck.directory.models import Target

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    depts = [
        Department.objects.create(code=code, name=name)
        for code, name in [
            ("market", "市场建设科"),
            ("trade", "商贸流通科"),
            ("safety", "安全监管科"),
        ]
    ]
    User.objects.create(
        username="bench_section",
        password=make_password(None),
        role=Role.SECTION,
        department=depts[0],
    )
    rng = random.Random(16)
    now = timezone.now().isoformat()

    def rows() -> Any:
        for i in range(n):
            brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
            name = f"{rng.choice(PLACES)}{brand}{rng.choice(TRADES)}{rng.choice(FORMS)}"
            industry = INDUSTRIES[rng.randrange(len(INDUSTRIES))]
            yield (
                code_of(i), False, name, "enterprise", f"负责人{i % 997}",
                f"金凤区合成路{i}号", industry[0], industry[1], REGIONS[i % len(REGIONS)],
                "district", "small", "", "ABCD"[rng.randrange(4)], 2, i % 7 == 0, i % 5,
                i % 499 == 0, i % 50 == 0, i % 701 == 0,
                "deregistered" if i % 97 == 0 else "active", now,
            )  # fmt: skip

    build_s = scratch_db.copy_targets(rows())
    table = Target._meta.db_table
    links = Target.departments.through._meta.db_table
    with connection.cursor() as cur:
        # Every target belongs to the first department, a third also to the second, a fifth to
        # the third.
        for dept, every in zip(depts, (1, 3, 5), strict=True):
            cur.execute(
                f"INSERT INTO {links} (target_id, department_id) "
                f"SELECT id, %s FROM {table} WHERE id %% %s = 0",
                [dept.pk, every],
            )
        cur.execute(f"VACUUM ANALYZE {links}")
        cur.execute("SELECT pg_relation_size('target_search_grams'), pg_relation_size(%s)", [table])
        index_size, table_size = cur.fetchone()
    print(
        f"seeded {n:,} targets in {time.perf_counter() - started:.1f} s; grams index built in "
        f"{build_s:.1f} s, {index_size / 2**20:.0f} MB (table {table_size / 2**20:.0f} MB)",
        flush=True,
    )


def scenarios() -> list[tuple[str, dict[str, Any]]]:
    from spotcheck.accounts.models import Department
    from spotcheck.directory.models import Target

    market = Department.objects.get(code="market").pk
    safety = Department.objects.get(code="safety").pk
    # A target two thirds into the directory, whose code the code scenarios search.
    code = code_of(Target.objects.count() * 2 // 3)
    return [
        ("no filter", {}),
        ("region", {"region": "良田镇"}),
        ("industry section F", {"industry": "F"}),
        ("industry prefix F52", {"industry": "F52"}),
        ("credit class D", {"credit_class": "D"}),
        ("department (all targets)", {"department": market}),
        ("department (a fifth)", {"department": safety}),
        ("flags key_industry+abnormal", {"flag": ["key_industry", "abnormal_list"]}),
        ("name, 2 chars (brand)", {"q": "恒禾"}),
        ("name, 2 chars (trade, ~8 %)", {"q": "商贸"}),
        ("name, 4 chars", {"q": "恒禾商贸"}),
        ("name, 1 char", {"q": "恒"}),
        ("code fragment, 8 chars", {"q": code[8:16]}),
        ("code fragment, lower case", {"q": code[6:14].lower()}),
        ("whole code", {"q": code}),
        ("no match", {"q": "不存在的名称"}),
        ("region + name", {"region": "良田镇", "q": "恒禾"}),
        ("industry + class + flag", {"industry": "F52", "credit_class": "C", "flag": "key_industry"}),
        ("department + name", {"department": safety, "q": "商贸"}),
        ("name, page 5", {"q": "商贸", "page": 5}),
    ]  # fmt: skip


def measure(requests: int, label: str) -> dict[str, list[float]]:
    from django.test import Client
    from django.urls import reverse

    from spotcheck.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench_section"))
    url = reverse("directory:target_list")
    assert client.get(url).status_code == 200  # fills the region/industry option lists
    times: dict[str, list[float]] = {}
    print(f"\n{label}\n{'scenario':<30} {'p50':>7} {'p95':>7} {'max':>7}   rows", flush=True)
    for name, params in scenarios():
        samples = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(url, params)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        found = re.search(r"(共|超过) ?([\d,]+) ?条", response.content.decode())
        rows = f"{found.group(1)} {found.group(2)}" if found else "?"
        times[name] = samples
        print(
            f"{name:<30} {statistics.median(samples):>6.0f} {p95(samples):>6.0f} "
            f"{max(samples):>6.0f}   {rows}",
            flush=True,
        )
    every = [t for samples in times.values() for t in samples]
    print(
        f"{'all scenarios':<30} {statistics.median(every):>6.0f} {p95(every):>6.0f} "
        f"{max(every):>6.0f}   (ms; goal p95 ≤ {GOAL_MS} ms)",
        flush=True,
    )
    return times


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[-1]


def like_only() -> None:
    """Text search as it was before the grams index: LIKE over name and code."""
    from django.db.models import Q

    from spotcheck.directory import selectors

    def search(qs: Any, q: str) -> Any:
        return qs.filter(Q(name__icontains=q) | Q(credit_code__icontains=q.upper()))

    selectors._search = search  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default=BENCH_DB, help="scratch database (dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="use the seeded database as it is")
    parser.add_argument("--only", choices=["before", "now"], help="measure one of the two")
    args = parser.parse_args()
    if scratch_db.unsafe_name(args.pg_db):
        parser.error(f"--pg-db {args.pg_db!r}: use a scratch database name (it is dropped)")
    url = f"{args.pg}/{args.pg_db}" if args.reuse else scratch_db.recreate(args.pg, args.pg_db)
    os.environ.update(
        {
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
            "DEBUG": "0",
            "LOG_LEVEL": "WARNING",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_COOKIES": "0",
            "JOBS_SYNC": "1",
        }
    )
    with tempfile.TemporaryDirectory(prefix="spotcheck-dirbench-") as tmp:
        scratch_db.setup_django(url, Path(tmp))
        if not args.reuse:
            seed(args.targets)
        from spotcheck.directory.models import Target

        print(f"{Target.objects.count():,} targets; {args.requests} requests per scenario")
        results = {}
        if args.only != "before":
            results["now"] = measure(args.requests, "now: grams index narrows, icontains decides")
        if args.only != "now":
            like_only()
            results["before"] = measure(args.requests, "before: LIKE only (no index)")
        print(
            json.dumps(
                {
                    mode: {name: round(p95(s), 1) for name, s in times.items()}
                    for mode, times in results.items()
                },
                ensure_ascii=False,
            )
        )
    if not args.keep:
        scratch_db.drop(args.pg, args.pg_db)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
