"""Template helpers of the publication pages: a readable rendering of a stored payload, and the
"公示" box that source pages (item list, plan, task, draw, inspection, penalty) include."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from spotcheck.core import access
from spotcheck.disclosure.forms_publications import REDACTION_LABELS, field_label
from spotcheck.disclosure.models import PublicationKind
from spotcheck.disclosure.publications import can_draft
from spotcheck.disclosure.selectors_staff import (
    active_publication,
    drafting_department,
    not_ready_reason,
    publications_of,
)

register = template.Library()

# Byte-exact documents (draw commitment and proof) are shown as recorded, folded.
_DOCUMENT_KEYS = {"document"}


def _value(value: Any) -> SafeString:
    if value is None or value == "" or value == []:
        return format_html('<span class="muted">{}</span>', _("无"))
    if isinstance(value, dict):
        rows = format_html_join(
            "",
            "<tr><th>{}</th><td>{}</td></tr>",
            ((field_label(k), _value(v)) for k, v in value.items()),
        )
        return format_html('<table class="kv">{}</table>', rows)
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            keys: list[str] = []
            for row in value:
                keys.extend(k for k in row if k not in keys)
            head = format_html_join("", "<th>{}</th>", ((field_label(k),) for k in keys))
            body = format_html_join(
                "",
                "<tr>{}</tr>",
                (
                    (format_html_join("", "<td>{}</td>", ((_value(row.get(k)),) for k in keys)),)
                    for row in value
                ),
            )
            return format_html(
                '<div class="table-wrap"><table class="list"><thead><tr>{}</tr></thead>'
                "<tbody>{}</tbody></table></div>",
                head,
                body,
            )
        return format_html("{}", "、".join(str(v) for v in value))
    return format_html("{}", value)


@register.filter
def payload_html(payload: dict[str, Any]) -> SafeString:
    """The payload as a label/value table, nested records as tables, documents folded."""
    rows = []
    for key, value in (payload or {}).items():
        if key in _DOCUMENT_KEYS:
            text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
            cell = format_html(
                "<details><summary>{}</summary><pre>{}</pre></details>", _("展开查看"), text
            )
        else:
            cell = _value(value)
        rows.append((key, field_label(key), cell))
    return format_html(
        '<table class="kv payload">{}</table>',
        format_html_join("", '<tr data-field="{}"><th>{}</th><td>{}</td></tr>', rows)
        if rows
        else mark_safe(""),
    )


@register.filter
def field_labels(keys: list[str]) -> str:
    return "、".join(field_label(k) for k in keys or [])


@register.filter
def redaction_labels(kinds: list[str]) -> str:
    return "、".join(str(REDACTION_LABELS.get(k, k)) for k in kinds or [])


@register.inclusion_tag("disclosure/_source_box.html", takes_context=True)
def publication_box(context: template.Context, kind: str, source: Any) -> dict[str, Any]:
    """Existing publications of ``source`` with their states, and a "发起公示" link for a
    clerk who may draft one (or why it cannot be published yet)."""
    user = context.get("user") or context["request"].user
    if source is None or not access.can_view_publications(user):
        return {"show": False}
    rows = [p for p in publications_of(source, user=user) if p.kind == kind]
    department = drafting_department(kind, source, user)
    may_draft = department is not None and can_draft(user, department)
    not_ready = not_ready_reason(kind, source) if may_draft else ""
    if may_draft and not not_ready:
        assert department is not None
        # The current one is corrected from its page, not drafted again.
        may_draft = active_publication(kind, source, department) is None
    return {
        "show": bool(rows) or may_draft,
        "rows": rows,
        "kind": kind,
        "kind_label": PublicationKind(kind).label,
        "source_pk": source.pk,
        "may_draft": may_draft and not not_ready,
        "not_ready": not_ready,
    }
