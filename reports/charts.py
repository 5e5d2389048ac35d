"""Charts drawn on the server as inline SVG (WeasyPrint renders them; labels in Chinese, no script)."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ["#2f6db5", "#d9822b", "#3a9a5b", "#c23b3b", "#7a5cb0", "#5b8fa8", "#b5892f", "#8a8a8a", "#4c6b2f"]


def bar_chart(title: str, items: list[tuple[str, int]], *, width: int = 480) -> str:
    """A horizontal bar chart: one labelled bar per (label, value), the value at its end; "" when all are 0."""
    if not any(value for _label, value in items):
        return ""
    bar, gap, left, top = 16, 6, 110, 26
    height = top + max(1, len(items)) * (bar + gap) + 8
    peak = max((v for _l, v in items), default=0) or 1
    room = width - left - 50
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="10">',
             f'<text x="0" y="14" font-size="11" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(items):
        y = top + i * (bar + gap)
        length = round(room * value / peak)
        parts.append(f'<text x="{left - 6}" y="{y + bar - 4}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y}" width="{max(length, 1)}" height="{bar}" '
                     f'fill="{COLOURS[i % len(COLOURS)]}"/>')
        parts.append(f'<text x="{left + length + 4}" y="{y + bar - 4}">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every label is escaped above
