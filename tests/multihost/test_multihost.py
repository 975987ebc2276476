"""Several hosts, simulated on loopback (operations.md, "Several hosts").

Starts everything itself: a PostgreSQL primary and a streaming replica of it (scripts/
pg-replica.sh, in a temporary directory, on free ports; the system PostgreSQL is never
touched), two app processes (gunicorn) and two job workers (qcluster) sharing Redis for cache,
sessions and the job queue. Then, over HTTP and switching app process at every step:

- logs in on one process and carries on on the other (sessions are shared);
- imports two directory files whose validation and commit run on the workers (the Redis
  broker) and checks that each job ran exactly once, on one worker, and that both workers
  took part;
- commits and executes a draw and publishes its proof (draft, submit, review by the leader);
- waits for the replica to replay the primary's WAL, stops the primary, and fetches the
  published record from the portal of both app processes.

The proof that the portal read the replica: with the primary stopped, nothing but the replica
can answer, yet both processes still serve the record (and mark the response as read from the
replica), while a staff page on the same process fails.

Runs only where DATABASE_URL is PostgreSQL (as in CI's PostgreSQL pass) and Redis answers at
127.0.0.1:6379; it uses Redis databases 11 and 12, which it empties before and after.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
CACHE_DB, BROKER_DB = 11, 12
PASSWORD = "Demo-2026!"  # the demo accounts' (spotcheck.demo.data.PASSWORD)
DICE = {"value_0": "352614", "value_1": "611243"}
TASK_NAME = "多主机测试：再生资源回收抽查"
PSQL = ["psql", "-h", "127.0.0.1", "-U", "postgres"]
GUNICORN = [sys.executable, "-m", "gunicorn", "spotcheck.config.wsgi:application"]

pytestmark = [pytest.mark.multihost, pytest.mark.slow, pytest.mark.xdist_group("multihost")]


def _skip_reason() -> str:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "needs DATABASE_URL=postgres://… (the PostgreSQL pass of .ci/run)"
    for tool in ("pg_basebackup", "psql"):
        if shutil.which(tool) is None:
            return f"needs PostgreSQL's {tool}"
    # The places scripts/pg-replica.sh looks in (Debian keeps initdb out of PATH).
    bindirs = [Path("/usr/local/bin"), *Path("/usr/lib/postgresql").glob("*/bin")]
    if shutil.which("initdb") is None and not any((d / "initdb").exists() for d in bindirs):
        return "needs PostgreSQL's initdb and pg_ctl"
    try:
        import redis

        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=2).ping()
    except Exception as exc:
        return f"needs Redis at {REDIS_HOST}:{REDIS_PORT} ({exc.__class__.__name__})"
    return ""


def _free_ports(n: int) -> list[int]:
    socks = []
    for _ in range(n):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        socks.append(s)
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _without_faketime(env: dict[str, str]) -> dict[str, str]:
    # Under `make test-dates` only our processes live on the shifted clock; PostgreSQL keeps
    # the real one, as the system server does for the rest of the suite.
    return {k: v for k, v in env.items() if k not in {"LD_PRELOAD", "FAKETIME"}}


@dataclass
class Cluster:
    tmp: Path
    primary_port: int
    replica_port: int
    app_ports: list[int]
    env: dict[str, str]
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def pgdir(self) -> Path:
        return self.tmp / "pg"

    def url(self, port: int) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/spotcheck"

    def pg(self, *args: str) -> None:
        subprocess.run(
            ["bash", str(REPO / "scripts/pg-replica.sh"), *args],
            check=True,
            env=_without_faketime(dict(os.environ)),
            timeout=90,
        )

    def sql(self, port: int, query: str) -> str:
        out = subprocess.run(
            [
                *PSQL,
                "-p",
                str(port),
                "-d",
                "spotcheck",
                "-AtX",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                query,
            ],
            check=True,
            capture_output=True,
            text=True,
            env=_without_faketime(dict(os.environ)),
            timeout=30,
        )
        return out.stdout.strip()

    def manage(self, *args: str, timeout: int = 120) -> str:
        proc = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert proc.returncode == 0, f"manage.py {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return proc.stdout

    def start(self, name: str, args: list[str]) -> None:
        log = (self.tmp / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            args,
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so stop() can signal the process and its children
        )

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 5  # the processes hold no state worth waiting for
        for proc in self.procs.values():
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def _flush_redis() -> None:
    import redis

    for db in (CACHE_DB, BROKER_DB):
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=db).flushdb()


@pytest.fixture
def machine_lock() -> Iterator[None]:
    """One run of this test per machine at a time: two checkouts running CI side by side would
    otherwise empty each other's Redis databases."""
    with open(Path(tempfile.gettempdir()) / "spotcheck-multihost.lock", "w") as fh:
        deadline = time.monotonic() + 300
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                assert time.monotonic() < deadline, "another multihost test ran for over 5 min"
                time.sleep(1)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


