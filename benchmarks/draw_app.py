"""A whole draw through the application over a large pool, on PostgreSQL.

    .venv/bin/python benchmarks/draw_app.py [--targets 1000000] [--pg postgres://…:5432]
                                            [--pg-db spotcheck_drawbench] [--keep]

Seeds a scratch database (``--pg-db``, default ``spotcheck_drawbench`` or ``$BENCH_DRAW_DB``:
dropped and re-created, never point it at a database you want to keep) with ``--targets``
synthetic targets through the real tables and COPY, a department with 40 inspectors (100 at
10^7, see ``inspector_count``), some credit history and conflict declarations, and one
approved task whose pool is every target
(1 % sample, stratified by credit class). Then it runs the steps a clerk runs, each as its own
process through the management commands that call the same services as the web pages, and
prints wall time and peak memory (RSS) of each:

- ``task_approve`` (the leader's approval checks the pool can be drawn);
- the stored preview: the job that computes the task page's probability preview, then the
  task page reading it (median of 7 views of the first and of a middle page);
- ``draw_commit`` (pool from the database, weights, commitment, pool snapshot);
- ``draw_execute`` (randomness entered, selection, teams, proof stored);
- ``draw_proof`` (the proof file written for the verifier);
- the proof checked by the standalone verifier (``python -m spotcheck.engine.verify``);
- the same draw again (a copy of the task) in one process, commit, execute and the proof
  file's bytes each timed: how the web and worker processes run it, without a process start
  and Django set-up per step.

Issue 16's goal: the draw end to end (commit + execute + proof) ≤ 10 s over 10^6 targets.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import scratch_db

ROOT = scratch_db.ROOT
BENCH_DB = os.environ.get("BENCH_DRAW_DB", "spotcheck_drawbench")
WITNESSES = ["见证人甲", "见证人乙"]


def inspector_count(n: int) -> int:
    """40, or one per 1,000 drawn targets (1 % of n) when that is more. Team formation's
    automatic workload cap leaves each inspector one spare team; with 2,500 teams each
    (10^7 targets, 40 inspectors) the last targets find a single inspector with capacity left
    in about half the draws and the draw stops with "人员不足". No bureau has that ratio; 1,000
    teams each never failed in our runs (docs/operations.md §9b)."""
    return max(40, n // 100_000)


def seed(n: int) -> int:
    """Migrate, then write n targets and their department links with COPY. Returns the task id."""
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from spotcheck.accounts.models import Department, Role, User
    from spotcheck.credit.models import CreditRecord
    from spotcheck.directory.creditcode import make_code
    from spotcheck.directory.models import CheckItem, ConflictDeclaration, Inspector, Target
    from spotcheck.planning import services as planning

    call_command("migrate", verbosity=0)
    dept = Department.objects.create(code="market", name="市场建设科")
    section = User.objects.create_user(
        "bench_section", password="bench-only-pw", role=Role.SECTION, department=dept
    )
    User.objects.create_user(
        "bench_leader", password="bench-only-pw", role=Role.LEADER, department=dept
    )
    item = CheckItem.objects.create(
        code="BENCH-1",
        name="单用途预付卡检查",
        legal_basis="《单用途商业预付卡管理办法（试行）》",
        department=dept,
        content="检查备案、资金存管情况",
        disclosure_channel="区政府门户网站",
        target_kinds=["enterprise"],
    )
    today = timezone.localdate()
    # The window opens today, so the proof may already be exported (Art. 18).
    start = today
    inspectors = [
        Inspector.objects.create(
            cert_no=f"宁商执{9000 + i}",
            name=f"检查员{i}",
            department=dept,
            cert_valid_from=today - dt.timedelta(days=365),
            cert_valid_to=today + dt.timedelta(days=3 * 365),
        )
        for i in range(inspector_count(n))
    ]
    links = Target.departments.through._meta.db_table
    regions = ["黄河东路街道", "满城北街街道", "长城中路街道", "北京中路街道", "良田镇", "丰登镇"]
    now = timezone.now().isoformat()
    scratch_db.copy_targets(
        (
            make_code("91", "640106", f"{i:09d}"), False,
            f"金凤合成测试商贸有限公司{i}", "enterprise", f"负责人{i % 997}",
            f"金凤区合成路{i}号", "F5211", "百货零售", regions[i % 6], "district",
            "small", "", "ABCD"[(i * 7) % 4], 2, i % 7 == 0, i % 5, i % 499 == 0,
            i % 50 == 0, i % 701 == 0, "deregistered" if i % 97 == 0 else "active", now,
        )
        for i in range(n)
    )  # fmt: skip
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {links} (target_id, department_id) "
            f"SELECT id, %s FROM {Target._meta.db_table}",
            [dept.pk],
        )
        cur.execute(f"ANALYZE {links}")
    some = list(Target.objects.order_by("pk").values_list("pk", flat=True)[: max(1, n // 100)])
    CreditRecord.objects.bulk_create(
        [
            CreditRecord(
                target_id=pk,
                source="inspection",
                occurred_on=today - dt.timedelta(days=30 + k % 300),
                problem_found=True,
                summary="检查发现问题",
                created_by=section,
            )
            for k, pk in enumerate(some)
        ],
        batch_size=5000,
    )
    ConflictDeclaration.objects.bulk_create(
        [
            ConflictDeclaration(
                inspector=inspectors[k % len(inspectors)],
                target_id=pk,
                relation="kin",
                declared_by=section,
            )
            for k, pk in enumerate(some[:200])
        ]
    )
    task = planning.task_create(
        actor=section,
        name="大规模抽取基准任务",
        mode="undirected",
        items=[item],
        window_start=start,
        window_end=start + dt.timedelta(days=19),
        sample={"mode": "ratio", "values": {"*": "0.01"}, "minimum": 1},
        stratify_by="credit_class",
    )
    return task.pk


def approve(task_id: int) -> None:
    from spotcheck.accounts.models import User
    from spotcheck.planning import services as planning
    from spotcheck.planning.models import SpotCheckTask

    planning.task_approve(
        actor=User.objects.get(username="bench_leader"),
        task=SpotCheckTask.objects.get(pk=task_id),
    )


def in_process(task_id: int) -> None:
    """The same draw in one process, as the web and worker processes run it (no process
    start or Django set-up per step): a copy of the task, approved, then commit, execute
    and the proof file's bytes, each timed."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from spotcheck.accounts.models import User
    from spotcheck.draws import services as draws
    from spotcheck.draws.snapshot import proof_file_bytes
    from spotcheck.planning import services as planning
    from spotcheck.planning.models import SpotCheckTask

    section = User.objects.get(username="bench_section")
    leader = User.objects.get(username="bench_leader")
    model = SpotCheckTask.objects.get(pk=task_id)
    today = timezone.localdate()
    task = planning.task_create(
        actor=section,
        name="大规模抽取基准任务（同一进程）",
        mode="undirected",
        items=list(model.items.all()),
        window_start=today,
        window_end=today + dt.timedelta(days=19),
        sample=model.sample,
        stratify_by=model.stratify_by,
    )
    planning.task_approve(actor=leader, task=task)
    t = time.perf_counter()
    with transaction.atomic():
        draw = draws.draw_commit(
            actor=section, task=task, randomness_kind="witnesses", randomness_names=WITNESSES
        )
    commit_s = time.perf_counter() - t
    names = [i["name"] for i in draw.commitment["randomness_source"]["items"]]
    t = time.perf_counter()
    draw = draws.draw_execute(
        actor=section,
        draw=draw,
        entries={name: f"35261{k + 1}" for k, name in enumerate(names)},
    )
    execute_s = time.perf_counter() - t
    t = time.perf_counter()
    size = len(proof_file_bytes(draw))
    proof_s = time.perf_counter() - t
    print(f"INPROC commit={commit_s:.2f} execute={execute_s:.2f} proof={proof_s:.2f} bytes={size}")


