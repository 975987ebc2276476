"""No test outcome may depend on the day the suite runs.

CI runs on a later day than the one a test was written on (and .ci/run also runs the suite with
the process clock moved to other days, see scripts/shifted-clock.sh). A calendar date written
into a test decides nothing only if the clock is frozen around it or the date is plain data
(a value to parse, a far-past bad input). This check reads every test module and fails on a
date literal that is neither:

- inside a function or class decorated with ``time_machine.travel(...)`` (or whose body enters
  ``time_machine.travel``): the clock is frozen explicitly and the test says why;
- on a line marked ``# fixed-date: <why this date cannot decide the outcome>``.

Shared fixtures (conftest.py, factories.py, workflow_fixtures.py) get no marker exemption: what
they build must be relative to today. ``date.today()`` and naive ``datetime.now()`` are refused
everywhere (they read the machine's zone, not the bureau's: between 16:00 and 24:00 UTC they
are a day behind Beijing), as are module-level reads of the clock (stale once midnight passes
during a run). Use the ``today`` fixture or ``timezone.localdate()`` inside the test.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
FIXTURE_FILES = {"conftest.py", "factories.py", "workflow_fixtures.py"}
MARKER = "# fixed-date:"
_YEAR = r"(?:19[7-9]\d|2[01]\d\d)"
DATE_STRING = re.compile(
    rf"(?<![\d.]){_YEAR}(?:[-/.](?:0?[1-9]|1[0-2])[-/.]\d{{1,2}}|年\d{{1,2}}月|\d{{4}}(?!\d))"
    rf"|--year[= ]{_YEAR}\b"
)
CLOCK_READS = {"localdate", "now", "today", "localtime"}


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _is_year(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and 1970 <= node.value <= 2199


def _is_small_int(node: ast.AST, top: int) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) is int and 1 <= node.value <= top


def _date_literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        args = node.args
        if (
            len(args) >= 3
            and _is_year(args[0])
            and _is_small_int(args[1], 12)
            and _is_small_int(args[2], 31)
        ):
            return "a calendar date built from constants"
        for kw in node.keywords:
            if kw.arg == "year" and _is_year(kw.value):
                return "a fixed year argument"
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and DATE_STRING.search(node.value)
    ):
        return f"a date in a string ({node.value[:40]!r})"
    return None


def _freezes_clock(node: ast.AST, source: str) -> bool:
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return False
    decorators = " ".join(ast.get_source_segment(source, d) or "" for d in node.decorator_list)
    if "time_machine.travel" in decorators:
        return True
    if isinstance(node, ast.ClassDef):
        return False
    return "time_machine.travel(" in (ast.get_source_segment(source, node) or "")


def _naive_clock(node: ast.Call) -> str | None:
    func = node.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value
    owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
    if owner_name == "date" and func.attr == "today":
        return "date.today() reads the machine's zone; use the today fixture"
    if (
        owner_name == "datetime"
        and func.attr in {"now", "today"}
        and not node.args
        and not node.keywords
    ):
        return "naive datetime.now(); use timezone.now()"
    return None


def scan(path: Path, source: str | None = None) -> list[Finding]:
    source = path.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(source)
    lines = source.splitlines()
    rel = path.name if not path.is_relative_to(TESTS) else str(path.relative_to(TESTS.parent))
    fixture_file = path.name in FIXTURE_FILES
    found: list[Finding] = []

    def visit(node: ast.AST, frozen: bool, depth: int) -> None:
        frozen = frozen or _freezes_clock(node, source)
        in_function = depth > 0 or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        what = _date_literal(node)
        if what and not frozen:
            marked = not fixture_file and any(
                MARKER in lines[n - 1]
                for n in range(node.lineno, (node.end_lineno or node.lineno) + 1)
            )
            if not marked:
                found.append(Finding(rel, node.lineno, what))
        if isinstance(node, ast.Call):
            naive = _naive_clock(node)
            if naive:
                found.append(Finding(rel, node.lineno, naive))
            func = node.func
            name = getattr(func, "attr", getattr(func, "id", ""))
            if not in_function and name in CLOCK_READS:
                found.append(Finding(rel, node.lineno, "the clock read at import time"))
        child_depth = depth + isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        for child in ast.iter_child_nodes(node):
            # Decorators and default values are evaluated at import time, outside the body.
            visit(child, frozen, child_depth)

    visit(tree, False, 0)
    return found


def test_no_test_depends_on_the_day_it_runs() -> None:
    me = Path(__file__).resolve()
    findings = [
        finding for path in sorted(TESTS.rglob("*.py")) if path != me for finding in scan(path)
    ]
    assert not findings, "Fixed dates or clock reads that rot:\n" + "\n".join(map(str, findings))


# --- the check itself can fail -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("import datetime as dt\ndef test():\n    x = dt.date(2026, 12, 1)\n", 1),
        ("def test():\n    x = D(2027, 1, 1)\n", 1),
        ("def test():\n    post({'window_start': '2026-12-01'})\n", 1),
        ("def test():\n    post({'d': '2024年1月5日'})\n", 1),
        ("def test():\n    call('plan', '--year=2027')\n", 1),
        ("def test():\n    plan_create(year=2027)\n", 1),
        ("import datetime as dt\ndef test():\n    dt.date.today()\n", 1),
        ("import datetime as dt\ndef test():\n    dt.datetime.now()\n", 1),
        ("from django.utils import timezone\nTODAY = timezone.localdate()\n", 1),
        # Allowed: marked as data, frozen clock, relative dates, non-date numbers.
        ("def test():\n    parse('2024-01-31')  # fixed-date: parser input\n", 0),
        (
            "import time_machine\n@time_machine.travel('2027-01-01 10:00 +0800', tick=False)\n"
            "def test():\n    assert f(dt.date(2027, 1, 1))\n",
            0,
        ),
        (
            "def test():\n    with time_machine.travel(dt.datetime(2027, 1, 1)):\n        pass\n",
            0,
        ),
        ("def test(today):\n    x = today + dt.timedelta(days=7)\n", 0),
        ("def test():\n    x = timezone.now()\n    n = 2026\n    s = '12345678'\n", 0),
        ("def test():\n    name = '2026年单用途预付卡专项抽查'\n", 0),
        ("def test():\n    code = '91640106MA76L2K41X'\n", 0),
    ],
)
def test_the_check_catches_what_rots(snippet: str, expected: int) -> None:
    assert len(scan(TESTS / "test_snippet.py", snippet)) == expected, snippet


def test_fixture_files_get_no_marker_exemption() -> None:
    snippet = "def world():\n    x = dt.date(2026, 12, 1)  # fixed-date: no\n"
    assert len(scan(TESTS / "workflow_fixtures.py", snippet)) == 1
