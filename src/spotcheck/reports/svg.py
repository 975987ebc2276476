"""Server-rendered SVG bar charts: no JavaScript, no CDN, readable offline and in print."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

PALETTE = ("#1f4e8c", "#3a7bd5", "#6fa8dc", "#b3261e", "#e69138", "#6aa84f", "#8e7cc3")


def bar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    max_value: float | None = None,
    width: int = 560,
    percent: bool = False,
) -> SafeString:
    """Horizontal bars, one row per (label, value); labels and title are escaped."""
    bar_h, gap, label_w, top = 22, 8, 190, 30
    height = top + len(rows) * (bar_h + gap) + 10
    peak = max_value if max_value is not None else max((v for _, v in rows), default=0) or 1
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = 0 if peak <= 0 else max(0.0, min(1.0, value / peak)) * plot_w
        shown = f"{value * 100:.1f}%" if percent else f"{value:g}{unit}"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
            f'fill="{PALETTE[i % len(PALETTE)]}"><title>{escape(label)}: {escape(shown)}</title></rect>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" font-size="12">{escape(shown)}</text>'
        )
    if not rows:
        # Outside the f-string, where makemessages can find it.
        empty = escape(_("暂无数据"))
        parts.append(f'<text x="0" y="{top + 15}" font-size="12" fill="#667085">{empty}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
