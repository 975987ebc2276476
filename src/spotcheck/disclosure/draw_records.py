"""Draw commitments and proofs on the portal, published by the draw ceremony itself.

A commitment is public the moment it exists (hashes and counts only: nothing Art. 18 keeps
secret), so the randomness entered afterwards provably did not exist when it was published.
It can be neither withdrawn nor corrected: an aborted draw's commitment stays public, marked
作废 with the reason and time, and the aborted draw's proof goes out with its successor's.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from spotcheck.accounts.models import User
from spotcheck.audit import events
from spotcheck.audit.services import record
from spotcheck.disclosure import public_cache
from spotcheck.disclosure.models import Publication, PublicationKind, PublicationState
from spotcheck.draws.models import Draw

K = PublicationKind
S = PublicationState
PUBLIC_STATES = (S.PUBLISHED, S.SCHEDULED, S.CORRECTED)


def draw_publication(kind: str, draw: Draw) -> Publication | None:
    """The current (not withdrawn) publication of ``kind`` for ``draw``, if any."""
    return (
        Publication.objects.filter(
            kind=kind,
            source_type=ContentType.objects.get_for_model(Draw),
            source_id=str(draw.pk),
        )
        .exclude(state=S.WITHDRAWN)
        .order_by("-version", "-pk")
        .first()
    )


def published_commitment(draw: Draw) -> Publication | None:
    publication = draw_publication(K.DRAW_COMMITMENT, draw)
    if publication is None or publication.state != S.PUBLISHED:
        return None
    return publication


def publish_draw_commitment(*, actor: User, draw: Draw) -> Publication:
    """Inside draw_commit's transaction: draft and publish in one step. No reviewer is needed
    because the payload is the commitment document, which names no target and no inspector."""
    from spotcheck.disclosure.publications import _create, _transition

    publication = _create(
        actor=actor,
        kind=K.DRAW_COMMITMENT,
        source=draw,
        department=draw.task.lead_department,
        supersedes=None,
        correction_note="",
        restriction_reason="",
        withheld_fields=[],
        delayed_until=None,
    )
    return _transition(
        publication,
        actor,
        S.PUBLISHED,
        "抽取承诺随承诺自动公示（只含指纹与数量，不含检查对象）",
        published_at=draw.committed_at,
    )


def void_draw_commitment(*, actor: User, draw: Draw, reason: str, at: dt.datetime) -> None:
    """Mark the public commitment 作废 (it stays public, with the reason and the time)."""
    publication = draw_publication(K.DRAW_COMMITMENT, draw)
    if publication is None or publication.voided_at is not None:
        return
    publication.voided_at = at
    publication.void_reason = reason
    publication.save(update_fields=["voided_at", "void_reason"])
    public_cache.bump()
    record(
        events.PublicationVoided(
            object_id=str(publication.pk),
            summary=f"公示「{publication.title}」标记作废：{reason}",
            draw=draw.pk,
            reason=reason,
        ),
        actor=actor,
    )


def publish_predecessor_proofs(*, publication: Publication, reviewer: User) -> list[Publication]:
    """When a draw's proof is published, publish the proofs of the aborted draws it replaced
    (Art. 18 allows it now: they concern the same task and window). Same author and reviewer
    as the proof that carries them, so the two-person rule holds for these too."""
    from spotcheck.disclosure.publications import _create, _transition

    draw = Draw.objects.select_related("replaces", "task__lead_department").get(
        pk=publication.source_id
    )
    out = []
    previous = draw.replaces
    while previous is not None:
        if previous.has_proof() and draw_publication(K.DRAW_PROOF, previous) is None:
            pub = _create(
                actor=publication.author,
                kind=K.DRAW_PROOF,
                source=previous,
                department=publication.department,
                supersedes=None,
                correction_note="",
                # The same Art. 17 delay as the proof that carries it, if any: a scheduled
                # record without its date would never go public.
                restriction_reason=publication.restriction_reason,
                withheld_fields=[],
                delayed_until=publication.delayed_until,
            )
            out.append(
                _transition(
                    pub,
                    reviewer,
                    publication.state,
                    f"已作废抽取的证明，随第{draw.pk}号抽取的证明一并公示",
                    published_at=publication.published_at,
                    reviewer=reviewer,
                    reviewed_at=publication.reviewed_at,
                )
            )
        previous = previous.replaces
    return out