def preview(task_id: int) -> None:
    """The stored preview: the job that computes it, then the task page reading it."""
    from django.test import Client

    from spotcheck.accounts.models import User
    from spotcheck.draws import preview as stored
    from spotcheck.planning.models import SpotCheckTask

    user = User.objects.get(username="bench_section")
    task = SpotCheckTask.objects.get(pk=task_id)
    assert stored.stored_preview_needed(), "the directory is below PREVIEW_INLINE_MAX"
    started = time.perf_counter()
    stored.preview_start(task=task, actor=user)  # JOBS_SYNC: the job runs here
    print(f"JOB_S={time.perf_counter() - started:.2f}")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    lines = stored.latest_preview(task).lines  # type: ignore[union-attr]
    for name, query in (("first", ""), ("middle", f"?page={lines // 200}")):
        times = []
        for _ in range(7):
            t = time.perf_counter()
            response = client.get(f"/planning/tasks/{task_id}/{query}")
            times.append(time.perf_counter() - t)
            assert response.status_code == 200 and b"preview-table" in response.content
        times.sort()
        print(f"PAGE_{name.upper()}_MS={times[len(times) // 2] * 1000:.0f}")


def run_step(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB) and stdout of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
    )
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        print(out, err, file=sys.stderr)
        raise SystemExit(f"step failed: {' '.join(argv[:4])}")
    # RUSAGE_CHILDREN's maxrss is the largest child so far: each step is measured alone by
    # running it in a fresh helper process (see --step).
    return wall, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--targets", type=int, default=1_000_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default=BENCH_DB, help="scratch database (dropped)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--step", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        # One measured step in its own process, so its peak RSS is its own.
        proc = subprocess.run(args.step, check=False, capture_output=True, text=True, cwd=ROOT)
        sys.stdout.write(proc.stdout)
        sys.stderr.write(proc.stderr)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"PEAK_RSS_MB={peak:.0f}")
        raise SystemExit(proc.returncode)
    if scratch_db.unsafe_name(args.pg_db):
        parser.error(f"--pg-db {args.pg_db!r}: use a scratch database name (it is dropped)")
    url = scratch_db.recreate(args.pg, args.pg_db)
    with tempfile.TemporaryDirectory(prefix="spotcheck-drawbench-") as tmp:
        home = Path(tmp)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "spotcheck.config.settings",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only"),
            "DEBUG": "0",
            "SPOTCHECK_HOME": str(home),
            "MEDIA_ROOT": str(home / "media"),
            "LOG_LEVEL": "WARNING",
            "JOBS_SYNC": "1",
        }
        py = sys.executable
        manage = [py, str(ROOT / "manage.py")]
        t = time.perf_counter()
        seeded = subprocess.run(
            [py, __file__, "--targets", str(args.targets), "--pg-db", args.pg_db, "--step", py,
             "-c", f"import sys; sys.argv=['x']; sys.path.insert(0, {str(ROOT / 'benchmarks')!r});"
             f"import draw_app as b, scratch_db, pathlib; scratch_db.setup_django({url!r}, pathlib.Path({tmp!r}));"
             f"print('TASK', b.seed({args.targets}))"],
            env=env, capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
        if seeded.returncode:
            print(seeded.stdout, seeded.stderr, file=sys.stderr)
            raise SystemExit("seeding failed")
        task_id = int(re.search(r"TASK (\d+)", seeded.stdout).group(1))  # type: ignore[union-attr]
        print(f"seeded {args.targets:,} targets in {time.perf_counter() - t:.1f} s (COPY)")

        def step(name: str, argv: list[str]) -> tuple[float, float, str]:
            wall, _ignored, out = run_step([py, __file__, "--step", *argv], env)
            peak = float(re.search(r"PEAK_RSS_MB=(\d+)", out).group(1))  # type: ignore[union-attr]
            print(f"{name:<34} {wall:>8.2f} s {peak:>8.0f} MB", flush=True)
            return wall, peak, out

        print(f"{'step':<34} {'wall':>10} {'peak RSS':>11}")
        step(
            "task_approve (pool check)",
            [py, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r});"
             f"import draw_app as b, scratch_db, pathlib; scratch_db.setup_django({url!r}, pathlib.Path({tmp!r}));"
             f"b.approve({task_id})"],
        )  # fmt: skip
        _s, _mb, out = step(
            "preview job (stored preview)",
            [py, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r});"
             f"import draw_app as b, scratch_db, pathlib; scratch_db.setup_django({url!r}, pathlib.Path({tmp!r}));"
             f"b.preview({task_id})"],
        )  # fmt: skip
        for name in ("first", "middle"):
            ms = re.search(rf"PAGE_{name.upper()}_MS=(\d+)", out).group(1)  # type: ignore[union-attr]
            print(f"  task page with stored preview, {name} page: {ms} ms (median of 7)")
        commit_s, commit_mb, out = step(
            "draw_commit",
            [*manage, "draw_commit", "--user", "bench_section", "--task", str(task_id),
             "--witnesses", ",".join(WITNESSES)],
        )  # fmt: skip
        draw_id = re.search(r"第(\d+)号抽取已承诺", out).group(1)  # type: ignore[union-attr]
        names = re.findall(r"待录入随机数：(.+)", out)
        values = [f"--value={name}=35261{k + 1}" for k, name in enumerate(names)]
        exec_s, exec_mb, _out = step(
            "draw_execute",
            [*manage, "draw_execute", "--user", "bench_section", "--draw", draw_id, *values],
        )
        proof_path = home / "proof.json"
        proof_s, proof_mb, _out = step(
            "draw_proof",
            [*manage, "draw_proof", "--user", "bench_leader", "--draw", draw_id,
             "--out", str(proof_path)],
        )  # fmt: skip
        size = proof_path.stat().st_size / 1e6
        verify_s, _verify_mb, _out = step(
            "verify (python -m …engine.verify)",
            [py, "-m", "spotcheck.engine.verify", str(proof_path)],
        )
        _s, inproc_mb, out = step(
            "the same draw in one process",
            [py, "-c", f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r});"
             f"import draw_app as b, scratch_db, pathlib; scratch_db.setup_django({url!r}, pathlib.Path({tmp!r}));"
             f"b.in_process({task_id})"],
        )  # fmt: skip
        found = re.search(r"INPROC commit=([\d.]+) execute=([\d.]+) proof=([\d.]+)", out)
        assert found is not None, out
        in_commit, in_exec, in_proof = (float(g) for g in found.groups())
        in_total = in_commit + in_exec + in_proof
        print(
            f"  in one process: commit {in_commit:.2f} s + execute {in_exec:.2f} s + proof"
            f" {in_proof:.2f} s = {in_total:.2f} s, peak {inproc_mb:.0f} MB (goal ≤ 10 s at 10^6)"
        )
        total = commit_s + exec_s + proof_s
        print(
            f"end to end (commit + execute + proof): {total:.2f} s, peak {max(commit_mb, exec_mb, proof_mb):.0f} MB;"
            f" proof {size:.1f} MB; goal ≤ 10 s at 10^6"
        )
        print(json.dumps({"targets": args.targets, "commit_s": commit_s, "execute_s": exec_s,
                          "proof_s": proof_s, "total_s": total, "verify_s": verify_s,
                          "in_process_total_s": in_total}))  # fmt: skip
    if not args.keep:
        scratch_db.drop(args.pg, args.pg_db)


if __name__ == "__main__":
    main()
