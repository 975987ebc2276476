"""A task's draws as one chain: what a re-draw must carry so it cannot pretend to be the first."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from spotcheck.draws.models import Draw, DrawState


def earlier_draws(draw: Draw) -> list[Draw]:
    return list(Draw.objects.filter(task_id=draw.task_id, pk__lt=draw.pk).order_by("pk"))


def draw_history(draw: Draw) -> list[dict[str, Any]]:
    """The proof's ``history`` (docs/draw-protocol.md): every earlier draw of the task, oldest
    first, with its full commitment, when and why it was aborted, and its nonce revealed."""
    out = []
    for d in earlier_draws(draw):
        if d.state != DrawState.ABORTED or d.aborted_at is None:
            raise ValueError(f"draw {d.pk} precedes draw {draw.pk} but was not aborted")
        out.append(
            {
                "draw_id": str(d.pk),
                "commitment": d.commitment,
                "commitment_digest": d.commitment_digest,
                "state": "aborted",
                "aborted_at": timezone.localtime(d.aborted_at).isoformat(),
                "abort_reason": d.abort_reason,
                "nonce": d.nonce,
            }
        )
    return out