@pytest.fixture
def cluster(machine_lock: None) -> Iterator[Cluster]:
    tmp = Path(tempfile.mkdtemp(prefix="spotcheck-multihost-"))
    tmp.chmod(0o755)  # the postgres OS user must reach tmp/pg
    primary, replica, *apps = _free_ports(4)
    keep = {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "LD_PRELOAD", "FAKETIME"}
    keep |= {"SPOTCHECK_SHIFTED_TODAY", "SPOTCHECK_ENGINE_ACCEL"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "multihost-test-only",
            "SECURE_COOKIES": "0",  # plain HTTP on loopback
            "HSTS_SECONDS": "0",
            "SPOTCHECK_HOME": str(tmp),  # var/ (audit keys) under tmp
            "MEDIA_ROOT": str(tmp / "media"),  # one folder for every host (operations.md)
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{primary}/spotcheck",
            "DATABASE_REPLICA_URL": f"postgres://postgres@127.0.0.1:{replica}/spotcheck",
            "CACHE_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{CACHE_DB}",
            "JOB_BROKER_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{BROKER_DB}",
            # Any file of more than one row goes to the workers.
            "IMPORT_BACKGROUND_ROWS": "1",
            "JOB_WORKERS": "1",
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    c = Cluster(tmp, primary, replica, apps, env)
    try:
        _flush_redis()
        c.pg("start", str(c.pgdir), str(primary), str(replica))
        subprocess.run(
            [
                *PSQL,
                "-p",
                str(primary),
                "-d",
                "postgres",
                "-qAtX",
                "-c",
                "CREATE DATABASE spotcheck",
            ],
            check=True,
            env=_without_faketime(dict(os.environ)),
            timeout=30,
        )
        yield c
    finally:
        c.stop()
        c.pg("stop", str(c.pgdir))
        _flush_redis()
        shutil.rmtree(tmp, ignore_errors=True)


def _wait_http(url: str, procs: list[subprocess.Popen[bytes]], timeout: float = 30) -> None:
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert all(p.poll() is None for p in procs), "a process exited during start-up"
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


class Browser:
    """One client (one cookie jar) that sends each request to the next app process in turn."""

    def __init__(self, ports: list[int]) -> None:
        import requests

        self.s = requests.Session()
        self.ports = ports
        self.turn = 0
        self.served_by: list[int] = []

    def _base(self) -> str:
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        self.served_by.append(port)
        return f"http://127.0.0.1:{port}"

    def get(self, path: str, **kw: Any) -> Any:
        return self.s.get(self._base() + path, allow_redirects=False, timeout=30, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        data = {**(data or {}), "csrfmiddlewaretoken": self.s.cookies.get("csrftoken", "")}
        return self.s.post(self._base() + path, data=data, allow_redirects=False, timeout=30, **kw)

    def login(self, username: str) -> None:
        self.s.cookies.clear()
        assert self.get("/accounts/login/").status_code == 200  # sets the CSRF cookie
        response = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:2000]
        # The next request goes to the other process: the session must be known there too.
        home = self.get("/")
        assert home.status_code == 200, f"{username}'s session is unknown on the other host"


def _location(response: Any) -> str:
    assert response.status_code == 302, (response.status_code, response.text[:2000])
    return str(response.headers["Location"])


def _pk(pattern: str, location: str) -> str:
    match = re.search(pattern, location)
    assert match, location
    return match.group(1)


PREPARE = f"""
import datetime as dt
from django.utils import timezone
from spotcheck.accounts.models import User
from spotcheck.demo.workflow import ITEM_CODE
from spotcheck.directory.models import CheckItem
from spotcheck.planning import services as planning

today = timezone.localdate()
# The window opens today (so the draw proof may be published) and stays in this year.
end = min(today + dt.timedelta(days=10), dt.date(today.year, 12, 31))
task = planning.task_create(
    actor=User.objects.get(username="demo_section"),
    name={TASK_NAME!r},
    mode="undirected",
    items=[CheckItem.objects.get(code=ITEM_CODE)],
    window_start=today,
    window_end=end,
    sample={{"mode": "count", "values": {{"*": 3}}}},
)
planning.task_approve(actor=User.objects.get(username="demo_leader"), task=task)
print("TASK", task.pk)
"""


def _import_file(n: int) -> bytes:
    from spotcheck.directory.creditcode import make_code
    from tests.directory.test_import_support import TARGET_HEADERS, csv_bytes, target_row

    rows = [TARGET_HEADERS]
    for i in range(3):
        code = make_code("91", "640106", f"{880000000 + 10 * n + i:09d}")
        rows.append(target_row(code, f"多主机测试商贸有限公司{n}-{i}"))
    return csv_bytes(rows)


def _wait_for(what: str, check: Any, timeout: float = 40) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(autouse=True)
def _needs_postgresql_and_redis() -> None:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)


