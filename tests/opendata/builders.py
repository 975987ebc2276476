"""Public records built through the publication services, with personal data planted in their
sources: an individual business (operator name, home address, ID number and mobile phone in
the findings) and inspectors with phone and employee numbers. Also a correction, a
withdrawal, and records that must never be public (a draft, one awaiting review)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from spotcheck.directory.models import Inspector, Target
from spotcheck.disclosure.draw_records import draw_publication
from spotcheck.disclosure.models import Publication
from spotcheck.disclosure.publications import (
    publication_correct,
    publication_draft,
    publication_review,
    publication_submit,
    publication_withdraw,
)
from spotcheck.inspections.services_followup import penalty_decide
from spotcheck.inspections.services_inspection import (
    ItemResultInput,
    inspection_review,
    inspection_submit,
)
from tests.inspections.conftest import Scene

OPERATOR = "张三丰"
ID_NO = "640106199001011234"
MOBILE = "13812345678"
HOME = "银川市金凤区北京中路168号3号楼301室"
INSPECTOR_PHONE = "13987654321"
EMPLOYEE_NO = "GH-778899"


@dataclass
class Records:
    result: Publication
    penalty_v1: Publication
    penalty_v2: Publication
    withdrawn: Publication
    inspectors: Publication
    proof: Publication
    draft: Publication
    submitted: Publication
    commitment: Publication

    def public(self) -> list[Publication]:
        """Records published and current (the draw's commitment was published at commit)."""
        return [self.commitment, self.result, self.penalty_v2, self.inspectors, self.proof]

    def openable(self) -> list[Publication]:
        """Every record the public may open (current, corrected, withdrawn)."""
        return [*self.public(), self.penalty_v1, self.withdrawn]

    def never_public(self) -> list[Publication]:
        return [self.draft, self.submitted]


def publish(scene: Scene, kind: str, source: Any, actor: Any = None) -> Publication:
    if kind == "draw_commitment":
        # Committing a draw publishes its commitment at once (no draft, no review).
        found = draw_publication(kind, source)
        assert found is not None
        return found
    pub = publication_draft(actor=actor or scene.p.section, kind=kind, source=source)
    pub = publication_submit(actor=actor or scene.p.section, publication=pub)
    return publication_review(actor=scene.section2, publication=pub, approve=True)


def build_records(scene: Scene) -> Records:
    Target.objects.filter(pk=scene.target.pk).update(
        kind="individual",
        name=f"银川市金凤区{OPERATOR}便利店",
        legal_representative=OPERATOR,
        address=HOME,
    )
    scene.target.refresh_from_db()
    scene.item.target_kinds = ["enterprise", "individual"]
    scene.item.save()
    Inspector.objects.filter(department=scene.p.dept).update(
        phone=INSPECTOR_PHONE, employee_no=EMPLOYEE_NO
    )
    problem = scene.cats["pending_follow_up"]
    inspection = scene.save(
        overall_category=problem,
        item_results=[
            ItemResultInput(
                scene.item,
                problem,
                f"经营者{OPERATOR}（身份证{ID_NO}，电话{MOBILE}，住{HOME}）未备案",
            )
        ],
    )
    inspection = inspection_submit(actor=scene.p.inspector, inspection=inspection)
    inspection = inspection_review(actor=scene.p.section, inspection=inspection, accept=True)
    result = publish(scene, "inspection_result", inspection)
    penalty = penalty_decide(
        actor=scene.p.section,
        inspection=inspection,
        decision_no="金商罚〔2026〕7号",
        penalty_kind="warning",
        amount=None,
        decided_on=timezone.localdate(),
        description=f"{OPERATOR}（电话{MOBILE}）未备案经营",
    )
    penalty_v1 = publish(scene, "penalty_decision", penalty)
    correction = publication_correct(actor=scene.p.section, publication=penalty_v1, note="更正文号")
    correction = publication_submit(actor=scene.p.section, publication=correction)
    penalty_v2 = publication_review(actor=scene.section2, publication=correction, approve=True)
    penalty_v1.refresh_from_db()
    withdrawn = publish(scene, "item_list", scene.p.dept)
    withdrawn = publication_withdraw(
        actor=scene.p.section, publication=withdrawn, reason="清单有误，将重新公示"
    )
    inspectors = publish(scene, "inspector_list", scene.p.dept)
    proof = publish(scene, "draw_proof", scene.draw)
    # (A draw commitment is published by draw_commit itself; an item list stays a draft.)
    draft = publication_draft(
        actor=scene.p.other_section, kind="item_list", source=scene.p.other_dept
    )
    submitted = publication_draft(
        actor=scene.p.section, kind="task_announcement", source=scene.task
    )
    submitted = publication_submit(actor=scene.p.section, publication=submitted)
    return Records(
        result=result,
        penalty_v1=penalty_v1,
        penalty_v2=penalty_v2,
        withdrawn=withdrawn,
        inspectors=inspectors,
        proof=proof,
        draft=draft,
        submitted=submitted,
        commitment=publish(scene, "draw_commitment", scene.draw),
    )
