"""Load test of the public search: gunicorn + PostgreSQL on loopback, driven by wrk.

    .venv/bin/python benchmarks/public_search_load.py [--records 100000] [--duration 20]
        [--connections 20] [--workers 3] [--threads 1] [--pg postgres://postgres@127.0.0.1:5432]
        [--db spotcheck_search_bench] [--reseed] [--explain] [--profile] [--keep-alive]
        [--json results.json]

(``make bench-load`` runs it with the defaults.) Steps:

1. create the scratch database (``--reseed`` drops it first) and migrate it;
2. seed ``--records`` published inspection results, with penalty decisions and draw proofs among
   them, through ``public_search_seed`` (bulk inserts shaped exactly like the services' rows,
   search columns filled by the same helper); skipped when they are already there; VACUUM
   ANALYZE;
3. start gunicorn with ``DEBUG=0`` (``--workers`` sync workers, or gthread with ``--threads``)
   and a public API rate limit high enough to measure the server, not the throttle;
4. warm up, then for each scenario run wrk with ``--connections`` concurrent clients (a new
   connection per request, as gunicorn sees traffic behind nginx; ``--keep-alive`` reuses
   them), rotating through a few hundred realistic requests: exact credit code, company-name
   fragment, check item, department + date range, the unfiltered first page, the public API
   list with ``q``, and ``/healthz`` as the floor (what the stack costs without the search);
5. print p50/p95/p99, requests/s and errors per scenario and stop gunicorn.

Goal (issue 5): p95 ≤ 200 ms at 20 concurrent clients for the public search. The data is
synthetic; the machine is shared, so compare runs on a quiet machine. Figures measured so far,
and what they mean for sizing, are in docs/operations.md (section 4).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = Path(__file__).with_name("public_search_wrk.lua")
GOAL_P95_MS = 200.0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--records", type=int, default=100_000, help="published inspection results to seed"
    )
    p.add_argument(
        "--duration", type=int, default=20, help="seconds of wrk per scenario (0: no load run)"
    )
    p.add_argument("--connections", type=int, default=20)
    p.add_argument("--wrk-threads", type=int, default=2)
    p.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    p.add_argument("--threads", type=int, default=1, help=">1 switches gunicorn to gthread")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument(
        "--keep-alive",
        action="store_true",
        help="reuse client connections (default: a new one per request, as nginx does)",
    )
    p.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="spotcheck_search_bench")
    p.add_argument("--reseed", action="store_true", help="drop and re-create the database")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE per scenario")
    p.add_argument(
        "--profile",
        action="store_true",
        help="also time requests one at a time in-process: service time and SQL share",
    )
    p.add_argument("--only", default="", help="comma-separated scenario names")
    p.add_argument("--json", type=Path, help="also write the results here")
    return p.parse_args()


# --- database --------------------------------------------------------------------------------


def ensure_database(pg: str, name: str, reseed: bool) -> None:
    import psycopg

    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reseed:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def server_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{args.pg}/{args.db}",
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or "bench-only-not-secret-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_CONN_MAX_AGE="60",
        # Measure the server, not the anonymous throttle (120/minute by default).
        API_PUBLIC_RATE="1000000/minute",
        LOG_LEVEL="WARNING",
        JOBS_SYNC="1",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def migrate_and_seed(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    subprocess.run(
        [str(BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(Path(__file__).parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotcheck.config.settings")
    import django

    django.setup()
    from django.db import connection
    from public_search_seed import seed

    result = seed(args.records)
    print(
        f"seed: {result.created} records inserted in {result.seconds:.1f} s "
        f"({result.total} bench records in the database)"
    )
    with connection.cursor() as cur:
        # A fresh bulk load has no planner statistics and no visibility map (no index-only
        # scans); a table that has been in production for a year has both from autovacuum.
        for table in ("disclosure_publication", "disclosure_publicationitemcode"):
            cur.execute(f"VACUUM ANALYZE {table}")
    return {"created": result.created, "total": result.total, "seconds": result.seconds}


# --- scenarios -------------------------------------------------------------------------------


def _q(params: dict[str, str]) -> str:
    return urllib.parse.urlencode(params)


def build_scenarios(search_path: str) -> dict[str, list[str]]:
    from public_search_seed import ITEMS, sample_queries

    from spotcheck.accounts.models import Department
    from spotcheck.disclosure.models import Publication

    rng = random.Random(20231)
    samples = sample_queries(rng, 300)
    depts = list(Department.objects.values_list("pk", flat=True))
    latest = Publication.objects.order_by("-published_at").values_list("published_at", flat=True)
    end = (latest.first() or dt.datetime.now()).date()
    ranges = []
    for _ in range(200):
        days = rng.choice([7, 30, 90])
        stop = end - dt.timedelta(days=rng.randint(0, 300))
        ranges.append((stop - dt.timedelta(days=days), stop))
    api = "/api/v1/public/publications/"
    return {
        "healthz": ["/healthz"],
        "credit_code": [f"{search_path}?{_q({'q': c})}" for c in samples["codes"]],
        "name": [f"{search_path}?{_q({'q': n})}" for n in samples["names"]],
        "item": [f"{search_path}?{_q({'item': code})}" for code, _, _ in ITEMS],
        "dept_dates": [
            f"{search_path}?"
            + _q({"department": str(rng.choice(depts)), "date_from": f"{a}", "date_to": f"{b}"})
            for a, b in ranges
        ],
        "first_page": [search_path],
        "api_q": [
            f"{api}?{_q({'q': rng.choice([c, n])})}"
            for c, n in zip(samples["codes"], samples["names"], strict=False)
        ],
    }


def explain(paths: list[str]) -> str:
    """The SQL the search runs for one request, with PostgreSQL's EXPLAIN ANALYZE."""
    from django.http import QueryDict

    from spotcheck.disclosure.selectors import parse_public_filters, search_published

    query = urllib.parse.urlsplit(paths[0]).query
    filters, errors = parse_public_filters(QueryDict(query))
    if errors:
        return f"bad filters {errors}"
    rows = search_published(filters)
    page = rows[:20].explain(analyze=True)
    count = rows.explain(analyze=True) if not query else ""
    return f"-- {paths[0]}\n{page}\n{count}"


