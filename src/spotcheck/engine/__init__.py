"""The draw engine: exact inclusion probabilities, verifiable draws, teams, estimates.

Pure Python + numpy. No Django and no other spotcheck package may be imported here (an
import-linter contract enforces it), so a published proof can be checked with this package
alone. The protocol is specified in docs/draw-protocol.md.

Entry points for the web app (all take and return plain data):

- ``risk.compute_weight(attributes, config) -> (weight, [WeightFactor])`` - a target's integer
  weight and the reasons behind it (also re-exported from ``probability``).
- ``proof.preview_probabilities(pool=..., params=...)`` - sample sizes and every unit's exact
  pi (over 2^32) before committing; ``probability.probability_text(pi)`` renders a percentage.
- ``proof.new_nonce()`` and ``proof.build_commitment(...)`` - the public commitment.
- ``proof.run_draw(...)`` - the proof document (result, teams, recusals) once the announced
  randomness is known; raises ``teams.TeamFormationError`` (target + reasons) or
  ``proof.CommitmentMismatch``.
- ``verify.verify_proof(proof) -> (problems, summary)``; CLI ``python -m spotcheck.engine.verify``.
- ``estimate.estimate_rates(...)`` - Hajek (shown) / HT non-compliance rates with Korn-Graubard intervals.

Per-unit hashing (tickets, the pool's Merkle tree) runs in the optional compiled accelerator
``_accel`` (see ``accel.py``) when it was built, in threads; otherwise in pure Python, in forked
worker processes for pools above 200,000 units. Both give identical bytes.
``SPOTCHECK_ENGINE_ACCEL=0`` forces the pure-Python path; ``SPOTCHECK_ENGINE_WORKERS=1`` keeps
everything in one thread of one process.
"""

ENGINE_VERSION = "2.0.0"
