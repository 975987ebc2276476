"""Reason codes of excluded pool lines (docs/draw-protocol.md, §4.1) and how people read them.

A target in a task's scope is never silently left out of a draw: it is committed as an excluded
line with one of these codes, so the pool can be checked against the directory. The codes are
part of the public proof; the labels are for the staff pages and the portal.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Target statuses other than active (directory.TargetStatus values) are codes as they are.
YEARLY_CAP = "yearly_cap"
EXCLUSION_LABELS = {
    "deregistered": _("已注销"),
    "revoked": _("已吊销"),
    "cancelled": _("已撤销"),
    "moved": _("已迁出"),
    YEARLY_CAP: _("本年度已被检查2次（第十三条）"),
}


def exclusion_label(code: str) -> str:
    return str(EXCLUSION_LABELS.get(code, code))
