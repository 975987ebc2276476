"""Publishing through the services, as the public portal and search tests need it."""

from __future__ import annotations

from typing import Any

from spotcheck.directory.models import Target
from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.models import Publication
from spotcheck.disclosure.publications import (
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
)
from spotcheck.inspections.models import Inspection
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_submit,
)
from tests.inspections.conftest import Scene

OPERATOR = "张三"
SHOP = "银川市金凤区张三便利店"
MASKED_SHOP = "银川市金凤区张*便利店"


def accepted_individual(scene: Scene) -> Inspection:
    """The scene's target turned into an individual business named after its operator, with
    an accepted inspection that found a problem."""
    Target.objects.filter(pk=scene.target.pk).update(
        kind="individual",
        name=SHOP,
        legal_representative=OPERATOR,
        address="银川市金凤区北京中路168号3号楼301室",
    )
    scene.target.refresh_from_db()
    scene.item.target_kinds = ["enterprise", "individual"]
    scene.item.save()
    problem = scene.cats["pending_follow_up"]
    inspection = scene.save(
        overall_category=problem,
        item_results=[ItemResultInput(scene.item, problem, f"经营者{OPERATOR}未按规定备案")],
    )
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    return inspection_review(actor=scene.p.section, inspection=inspection, accept=True)


def approve(scene: Scene, pub: Publication) -> Publication:
    pub = publication_submit(actor=scene.p.section, publication=pub)
    return publication_review(actor=scene.section2, publication=pub, approve=True)


def publish(scene: Scene, kind: str, source: Any, **kw: Any) -> Publication:
    if kind == "draw_commitment":
        # Committing a draw publishes its commitment at once (no draft, no review).
        found = draw_publication(kind, source)
        assert found is not None
        return found
    return approve(scene, publication_draft(actor=scene.p.section, kind=kind, source=source, **kw))


def correct(scene: Scene, pub: Publication, note: str) -> Publication:
    return approve(scene, publication_correct(actor=scene.p.section, publication=pub, note=note))
