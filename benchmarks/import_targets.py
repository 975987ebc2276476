"""Import 100k synthetic targets from CSV and from xlsx, on SQLite and on PostgreSQL.

    .venv/bin/python benchmarks/import_targets.py [--rows 100000] [--db sqlite,postgres]
                                                  [--pg postgres://postgres@127.0.0.1:5432]
                                                  [--pg-db spotcheck_bench]

Each (database, format) run gets a fresh database (SQLite: a temp file; PostgreSQL: the scratch
database ``--pg-db``, default ``spotcheck_bench`` or ``$BENCH_PG_DB``, dropped and re-created:
never point it at a database you want to keep), migrates it, and runs the same two steps
a user triggers: the dry run (parse + validate + diff) and the commit (re-validate inside the
transaction, bulk insert with history, one audit event). Goals on PostgreSQL: CSV ≤ 30 s,
xlsx ≤ 60 s. The data is synthetic. ``--without-search-index`` drops the target list's grams
index (directory migration 0002) after migrating, to measure what the index costs an import.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scratch_db

ROOT = scratch_db.ROOT
BENCH_DB = os.environ.get("BENCH_PG_DB", "spotcheck_bench")


def make_files(rows: int, folder: Path) -> dict[str, Path]:
    sys.path.insert(0, str(ROOT / "src"))
    from openpyxl import Workbook

    from spotcheck.directory.creditcode import make_code

    headers = [
        "统一社会信用代码", "名称", "对象类型", "法定代表人/负责人", "住所/经营场所", "行业代码",
        "行业名称", "所属区域", "隶属关系", "生产经营规模", "项目进展", "信用风险分类",
        "内部监管等级", "重点行业", "投诉举报次数", "列入黑名单", "列入经营异常名录",
        "严重违法失信", "登记状态", "监管部门",
    ]  # fmt: skip
    kinds = ["企业", "个体工商户", "农民专业合作社", "投资项目", "其他"]
    regions = ["黄河东路街道", "满城北街街道", "长城中路街道", "北京中路街道", "良田镇", "丰登镇"]
    industries = [("F5211", "百货零售"), ("F5212", "超级市场零售"), ("O8010", "家庭服务"),
                  ("F5261", "汽车新车零售"), ("L7212", "投资与资产管理")]  # fmt: skip
    data = []
    for i in range(rows):
        industry = industries[i % len(industries)]
        kind = kinds[i % len(kinds)]
        data.append([
            make_code("91", "640106", f"{i:09d}"), f"金凤合成测试商贸有限公司{i}", kind,
            f"负责人{i % 997}", f"金凤区合成路{i}号", industry[0], industry[1],
            regions[i % len(regions)], "区属", ["大型", "中型", "小型", "微型"][i % 4],
            "在建" if kind == "投资项目" else "", "ABCD"[i % 4], ["一级", "二级", "三级", "四级"][i % 4],
            "是" if i % 7 == 0 else "否", i % 5, "否", "是" if i % 50 == 0 else "否",
            "否", "存续", "市场建设科",
        ])  # fmt: skip
    csv_path = folder / "targets.csv"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(headers)
        writer.writerows(data)
    xlsx_path = folder / "targets.xlsx"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("检查对象名录库")
    ws.append(headers)
    for row in data:
        ws.append(row)
    wb.save(xlsx_path)
    return {"csv": csv_path, "xlsx": xlsx_path}


def fresh_database(db: str, pg: str, folder: Path, name: str = BENCH_DB) -> str:
    if db == "sqlite":
        path = folder / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    return scratch_db.recreate(pg, name)


def worker(fmt: str, path: Path) -> dict[str, float]:
    """Runs in a child process whose environment names the database."""
    import django

    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotcheck.config.settings")
    django.setup()
    from django.core.management import call_command

    from spotcheck.accounts.models import Department, Role, User
    from spotcheck.directory.importing.services import import_commit, import_validate
    from spotcheck.directory.models import Target

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    if os.environ.get("BENCH_WITHOUT_SEARCH_INDEX") == "1":
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS target_search_grams")
    dept, _ = Department.objects.get_or_create(code="market", defaults={"name": "市场建设科"})
    user = User.objects.create(username="bench", role=Role.SECTION, department=dept)

    t0 = time.perf_counter()
    plan = import_validate(actor=user, kind="targets", path=path, fmt=fmt)
    t1 = time.perf_counter()
    assert not plan.problems, plan.problems[:5]
    counts = import_commit(
        actor=user, kind="targets", path=path, fmt=fmt, filename=path.name,
        sha256="0" * 64, confirm_warnings=False,
    )  # fmt: skip
    t2 = time.perf_counter()
    assert counts["created"] == Target.objects.count() == len(plan.creates)
    # Re-importing the same file changes nothing and writes no history.
    history_before = Target.history.count()
    again = import_commit(
        actor=user, kind="targets", path=path, fmt=fmt, filename=path.name,
        sha256="0" * 64, confirm_warnings=False,
    )  # fmt: skip
    t3 = time.perf_counter()
    assert again == {"created": 0, "updated": 0, "unchanged": counts["created"]}, again
    assert Target.history.count() == history_before
    return {
        "rows": counts["created"],
        "migrate_s": migrate_s,
        "dry_run_s": t1 - t0,
        "commit_s": t2 - t1,
        "total_s": t2 - t0,
        "reimport_unchanged_s": t3 - t2,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--pg-db", default=BENCH_DB, help="scratch PostgreSQL database (dropped and re-created)"
    )
    parser.add_argument(
        "--without-search-index",
        action="store_true",
        help="drop the target list's grams index before importing (PostgreSQL)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("FMT", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if scratch_db.unsafe_name(args.pg_db):
        parser.error(f"--pg-db {args.pg_db!r}: use a scratch database name (it is dropped)")
    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))))
        return

    with tempfile.TemporaryDirectory(prefix="spotcheck-bench-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        files = make_files(args.rows, folder)
        print(f"generated {args.rows} synthetic targets in {time.perf_counter() - t:.1f} s "
              f"(csv {files['csv'].stat().st_size / 1e6:.1f} MB, "
              f"xlsx {files['xlsx'].stat().st_size / 1e6:.1f} MB)")  # fmt: skip
        print(f"{'database':<10} {'format':<6} {'rows':>7} {'dry run':>9} {'commit':>9} "
              f"{'total':>9} {'rows/s':>8} {'re-import':>10}")  # fmt: skip
        for db in args.db.split(","):
            for fmt in args.formats.split(","):
                env = {
                    **os.environ,
                    "DATABASE_URL": fresh_database(db, args.pg, folder, args.pg_db),
                    "DJANGO_SETTINGS_MODULE": "spotcheck.config.settings",
                    "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
                    "DEBUG": "0",
                    "SPOTCHECK_HOME": str(folder),
                    "MEDIA_ROOT": str(folder / "media"),
                    "LOG_LEVEL": "WARNING",
                    "IMPORT_MAX_ROWS": str(max(args.rows, 200_000)),
                    "BENCH_WITHOUT_SEARCH_INDEX": "1" if args.without_search_index else "0",
                }
                out = subprocess.run(
                    [sys.executable, __file__, "--worker", fmt, str(files[fmt])],
                    env=env, capture_output=True, text=True, check=False,
                )  # fmt: skip
                if out.returncode:
                    print(out.stdout, out.stderr, file=sys.stderr)
                    raise SystemExit(f"{db}/{fmt} failed")
                r = json.loads(out.stdout.strip().splitlines()[-1])
                print(f"{db:<10} {fmt:<6} {r['rows']:>7} {r['dry_run_s']:>8.1f}s "
                      f"{r['commit_s']:>8.1f}s {r['total_s']:>8.1f}s "
                      f"{r['rows'] / r['total_s']:>8.0f} {r['reimport_unchanged_s']:>9.1f}s",
                      flush=True)  # fmt: skip
        if "postgres" in args.db:
            scratch_db.drop(args.pg, args.pg_db)


if __name__ == "__main__":
    main()
