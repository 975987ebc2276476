"""The SQLite backup procedure of docs/operations.md, run for real: an online backup of a live
database (with the demo workflow's audit trail in it), ``verify_audit`` on the copy, and the same
command catching a copy whose audit log was altered.

Runs ``manage.py`` in subprocesses against temporary database files, so it does not depend on
the test database's engine.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _manage(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DEBUG": "0",
        "SECRET_KEY": "backup-test-" + "x" * 40,
        "JOBS_SYNC": "1",
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.slow
def test_online_sqlite_backup_verifies_and_tampering_is_caught(tmp_path: Path) -> None:
    live = tmp_path / "spotcheck.sqlite3"
    assert _manage(live, "migrate", "-v0").returncode == 0
    loaded = _manage(live, "load_demo", "--no-logins")
    assert loaded.returncode == 0, loaded.stderr

    # The documented Python form of SQLite's online backup, taken while a connection is open
    # on the live file (as the running web app's would be).
    copy = tmp_path / "backup.sqlite3"
    holder = sqlite3.connect(live)
    try:
        source = sqlite3.connect(live)
        target = sqlite3.connect(copy)
        source.backup(target)
        target.close()
        source.close()
    finally:
        holder.close()

    check = sqlite3.connect(copy)
    assert check.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    events = check.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
    check.close()
    assert events > 50  # the directory load and the whole demo workflow

    verified = _manage(copy, "verify_audit")
    assert verified.returncode == 0, verified.stderr
    assert f"{events} 条事件" in verified.stdout

    # A copy whose history was edited afterwards must not pass. The copy refuses the UPDATE
    # (the append-only triggers came with it), so the tamperer drops them first, as a
    # database administrator could.
    tampered = sqlite3.connect(copy)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        tampered.execute("UPDATE audit_auditevent SET summary = 'x' WHERE seq = 1")
    for (name,) in tampered.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'"
    ).fetchall():
        tampered.execute(f'DROP TRIGGER "{name}"')
    tampered.execute(
        "UPDATE audit_auditevent SET summary = summary || '（改）' "
        "WHERE seq = (SELECT max(seq) / 2 FROM audit_auditevent)"
    )
    tampered.commit()
    tampered.close()
    broken = _manage(copy, "verify_audit")
    assert broken.returncode != 0
    assert "审计日志校验失败" in broken.stderr
