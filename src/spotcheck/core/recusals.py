"""Recusal reason codes (docs/draw-protocol.md, §11) and how people read them.

The public proof carries the code only; the free-text note of a recusal stays on the staff
pages. The labels serve the staff pages, the recusal form and the portal.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecusalReason(models.TextChoices):
    KINSHIP = "kinship", _("近亲属关系")
    INTEREST = "interest", _("其他利害关系")
    PRIOR_INVOLVEMENT = "prior_involvement", _("曾参与该对象相关案件或检查")
    OTHER = "other", _("其他可能影响公正执法的情形")


def recusal_label(code: str) -> str:
    """The label of a registered code; any other code (the protocol allows new ones) as is."""
    return str(dict(RecusalReason.choices).get(code, code))
