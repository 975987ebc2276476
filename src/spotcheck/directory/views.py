"""Shared pieces of the directory pages: pagination, change history, service-call plumbing.

The pages themselves live in views_items.py, views_targets.py, views_inspectors.py and
views_conflicts.py; every one of them is thin: parse, check access, call one service/selector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django import forms
from django.core.paginator import Page, Paginator
from django.db import models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_m2m_reverse_field_name

from spotcheck.accounts.models import User
from spotcheck.core.errors import NotAllowed, ServiceError
from spotcheck.directory.models import SupervisionGrade, TargetKind

PAGE_SIZE = 50
T = TypeVar("T")


def current_user(request: HttpRequest) -> User:
    """The logged-in user (every page is behind login_required)."""
    return cast(User, request.user)


def field_label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def require(allowed: bool, message: str) -> None:
    """Raise 403 unless ``allowed``; the message is shown on the 403 page."""
    if not allowed:
        raise NotAllowed(message)


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows: an exact COUNT(*) over a provincial directory (10^7
    targets, or a text search that matches no index) costs seconds on every page view, and
    nobody pages past the 200th page of 50 — they narrow the filters, which the pager says."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        items: Any = self.object_list
        if isinstance(items, models.QuerySet):
            # Unordered: the ORDER BY of the page would make PostgreSQL walk the whole sort
            # index to find cap + 1 rows of a region (0.3 s at 10^6) instead of using the
            # filter's own index; how many rows there are does not depend on the order.
            return items.order_by()[: self.cap + 1].count()
        return len(items)

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def paginate(
    request: HttpRequest, items: Any, *, capped: bool = False
) -> tuple[Page[Any], list[Any]]:
    """50 a page; a bad or out-of-range ``page`` falls back to a valid page instead of a 500.
    ``capped``: count at most CappedPaginator.cap rows (lists that grow with the province)."""
    paginator = (CappedPaginator if capped else Paginator)(items, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    return page, page_range


def call_service(form: forms.BaseForm, fn: Callable[[], T]) -> T | None:
    """Run a service; a business-rule refusal becomes a form error, NotAllowed stays a 403."""
    try:
        return fn()
    except ServiceError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None


# --- change history ------------------------------------------------------------------------

HISTORY_TYPES = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
HISTORY_LIMIT = 200


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryRow:
    at: Any
    user: Any
    kind: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(model_field: Any, value: Any) -> str:
    """Human-readable value of one field in a history snapshot."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(model_field, models.BooleanField):
        return _("是") if value else _("否")
    if isinstance(model_field, models.ManyToManyField):
        # simple-history gives the through rows as dicts; show the related objects' names.
        key = get_m2m_reverse_field_name(model_field)
        rows = [row for row in value if isinstance(row, dict) and key in row]
        related_model: Any = model_field.related_model
        names = {
            obj.pk: str(obj)
            for obj in related_model._default_manager.filter(pk__in=[r[key] for r in rows])
        }
        return (
            "、".join(sorted(_link_text(names.get(r[key], f"#{r[key]}"), r) for r in rows)) or "—"
        )
    if isinstance(model_field, models.ForeignKey):
        fk_model: Any = model_field.related_model
        obj = fk_model._default_manager.filter(pk=value).first()
        return str(obj) if obj is not None else f"#{value}"
    if model_field.name == "target_kinds" and isinstance(value, list):
        labels = dict(TargetKind.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _link_text(name: str, row: dict[str, Any]) -> str:
    """A supervising department in a history snapshot, with the attributes it set itself
    (a change of only those shows up as a change of this text)."""
    own = []
    if row.get("supervision_grade") is not None:
        grade = dict(SupervisionGrade.choices).get(
            row["supervision_grade"], row["supervision_grade"]
        )
        own.append(_("监管等级%(grade)s") % {"grade": grade})
    if row.get("key_industry") is not None:
        own.append(_("重点行业") if row["key_industry"] else _("非重点行业"))
    return f"{name}（{'，'.join(own)}）" if own else name


def history_rows(obj: Any, *, hidden: Iterable[str] = ()) -> list[HistoryRow]:
    """Newest first: who changed what, each field as old → new (Art. 7 full change history)."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LIMIT + 1
        ]
    )
    model = type(obj)
    skip = set(hidden)
    rows: list[HistoryRow] = []
    for i, rec in enumerate(records[:HISTORY_LIMIT]):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes: list[FieldChange] = []
        if prev is not None and rec.history_type != "+":
            for change in rec.diff_against(prev).changes:
                if change.field in skip:
                    continue
                model_field = model._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        label=str(getattr(model_field, "verbose_name", change.field)),
                        old=_display(model_field, change.old),
                        new=_display(model_field, change.new),
                    )
                )
        kind = str(HISTORY_TYPES.get(rec.history_type, rec.history_type))
        rows.append(
            HistoryRow(at=rec.history_date, user=rec.history_user, kind=kind, changes=changes)
        )
    return rows


def record_fields(obj: Any, names: Iterable[str]) -> list[tuple[str, str]]:
    """(label, display value) pairs for a detail page, labels from the model's verbose_names."""
    rows = []
    for name in names:
        model_field = obj._meta.get_field(name)
        if isinstance(model_field, models.ManyToManyField):
            value = "、".join(str(o) for o in getattr(obj, name).all()) or "—"
        elif model_field.choices and name != "target_kinds":
            value = str(getattr(obj, f"get_{name}_display")()) or "—"
        else:
            value = _display(model_field, getattr(obj, name))
        rows.append((str(model_field.verbose_name), value))
    return rows
