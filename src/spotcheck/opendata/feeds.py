"""Atom 1.0 feed of the latest public events: publications, corrections and withdrawals.

Entry ids are tag URIs (RFC 4151) made from the record's stable URL and its publication date,
so a reader never sees the same event twice and never mistakes a correction or a withdrawal
for the record it changes: each has an id of its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, get_tag_uri
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from spotcheck.disclosure import selectors
from spotcheck.disclosure.selectors_feed import FeedEntry, feed_entries

FEED_SIZE = 50
# Feed title prefixes: nouns, unlike the same words on buttons elsewhere.
EVENT_LABEL = {
    "published": pgettext_lazy("feed event", "公示"),
    "correction": pgettext_lazy("feed event", "更正"),
    "withdrawn": pgettext_lazy("feed event", "撤回"),
}


@dataclass(frozen=True)
class _Query:
    filters: selectors.PublicFilters
    # Scheme and host of the site, for the ids; the (shared) feed object must not keep it.
    base: str


@dataclass(frozen=True)
class _Item:
    entry: FeedEntry
    base: str


class PublicationFeed(Feed):
    feed_type = Atom1Feed
    title = _("双随机、一公开 · 最新公示")
    subtitle = _("最新公示、更正和撤回的记录（个人信息已脱敏）")
    author_name = "spotcheck"

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, errors = selectors.parse_public_filters(request.GET)
        if errors:
            text = _g("参数错误：") + "\n" + "\n".join(f"{k}：{v}" for k, v in errors.items())
            return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> _Query:
        filters, _ = selectors.parse_public_filters(request.GET)
        return _Query(filters, request.build_absolute_uri("/")[:-1])

    def link(self) -> str:
        # The page that describes this feed and the other datasets.
        return reverse("opendata:index")

    def feed_guid(self, obj: _Query) -> str:
        return obj.base + reverse("opendata:feed")

    def items(self, obj: _Query) -> list[_Item]:
        return [_Item(e, obj.base) for e in feed_entries(obj.filters, limit=FEED_SIZE)]

    def item_title(self, it: _Item) -> str:
        item = it.entry
        if item.event == "published":
            return item.publication.title
        return f"【{EVENT_LABEL[item.event]}】{item.publication.title}"

    def item_description(self, it: _Item) -> str:
        item, p = it.entry, it.entry.publication
        parts = [
            _g("%(kind)s · %(department)s · 第 %(version)s 版")
            % {"kind": p.get_kind_display(), "department": p.department.name, "version": p.version}
        ]
        if item.event == "correction" and p.supersedes_id:
            note = _g("更正第 %(pk)s 号记录。") % {"pk": p.supersedes_id}
            parts.append(f"{note}{p.correction_note}")
        if item.event == "withdrawn":
            parts.append(_g("已撤回。理由：%(reason)s") % {"reason": p.withdrawal_reason})
        return "\n".join(parts)

    def item_link(self, it: _Item) -> str:
        return reverse("portal:detail", args=[it.entry.publication.pk])

    def item_guid(self, it: _Item) -> str:
        published_at = it.entry.publication.published_at
        assert published_at is not None
        path = self.item_link(it) + ("withdrawn" if it.entry.event == "withdrawn" else "")
        # get_tag_uri keeps only the host and path of the URL: the scheme does not matter.
        return get_tag_uri(it.base + path, published_at)

    item_guid_is_permalink = False

    def item_pubdate(self, it: _Item) -> dt.datetime | None:
        return it.entry.publication.published_at

    def item_updateddate(self, it: _Item) -> dt.datetime:
        return it.entry.at

    def item_categories(self, it: _Item) -> list[str]:
        return [str(it.entry.publication.get_kind_display()), str(EVENT_LABEL[it.entry.event])]

    def item_author_name(self, it: _Item) -> str:
        return it.entry.publication.department.name
