"""The verifier reads proofs as the portal serves them: gzip-compressed (RFC 1952)."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest

from spotcheck.engine import verify
from spotcheck.engine.verify import DocumentError, gunzip_if_compressed

VECTORS = Path(__file__).resolve().parents[2] / "docs" / "test-vectors"
PROOF = VECTORS / "proof-v2-sha256.json"
COMMITMENT = VECTORS / "commitment-v2-sha256.json"


def _run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        code = verify.main(list(args))
    return code, out.getvalue()


def test_compressed_proof_and_commitment_verify_like_the_plain_files(tmp_path: Path) -> None:
    proof = tmp_path / "proof.json.gz"
    proof.write_bytes(gzip.compress(PROOF.read_bytes()))
    commitment = tmp_path / "commitment.json.gz"
    commitment.write_bytes(gzip.compress(COMMITMENT.read_bytes()))
    plain = _run(str(PROOF), "--commitment", str(COMMITMENT))
    packed = _run(str(proof), "--commitment", str(commitment))
    assert plain[0] == packed[0] == 0
    assert plain[1] == packed[1]


def test_several_members_are_one_file() -> None:
    data = PROOF.read_bytes()
    half = len(data) // 2
    assert gunzip_if_compressed(gzip.compress(data[:half]) + gzip.compress(data[half:])) == data


@pytest.mark.parametrize("cut", [1, 10, 40])
def test_truncated_or_damaged_gzip_is_invalid_not_a_crash(tmp_path: Path, cut: int) -> None:
    packed = gzip.compress(PROOF.read_bytes())
    path = tmp_path / "proof.json.gz"
    path.write_bytes(packed[:-cut])
    code, out = _run(str(path), "--lang", "zh")
    assert code == verify.EXIT_INVALID
    assert "[read]" in out and "gzip" in out
    damaged = bytearray(packed)
    damaged[30] ^= 0xFF
    path.write_bytes(bytes(damaged))
    code, out = _run(str(path))
    assert code == verify.EXIT_INVALID and "[read]" in out


def test_inflating_beyond_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(verify, "MAX_INFLATED", 1 << 20)
    bomb = gzip.compress(b"0" * (4 << 20))  # 4 KB that inflates to 4 MB
    with pytest.raises(DocumentError) as info:
        gunzip_if_compressed(bomb)
    assert info.value.check == "read"


def test_plain_bytes_pass_through_untouched() -> None:
    assert gunzip_if_compressed(b'{"a":1}') == b'{"a":1}'
