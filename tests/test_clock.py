"""The shifted-clock runs really move the clock for the whole process.

.ci/run runs the suite a second and third time under scripts/shifted-clock.sh (libfaketime), on
days other than today. These tests make sure such a run is not a silent no-op: every way the
application reads the clock (Python, Django, model defaults, SQLite, child processes) answers
with the shifted day.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "shifted-clock.sh"
SHIFTED = os.environ.get("SPOTCHECK_SHIFTED_TODAY")
BEIJING = ZoneInfo("Asia/Shanghai")

shifted_only = pytest.mark.skipif(not SHIFTED, reason="only under scripts/shifted-clock.sh")


def _child_sees() -> str:
    return subprocess.run(
        [sys.executable, "-c", "import datetime; print(datetime.date.today().isoformat())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


@shifted_only
@pytest.mark.django_db
def test_every_clock_reads_the_shifted_day() -> None:
    assert SHIFTED is not None
    day = dt.date.fromisoformat(SHIFTED)
    assert timezone.localdate() == day
    assert dt.datetime.fromtimestamp(time.time(), BEIJING).date() == day
    # A model default (User.date_joined = timezone.now) as the database stores it.
    user = UserFactory()
    user.refresh_from_db()
    assert timezone.localdate(user.date_joined) == day
    # SQLite computes CURRENT_DATE in this process (UTC; the run starts at 02:00 UTC).
    (sqlite_day,) = sqlite3.connect(":memory:").execute("SELECT CURRENT_DATE").fetchone()
    assert sqlite_day == SHIFTED
    assert _child_sees() == SHIFTED


def test_the_script_moves_a_whole_process_tree(tmp_path: Path) -> None:
    day = "2031-02-28"  # fixed-date: the day the script is asked for, not today
    probe = (
        "import datetime, sqlite3, subprocess, sys;"
        "print(datetime.date.today().isoformat());"
        "print(sqlite3.connect(':memory:').execute('SELECT CURRENT_DATE').fetchone()[0]);"
        "print(subprocess.run([sys.executable, '-c', 'import time; print(time.strftime(\"%F\"))'],"
        " capture_output=True, text=True).stdout.strip())"
    )
    out = subprocess.run(
        ["bash", str(SCRIPT), day, sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [day, day, day]


@pytest.mark.parametrize("bad", ["2031-02-30x", "tomorrow", ""])  # fixed-date: not dates
def test_the_script_refuses_a_bad_day(bad: str) -> None:
    out = subprocess.run(
        ["bash", str(SCRIPT), bad, "true"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2 and ("not a date" in out.stderr or "usage" in out.stderr)
