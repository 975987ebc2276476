"""Times as the public reads them: in the bureau's time zone, with the zone said.

Proof documents carry RFC 3339 instants (older ones in UTC); shown raw, a draw committed at
05:01 Beijing time on the 5th reads "2026-12-04T21:01:07+00:00" and looks a day early.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

register = template.Library()


def zone_label() -> str:
    name = timezone.get_current_timezone_name()
    if name in {"Asia/Shanghai", "Asia/Chongqing", "PRC"}:
        return _("北京时间")
    offset = timezone.localtime().strftime("%z")
    return f"{name}（UTC{offset[:3]}:{offset[3:]}）"


def _parse(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else None
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else None


@register.filter
def public_time(value: Any) -> str:
    """'2026-12-05 05:01:07 北京时间' for an aware datetime or an RFC 3339 string; anything
    else (an unparseable string from an odd payload) is shown as it is."""
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    return f"{timezone.localtime(parsed):%Y-%m-%d %H:%M:%S} {zone_label()}"


@register.simple_tag
def public_zone() -> str:
    """The zone every date and time on the portal is in, for the footer."""
    return zone_label()
