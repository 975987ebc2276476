"""The strict verifier against docs/test-vectors: valid v2 proofs and the negative corpus.

Every case runs three ways: in-process with the engine's fast path, in-process with
``SPOTCHECK_VERIFY_PURE=1``, and in a subprocess holding nothing but a copy of verify.py, with
numpy made unimportable and the pure-Python SM3 forced. Exit status and check id must agree.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from spotcheck.engine import verify as V

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "docs" / "test-vectors"
NEG = VECTORS / "negative"
MANIFEST = json.loads((NEG / "manifest.json").read_text("utf-8"))
CASES = MANIFEST["cases"]


def _ids(case: dict[str, Any]) -> str:
    return str(case["file"])


def test_corpus_is_big_enough() -> None:
    negatives = [c for c in CASES if c["exit"]]
    assert len({c["file"].split("/", 1)[1] for c in negatives}) >= 40
    assert {c["hash"] for c in CASES} == {"sha256", "sm3"}


def test_generator_output_equals_committed_files() -> None:
    spec = importlib.util.spec_from_file_location(
        "make_negative_corpus", ROOT / "scripts" / "make_negative_corpus.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = module.build()
    stale = [str(p) for p, data in files.items() if not p.exists() or p.read_bytes() != data]
    assert not stale, "rerun scripts/make_negative_corpus.py: " + ", ".join(stale[:5])
    on_disk = {p for p in NEG.rglob("*.json")}
    assert on_disk == {p for p in files if p.is_relative_to(NEG)}


@pytest.mark.parametrize("pure", [False, True], ids=["fast", "pure"])
@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_case_in_process(
    case: dict[str, Any], pure: bool, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.chdir(NEG)
    if pure:
        monkeypatch.setenv("SPOTCHECK_VERIFY_PURE", "1")
    else:
        monkeypatch.delenv("SPOTCHECK_VERIFY_PURE", raising=False)
    code = V.main([case["file"], *case["args"]])
    out = capsys.readouterr()
    assert out.err == ""
    assert code == case["exit"], out.out
    if case["check"]:
        assert f"[{case['check']}]" in out.out
    else:
        first = out.out.splitlines()[0]
        assert first.startswith("OK: draw 42")
        assert ("pure-Python" if pure else "engine") in first


DRIVER = """
import json, sys
sys.path.insert(0, sys.argv[1])
sys.modules["numpy"] = None  # import numpy fails
import verify
try:
    import spotcheck  # noqa: F401
    sys.exit("spotcheck must not be importable here")
except ImportError:
    pass
manifest = json.load(open("manifest.json", encoding="utf-8"))
results = {}
for case in manifest["cases"]:
    import contextlib, io
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = verify.main([case["file"], *case["args"]])
    results[case["file"]] = [code, buf.getvalue()]