def test_two_app_hosts_two_workers_and_a_read_replica(cluster: Cluster) -> None:
    c = cluster
    started = time.monotonic()
    try:
        _scenario(c)
    except BaseException:
        for name in c.procs:
            print(f"===== {name}.log (tail) =====\n{c.log(name)[-4000:]}")
        raise
    print(f"multihost scenario: {time.monotonic() - started:.1f} s")


def _scenario(c: Cluster) -> None:
    c.manage("migrate", "--no-input", "-v", "0", timeout=240)
    c.manage("load_demo", "--no-logins", "--no-workflow")
    task_pk = _pk(r"TASK (\d+)", c.manage("shell", "-c", PREPARE))

    for i, port in enumerate(c.app_ports):
        c.start(
            f"app{i}",
            [*GUNICORN, "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
        )
    for i in range(2):
        c.start(f"worker{i}", [sys.executable, "manage.py", "qcluster"])
    for port in c.app_ports:
        _wait_http(f"http://127.0.0.1:{port}/healthz", list(c.procs.values()))

    # --- imports through the Redis queue, on the two workers ---------------------------------
    clerk = Browser(c.app_ports)
    clerk.login("demo_section")
    jobs = []
    for n in range(2):
        response = clerk.post(
            "/directory/import/targets/",
            files={"file": (f"targets-{n}.csv", _import_file(n), "text/csv")},
        )
        jobs.append(_pk(r"/import/job/([0-9a-f-]{36})/", _location(response)))

    def stage_done(job: str, marker: str) -> bool:
        page = clerk.get(f"/directory/import/job/{job}/").text
        return marker in page

    for job in jobs:
        _wait_for(f"validation of {job}", lambda job=job: stage_done(job, "确认导入"))
        clerk.post(f"/directory/import/job/{job}/commit/")
    for job in jobs:
        _wait_for(f"commit of {job}", lambda job=job: stage_done(job, "已导入"))
    imported = c.sql(
        c.primary_port, "SELECT count(*) FROM directory_target WHERE name LIKE '多主机%'"
    )
    assert imported == "6"

    # Each stage of each job ran exactly once: one start line in all worker logs together,
    # one django-q result with a single attempt, and no second delivery anywhere.
    logs = {name: c.log(name) for name in ("worker0", "worker1")}
    ran_on: dict[str, set[str]] = {}
    for job in jobs:
        for stage in ("validate_job", "commit_job"):
            line = re.compile(rf"job {job} \(\S+\.{stage}\) started by process")
            counts = {name: len(line.findall(text)) for name, text in logs.items()}
            assert sum(counts.values()) == 1, (job, stage, counts)
            ran_on.setdefault(next(n for n, k in counts.items() if k), set()).add(job + stage)
        rows = c.sql(
            c.primary_port,
            f"SELECT count(*), sum(attempt_count), bool_and(success) FROM django_q_task "
            f"WHERE name = 'job-{job}'",
        )
        assert rows == "2|2|t", rows
        state = c.sql(c.primary_port, f"SELECT state FROM jobs_job WHERE id = '{job}'")
        assert state == "done"
    assert not any("duplicate delivery ignored" in text for text in logs.values())
    assert set(ran_on) == {"worker0", "worker1"}, f"one worker did everything: {ran_on}"

    # --- the draw ceremony, through the pages ------------------------------------------------
    response = clerk.post(
        f"/draws/tasks/{task_pk}/commit/",
        {"randomness_kind": "witnesses", "names": "王五\n赵六", "hash_name": "sha256"},
    )
    draw_pk = _pk(r"/draws/(\d+)/", _location(response))
    response = clerk.post(f"/draws/{draw_pk}/execute/", DICE)
    assert f"/draws/{draw_pk}/results/" in _location(response)

    # --- its publication: drafted and submitted by the clerk, approved by the leader --------
    response = clerk.post(f"/disclosure/publications/new/draw_proof/{draw_pk}/")
    pub_pk = _pk(r"/publications/(\d+)/", _location(response))
    _location(clerk.post(f"/disclosure/publications/{pub_pk}/submit/"))
    leader = Browser(list(reversed(c.app_ports)))
    leader.login("demo_leader")
    response = leader.post(
        f"/disclosure/publications/{pub_pk}/review/",
        {"decision": "approve", "comment": "已审查，无涉密内容"},
    )
    _location(response)
    assert c.sql(
        c.primary_port, f"SELECT state FROM disclosure_publication WHERE id = {pub_pk}"
    ) == ("published")

    # --- the replica catches up; then only it can serve the portal ---------------------------
    target = c.sql(c.primary_port, "SELECT pg_current_wal_lsn()")
    _wait_for(
        "the replica to replay the primary's WAL",
        lambda: (
            c.sql(c.replica_port, f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn") == "t"
        ),
    )
    assert c.sql(c.replica_port, "SELECT pg_is_in_recovery()") == "t"
    c.pg("stop-primary", str(c.pgdir))

    public = Browser(c.app_ports)
    for _ in c.app_ports:
        page = public.get(f"/public/records/{pub_pk}/")
        assert page.status_code == 200, page.text[:2000]
        assert page.headers["X-Spotcheck-Read-From"] == "replica"
        assert TASK_NAME in page.text
    assert set(public.served_by) == set(c.app_ports)
    # The other public pages read nothing from the primary either.
    for path in ("/public/", "/public/search/?q=多主机", "/public/draws/"):
        page = public.get(path)
        assert page.status_code == 200, (path, page.text[:2000])
        assert page.headers["X-Spotcheck-Read-From"] == "replica", path
    assert public.get("/public/data/").status_code == 200  # (its index reads no table)
    # Open data streams its rows as the server sends them: those reads go to the replica too.
    for path in ("/public/data/publications.csv", "/public/data/publications.json"):
        data = public.get(path)
        assert data.status_code == 200 and TASK_NAME in data.content.decode("utf-8-sig"), path
    api = public.get(f"/api/v1/public/publications/{pub_pk}/")
    assert api.status_code == 200 and api.headers["X-Spotcheck-Read-From"] == "replica"
    # The same process cannot serve a staff page: the primary is really gone.
    assert leader.get("/disclosure/publications/").status_code == 500
