"""Server-rendered SVG charts: readable without JavaScript, printable, and the same markup in
the browser and in the briefing's PDF (WeasyPrint). The numbers are always printed beside
the bars, and the page puts a table of them next to the chart."""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
BAR = "#a4161a"  # 人大红, as on the site
INK = "#1a1a1a"
WIDTH, LABEL, ROW, GAP = 420, 140, 30, 8


def _short(text: str, limit: int = 8) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(rows: list[dict], *, title: str, value: str = "count", limit: int = 12) -> SafeString:
    """A horizontal bar chart of ``rows`` (``label`` and ``value`` keys), largest first as
    given; at most ``limit`` bars. Empty data gives an empty string (the page says so)."""
    rows = [r for r in rows if r.get(value) is not None][:limit]
    if not rows:
        return SafeString("")
    top = max(r[value] for r in rows) or 1
    span = WIDTH - LABEL - 50
    height = len(rows) * (ROW + GAP) + GAP
    bars = format_html_join(
        "",
        "<g><title>{}: {}</title>"
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" font-size="16" fill="{}">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" rx="2"></rect>'
        '<text x="{}" y="{}" dominant-baseline="middle" font-size="16" fill="{}">{}</text></g>',
        (
            (
                r["label"],
                r[value],
                LABEL - 8,
                GAP + i * (ROW + GAP) + ROW / 2,
                INK,
                _short(r["label"]),
                LABEL,
                GAP + i * (ROW + GAP),
                max(2, round(span * r[value] / top)) if r[value] else 0,
                ROW,
                BAR,
                LABEL + (max(2, round(span * r[value] / top)) if r[value] else 0) + 6,
                GAP + i * (ROW + GAP) + ROW / 2,
                INK,
                r[value],
            )
            for i, r in enumerate(rows)
        ),
    )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}" font-family="{}" width="100%" preserveAspectRatio="xMinYMin meet">'
        "<title>{}</title>{}</svg>",
        WIDTH,
        height,
        title,
        FONT,
        title,
        bars,
    )
