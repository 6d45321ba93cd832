"""What the dashboard and the briefing show beside their figures: one list of charts, used by
the dashboard page, the briefing's pages and its PDF (the exports read the same context)."""

from typing import NamedTuple

from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from reports.charts import bar_chart

# The volume breakdowns, in the order the pages show them: key, chart title, table title (a
# sheet of the exports).
VOLUME_CHARTS = (
    ("channel", _("By channel"), _("Opinions by channel")),
    ("district", _("By district"), _("Opinions by district")),
    ("street", _("By street"), _("Opinions by street")),
    ("category", _("By category"), _("Opinions by category")),
    ("request_type", _("By request type"), _("Opinions by request type")),
    ("route", _("By route"), _("Opinions by route")),
)


MINUS = "\u2212"  # −, the minus sign, not a hyphen


def signed(change: float | None) -> str | None:
    """A change in per cent as the pages, the briefing and its PDF write it: with its sign and
    one decimal (``+121.2``, ``−5.0``, ``0.0``); the templates add the ``%``. None stays None
    (nothing to compare with: "—")."""
    if change is None:
        return None
    if round(change, 1) == 0:
        return "0.0"
    return f"{'+' if change > 0 else MINUS}{abs(change):.1f}"


def changes(volume: dict) -> dict:
    return {"previous": signed(volume["change_previous"]), "year": signed(volume["change_year"])}


class Chart(NamedTuple):
    key: str
    title: str
    svg: SafeString
    rows: list


def volume_charts(volume: dict) -> list[Chart]:
    return [
        Chart(
            key, str(title), bar_chart(volume[f"by_{key}"], title=str(title)), volume[f"by_{key}"]
        )
        for key, title, _table in VOLUME_CHARTS
    ]


def overdue_chart(units: list[dict]) -> SafeString:
    return bar_chart(
        [{"label": u["unit"], "count": u["overdue"]} for u in units if u["overdue"]],
        title=str(_("Overdue now, by unit")),
    )


def hot_topics_chart(hot_topics: list[dict]) -> SafeString:
    return bar_chart(
        [{"label": t["word"], "count": t["count"]} for t in hot_topics],
        title=str(_("Hot topics")),
    )


COVERAGE = (
    ("sites", _("Liaison sites")),
    ("representatives", _("Representatives' codes")),
    ("placements", _("QR placements")),
)


def dashboard_context(figures: dict) -> dict:
    return {
        "figures": figures,
        "changes": changes(figures["volume"]),
        "charts": volume_charts(figures["volume"]),
        "overdue_chart": overdue_chart(figures["units"]),
        "coverage": [(key, title, figures["coverage"][key]) for key, title in COVERAGE],
    }


def briefing_context(version, *, printing: bool = False) -> dict:
    """A briefing version (or a draft shown like one) for its page and its PDF."""
    f = version.figures
    charts = {chart.key: chart for chart in volume_charts(f["volume"])}
    return {
        "version": version,
        "f": f,
        "changes": changes(f["volume"]),
        "hot_topics": [{**t, "change": signed(t["change"])} for t in f["hot_topics"]],
        "charts": charts,
        "overdue_chart": overdue_chart(f["units"]),
        "hot_chart": hot_topics_chart(f["hot_topics"]),
        "printing": printing,
    }
