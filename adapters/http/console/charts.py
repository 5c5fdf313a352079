"""Horizontal bar charts as inline SVG, rendered on the server: no script, no CDN.

The SVG fills its container's width (width 100%, height from the viewBox), so on a
control-room screen the bars and labels grow with it; text is sized in viewBox units (FONT)
for a 1000-unit-wide chart, i.e. about 16 px on a 1000 px wide container.
"""

from html import escape
from typing import NamedTuple

ROW, LABEL_W, BAR_W, VALUE_W, FONT = 30, 300, 560, 140, 16
LABEL_CHARS = 18  # CJK characters fit LABEL_W at FONT; longer labels end in … (full in <title>)


class Bar(NamedTuple):
    """One bar: the shown label, the value, and the stable id it stands for (station id...)."""

    label: str
    value: int | float
    id: str | None = None


def bar_chart(rows: list[tuple[str, int | float]] | list[Bar], title: str,
              unit: str = "") -> str:
    """An accessible SVG bar chart (role=img, <title>, one <g data-key> per bar; data-id
    when the bar stands for a record, so two same-named stations stay apart)."""
    if not rows:
        return f'<p class="empty">{escape(title)}: 无数据 (no data)</p>'
    bars = [row if isinstance(row, Bar) else Bar(*row) for row in rows]
    top = max(bar.value for bar in bars) or 1
    height = ROW * len(bars) + 10
    width = LABEL_W + BAR_W + VALUE_W
    parts = [(f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
              f'preserveAspectRatio="xMinYMin meet" font-size="{FONT}" '
              f'xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'),
             f"<title>{escape(title)}</title>"]
    for i, bar in enumerate(bars):
        y = 5 + i * ROW
        length = max(1.0, BAR_W * bar.value / top)
        label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[:LABEL_CHARS - 1] + "…"
        record = f' data-id="{escape(bar.id)}"' if bar.id else ""
        parts.append(
            f'<g data-key="{escape(bar.label)}"{record} data-value="{bar.value}">'
            f"<title>{escape(bar.label)}: {bar.value}{escape(unit)}</title>"
            f'<text x="{LABEL_W - 8}" y="{y + ROW / 2 + FONT / 3:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{length:.1f}" height="{ROW - 8}" rx="3"/>'
            f'<text x="{LABEL_W + length + 8:.1f}" y="{y + ROW / 2 + FONT / 3:.1f}">'
            f"{bar.value}{escape(unit)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)


def hours(rows: list[dict]) -> list[tuple[str, int]]:
    """Counts by hour of day as 24 bars (00–23), zeros included, for the day-curve chart."""
    by_hour = {int(r["key"]): r["tickets"] for r in rows if str(r["key"]).isdigit()}
    return [(f"{h:02d}:00", by_hour.get(h, 0)) for h in range(24)]
