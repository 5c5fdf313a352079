"""Horizontal bar charts as inline SVG, rendered on the server: no script, no CDN."""

from html import escape

ROW, LABEL_W, BAR_W, VALUE_W = 22, 180, 360, 60


def bar_chart(rows: list[tuple[str, int | float]], title: str, unit: str = "") -> str:
    """An accessible SVG bar chart (role=img, <title>, one <g data-key> per bar)."""
    if not rows:
        return f'<p class="empty">{escape(title)}: 无数据 (no data)</p>'
    top = max(value for _, value in rows) or 1
    height = ROW * len(rows) + 8
    width = LABEL_W + BAR_W + VALUE_W
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">',
             f"<title>{escape(title)}</title>"]
    for i, (key, value) in enumerate(rows):
        y = 4 + i * ROW
        bar = max(1.0, BAR_W * value / top)
        label = key if len(key) <= 22 else key[:21] + "…"
        parts.append(
            f'<g data-key="{escape(key)}" data-value="{value}">'
            f'<text x="{LABEL_W - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 6}" rx="2"/>'
            f'<text x="{LABEL_W + bar + 6:.1f}" y="{y + 15}">{value}{escape(unit)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def hours(rows: list[dict]) -> list[tuple[str, int]]:
    """Counts by hour of day as 24 bars (00–23), zeros included, for the day-curve chart."""
    by_hour = {int(r["key"]): r["tickets"] for r in rows if str(r["key"]).isdigit()}
    return [(f"{h:02d}:00", by_hour.get(h, 0)) for h in range(24)]