print(json.dumps(results))
"""


def test_every_case_with_the_standard_library_only(tmp_path: Path) -> None:
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(V.__file__, lone / "verify.py")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SPOTCHECK_VERIFY_PURE_SM3": "1",
    }
    # -S: no site-packages at all (neither numpy nor the installed spotcheck package).
    res = subprocess.run(
        [sys.executable, "-S", "-c", DRIVER, str(lone)],
        cwd=NEG,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0 and res.stderr == "", res.stderr
    results = json.loads(res.stdout)
    for case in CASES:
        code, out = results[case["file"]]
        assert code == case["exit"], (case["file"], out)
        if case["check"]:
            assert f"[{case['check']}]" in out, (case["file"], out)
        else:
            assert out.startswith("OK: draw 42") and "pure-Python" in out


def test_cli_runs_as_a_lone_file_with_isolated_python(tmp_path: Path) -> None:
    shutil.copy(V.__file__, tmp_path / "verify.py")
    proof = VECTORS / "proof-v2-sha256.json"
    res = subprocess.run(
        [sys.executable, "-I", "-S", str(tmp_path / "verify.py"), str(proof)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "draw 41 committed" in res.stdout and "- this proof" in res.stdout
    missing = subprocess.run(
        [sys.executable, "-I", "-S", str(tmp_path / "verify.py"), str(tmp_path / "nope.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2 and missing.stderr == ""
    assert missing.stdout.startswith("INVALID [read]")


def test_sm3_standard_examples() -> None:
    # GB/T 32905-2016, appendix A: "abc" and "abcd" repeated 16 times.
    assert V.sm3(b"abc").hex() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    assert V.sm3(b"abcd" * 16).hex() == (
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    )
    for n in (0, 55, 56, 63, 64, 65, 1000):
        try:
            import hashlib

            expected = hashlib.new("sm3", b"x" * n).digest()
        except ValueError:
            pytest.skip("no SM3 in this OpenSSL to compare with")
        assert V.sm3(b"x" * n) == expected


def test_structured_report_and_legacy_api() -> None:
    doc = json.loads((VECTORS / "proof-v2-sha256.json").read_text("utf-8"))
    report = V.verify_document(doc, expect_digest=doc["commitment_digest"])
    assert report.exit_code == 0 and report.problems == []
    assert report.history_lines[-1].endswith("- this proof")
    doc["seed"] = "00" * 32
    report = V.verify_document(doc)
    assert report.exit_code == 1
    assert [(p.check, p.fatal) for p in report.problems] == [("seed", False)]
    problems, _ = V.verify_proof(doc)
    assert problems == [str(report.problems[0])]
    assert problems[0].startswith("MISMATCH [seed]: recomputed ")
    problems, _ = V.verify_proof({"protocol": V.PROTOCOL})
    assert problems and problems[0].startswith("INVALID [proof.keys]")
    problems, _ = V.verify_proof([1, 2])
    assert problems == ["INVALID [json]: the document is not a JSON object"]
    # A float smuggled in through the Python API (not via JSON) is refused too.
    doc = json.loads((VECTORS / "proof-v2-sha256.json").read_text("utf-8"))
    doc["commitment"]["task"]["budget"] = 1.5
    assert V.verify_document(doc).problems[0].check == "json.float"


def test_commitment_option_needs_the_exact_bytes(tmp_path: Path, capsys: Any) -> None:
    proof = VECTORS / "proof-v2-sm3.json"
    commitment = (VECTORS / "commitment-v2-sm3.json").read_bytes()
    pretty = tmp_path / "c.json"
    pretty.write_bytes(commitment + b"\n")
    assert V.main([str(proof), "--commitment", str(pretty)]) == 1
    assert "MISMATCH [commitment.published]: the commitment file is not byte for byte" in (
        capsys.readouterr().out
    )
    assert V.main([str(proof), "--expect-digest", "XYZ"]) == 2
    assert "INVALID [option]" in capsys.readouterr().out


CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_case_reports_in_chinese(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    """--lang zh: the same exit status and check id, and every line of the report in Chinese
    (problem lines, summary, history heading and lines); check ids stay ASCII."""
    monkeypatch.chdir(NEG)
    monkeypatch.setenv("SPOTCHECK_VERIFY_PURE", "1")
    for case in CASES:
        code = V.main([case["file"], *case["args"], "--lang", "zh"])
        lines = capsys.readouterr().out.splitlines()
        assert code == case["exit"], (case["file"], lines)
        if case["check"]:
            assert any(line.startswith(f"{'无效' if code == 2 else '不符'} [") for line in lines)
            assert any(f"[{case['check']}]：" in line for line in lines), lines
        else:
            assert lines[0].startswith("通过：第 42 号抽取")
        for line in lines:
            assert CJK.search(line), (case["file"], line)


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_TW.UTF-8"}, "zh"),
        ({"LANGUAGE": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "zh_CN:en"}, "zh"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_default_language_follows_the_environment(env: dict[str, str], lang: str) -> None:
    assert V.default_lang(env) == lang


def test_lone_file_answers_in_chinese_under_a_chinese_locale(tmp_path: Path) -> None:
    shutil.copy(V.__file__, tmp_path / "verify.py")
    case = next(c for c in CASES if c["check"] == "conflicts.path" and c["hash"] == "sha256")
    res = subprocess.run(
        [sys.executable, "-I", "-S", str(tmp_path / "verify.py"), case["file"]],
        cwd=NEG,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "zh_CN.UTF-8"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 1 and res.stderr == ""
    assert "不符 [conflicts.path]：" in res.stdout and "未通过" in res.stdout
    english = subprocess.run(
        [sys.executable, "-I", "-S", str(tmp_path / "verify.py"), case["file"], "--lang=en"],
        cwd=NEG,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "zh_CN.UTF-8"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "MISMATCH [conflicts.path]: " in english.stdout and not CJK.search(
        english.stdout.splitlines()[0].split("(")[0]
    )