def profile(paths: list[str], n: int = 30) -> dict[str, Any]:
    """Service time of single requests (no concurrency) and how much of it is SQL: the figure
    to optimise when the concurrent p95 misses, and one that a busy machine distorts less."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.get(paths[0])
    total, sql, queries, worst, worst_sql = [], [], [], 0.0, ""
    for path in (paths * n)[:n]:
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        total.append(elapsed)
        times = [(float(q["time"]) * 1000, q["sql"]) for q in ctx.captured_queries]
        sql.append(sum(t for t, _ in times))
        queries.append(len(times))
        top = max(times, default=(0.0, ""))
        if top[0] > worst:
            worst, worst_sql = top
    total.sort()
    return {
        "mean_ms": sum(total) / len(total),
        "p95_ms": total[int(len(total) * 0.95) - 1],
        "sql_ms": sum(sql) / len(sql),
        "queries": sum(queries) / len(queries),
        "slowest_query_ms": worst,
        "slowest_query": worst_sql[:160],
    }


# --- server and wrk --------------------------------------------------------------------------


def start_gunicorn(args: argparse.Namespace, env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [
        str(BIN / "gunicorn"),
        "spotcheck.config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(args.workers),
        "--backlog",
        "256",
        "--access-logfile",
        "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
    ]
    if args.threads > 1:
        cmd += ["--worker-class", "gthread", "--threads", str(args.threads)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=5):
                    return proc
            except OSError:  # refused while binding, or slow first answers on a busy machine
                time.sleep(0.5)
        raise SystemExit("gunicorn did not answer /healthz within 60 s")
    except BaseException:
        stop(proc)
        raise


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def status_of(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=30) as resp:
            resp.read()
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def run_wrk(args: argparse.Namespace, base: str, paths: list[str], seconds: int) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(paths) + "\n")
        listing = fh.name
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{args.wrk_threads}",
                f"-c{args.connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                # Behind nginx every request reaches gunicorn on a new connection, and sync
                # workers close each connection anyway; wrk's keep-alive reconnects through
                # that close inflate latencies that no real client would see.
                *([] if args.keep_alive else ["-H", "Connection: close"]),
                "-s",
                str(LUA),
                base,
                "--",
                listing,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(listing)
    line = next(x for x in out.splitlines() if x.startswith("WRK_JSON "))
    data: dict[str, Any] = json.loads(line.removeprefix("WRK_JSON "))
    secs = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "rps": data["requests"] / secs if secs else 0.0,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "errors": sum(data["errors"].values()),
        "error_detail": data["errors"],
    }


def main() -> int:
    args = parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: run scripts/ensure-wrk.sh")
    ensure_database(args.pg, args.db, args.reseed)
    env = server_env(args)
    seeded = migrate_and_seed(args, env)
    from django.urls import NoReverseMatch, reverse

    try:
        search_path = reverse("portal:search")
    except NoReverseMatch:
        search_path = "/api/v1/public/publications/"
        print("portal:search does not exist yet: the search scenarios use the public API")
    scenarios = build_scenarios(search_path)
    if args.only:
        wanted = set(args.only.split(","))
        scenarios = {k: v for k, v in scenarios.items() if k in wanted}
    if args.explain:
        for name, paths in scenarios.items():
            if name != "healthz":
                print(f"\n== {name}\n{explain(paths)}")

    if args.profile:
        print("\nsingle requests, in-process (no concurrency):")
        for name, paths in scenarios.items():
            r = profile(paths)
            print(
                f"{name:<12} mean {r['mean_ms']:6.1f} ms  p95 {r['p95_ms']:6.1f} ms  "
                f"SQL {r['sql_ms']:6.1f} ms in {r['queries']:.1f} queries; slowest "
                f"{r['slowest_query_ms']:.0f} ms: {r['slowest_query']}"
            )

    if not scenarios or args.duration <= 0:
        return 0  # --duration 0: seeding, EXPLAIN and profiling only

    base = f"http://127.0.0.1:{args.port}"
    proc = start_gunicorn(args, env)
    results: dict[str, Any] = {}
    try:
        for name, paths in list(scenarios.items()):
            codes = {status_of(base, p) for p in paths[:3]}
            if codes != {200}:
                print(f"{name}: skipped, warm-up answered {sorted(codes)} for {paths[0]}")
                del scenarios[name]
        run_wrk(args, base, [p for ps in scenarios.values() for p in ps[:20]], 5)  # warm-up
        for name, paths in scenarios.items():
            results[name] = run_wrk(args, base, paths, args.duration)
            r = results[name]
            print(
                f"{name:<12} p50 {r['p50_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  "
                f"p99 {r['p99_ms']:7.1f} ms  {r['rps']:7.1f} req/s  "
                f"{r['requests']:6d} requests  {r['errors']} errors",
                flush=True,
            )
    finally:
        stop(proc)
    print_summary(args, seeded, results, search_path)
    if args.json:
        args.json.write_text(
            json.dumps({"seed": seeded, "args": _jsonable(args), "results": results}, indent=2)
        )
    searches = [r for k, r in results.items() if k != "healthz"]
    return 0 if searches and all(r["errors"] == 0 for r in results.values()) else 1


def _jsonable(args: argparse.Namespace) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}


def print_summary(
    args: argparse.Namespace, seeded: dict[str, Any], results: dict[str, Any], search_path: str
) -> None:
    kind = f"gthread {args.workers}×{args.threads}" if args.threads > 1 else "sync"
    print(
        f"\n{seeded['total']} published records · gunicorn {args.workers} workers ({kind}) · "
        f"{args.connections} concurrent clients"
        f"{' (keep-alive)' if args.keep_alive else ' (a new connection per request)'}"
        f" · {args.duration} s per scenario · "
        f"search at {search_path} · {os.cpu_count()} CPUs"
    )
    print("| scenario | p50 ms | p95 ms | p99 ms | req/s | requests | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        print(
            f"| {name} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
            f"{r['rps']:.1f} | {r['requests']} | {r['errors']} |"
        )
    misses = [k for k, r in results.items() if k != "healthz" and r["p95_ms"] > GOAL_P95_MS]
    verdict = "all within" if not misses else "over for " + ", ".join(misses) + " —"
    print(f"Goal p95 ≤ {GOAL_P95_MS:.0f} ms: {verdict} goal.")


if __name__ == "__main__":
    raise SystemExit(main())
