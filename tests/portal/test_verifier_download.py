"""The portal's downloadable verifier: one file, standard library only, checking a proof
against the commitment the portal published before the randomness existed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.draws import services as draws
from spotcheck.draws.snapshot import proof_document
from spotcheck.engine.proof import build_commitment, new_nonce, run_draw
from tests.workflow_fixtures import World

pytestmark = pytest.mark.django_db

DICE = {"见证人：王五": "352614", "见证人：赵六": "611243"}


def _run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # -S -I: no site-packages, no PYTHONPATH: only the standard library and the one file.
    return subprocess.run(
        [sys.executable, "-S", "-I", "spotcheck_verify.py", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )


def _forge(proof: dict[str, Any]) -> dict[str, Any]:
    """What an operator with the database could do: choose another nonce, recompute
    everything. The forgery is self-consistent; only the published commitment betrays it."""
    c = proof["commitment"]
    nonce, key = new_nonce(), new_nonce()
    pairs = [
        {"inspector": i, "target": e["target"]} for e in proof["conflicts"] for i in e["inspectors"]
    ]
    commitment = build_commitment(
        draw_id=c["draw_id"],
        params=c["params"],
        pool=proof["pool"],
        inspectors=proof["inspectors"],
        conflicts=pairs,
        conflict_key=key,
        nonce=nonce,
        randomness_source=c["randomness_source"],
        committed_at=c["committed_at"],
        hash_name=c["hash"],
        task=c["task"],
        previous=c["previous"],
    )
    return run_draw(
        commitment=commitment,
        nonce=nonce,
        randomness=proof["randomness"],
        pool=proof["pool"],
        inspectors=proof["inspectors"],
        conflicts=pairs,
        conflict_key=key,
        ceremony=proof["ceremony"],
        history=proof["history"],
    )


def test_downloaded_verifier_checks_a_proof_against_the_published_commitment(
    client: Client, world: World, tmp_path: Path
) -> None:
    draw = draws.draw_commit(
        actor=world.p.section,
        task=world.approved_task(),
        randomness_kind="witnesses",
        randomness_names=["王五", "赵六"],
    )
    published = draw_publication("draw_commitment", draw)
    assert published is not None
    commitment = client.get(reverse("portal:proof", args=[published.pk]))
    assert commitment.status_code == 200
    (tmp_path / "commitment.json").write_bytes(commitment.content)
    verifier = client.get(reverse("portal:verifier_download"))
    assert verifier.status_code == 200
    assert 'filename="spotcheck_verify.py"' in verifier["Content-Disposition"]
    (tmp_path / "spotcheck_verify.py").write_bytes(verifier.content)

    draw = draws.draw_execute(actor=world.p.section, draw=draw, entries=DICE)
    assert draw.proof is not None
    (tmp_path / "proof.json").write_text(json.dumps(proof_document(draw), ensure_ascii=False))
    ok = _run(tmp_path, "proof.json", "--commitment", "commitment.json")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.startswith("OK: ")
    ok = _run(tmp_path, "proof.json", "--expect-digest", draw.commitment_digest)
    assert ok.returncode == 0, ok.stdout

    forged = _forge(proof_document(draw))
    (tmp_path / "forged.json").write_text(json.dumps(forged, ensure_ascii=False))
    alone = _run(tmp_path, "forged.json")
    assert alone.returncode == 0, alone.stdout  # self-consistent on its own...
    caught = _run(tmp_path, "forged.json", "--commitment", "commitment.json")
    assert caught.returncode == 1 and "MISMATCH [" in caught.stdout  # ...not against the record
    caught = _run(tmp_path, "forged.json", "--expect-digest", draw.commitment_digest)
    assert caught.returncode == 1

    (tmp_path / "broken.json").write_text("{not json")
    broken = _run(tmp_path, "broken.json")
    assert broken.returncode == 2 and "INVALID [" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr


def test_verify_page_links_the_download(client: Client) -> None:
    page = client.get(reverse("portal:verify")).content.decode()
    assert reverse("portal:verifier_download") in page and "--commitment" in page
