"""A briefing's tables as one Excel workbook and its pages as a PDF (WeasyPrint)."""

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from reports.context import briefing_context
from reports.exports import tables, to_xlsx


def briefing_sheets(figures: dict) -> list[tuple[str, list[str], list[list]]]:
    """The dashboard tables, then hot topics, proposals and the appendix of cases."""
    h = figures["handling"]
    supervised = str(_("supervised follow-up (督办)"))
    sheets = [
        (
            _("Overview"),
            [_("Figure"), _("Value")],
            [
                [_("Opinions received"), figures["volume"]["total"]],
                [_("Change on the previous period"), figures["volume"]["change_previous"]],
                [_("Change on a year earlier"), figures["volume"]["change_year"]],
                [_("Cases opened"), h["opened"]],
                [_("Response rate"), h["response_rate"]],
                [_("Resolution rate"), h["resolution_rate"]],
                [_("Satisfaction rate"), h["satisfaction_rate"]],
                [_("Closed on time"), h["on_time_rate"]],
                [_("Average days to close"), h["average_days"]],
                [_("Reopened (redo)"), h["reopened"]],
                [_("Returned by units"), h["returned"]],
                [_("Under supervision (督办)"), h.get("supervised")],
                [_("Escalated to supervision"), h["escalated"]],
            ],
        ),
        *[t for key, t in tables(figures).items() if key not in ("placements",)],
        (
            _("Hot topics"),
            [_("Topic"), _("Opinions"), _("Previous period"), _("Change (%)"), _("Main streets")],
            [
                [
                    t["word"],
                    t["count"],
                    t["previous"],
                    t["change"],
                    "、".join(f"{s['name']} {s['count']}" for s in t.get("streets", ())),
                ]
                for t in figures["hot_topics"]
            ],
        ),
        (
            _("Recurring issues"),
            [_("Street"), _("Category"), _("Opinions"), _("Cases")],
            [
                [c["street"], c["category"], c["count"], c["cases"]]
                for c in figures["proposals"]["suggestions"]
            ],
        ),
        (
            _("Appendix: cases"),
            [
                _("Case"),
                _("Received"),
                _("Street"),
                _("Category"),
                _("Route"),
                _("Status"),
                _("Unit"),
                _("Summary"),
            ],
            [
                [
                    r["ref"],
                    r["received"],
                    r["street"],
                    r["category"],
                    # Supervision sits on the route (an issued briefing before it has no flag).
                    " · ".join([r["route"], *([supervised] if r.get("supervised") else [])]),
                    r["status"],
                    r["unit"],
                    r["summary"],
                ]
                for r in figures["appendix"]["rows"]
            ],
        ),
    ]
    return sheets


def briefing_xlsx(figures: dict) -> bytes:
    return to_xlsx(briefing_sheets(figures))


def briefing_pdf(version, *, base_url: str) -> bytes:
    """A4, Chinese (Noto Sans CJK SC), page numbers "第 N 页 共 M 页", charts as SVG."""
    from PIL import ImageFile
    from weasyprint import HTML

    # Importing WeasyPrint makes Pillow accept truncated images, process-wide; the briefing
    # embeds none, and residents' uploads must still be refused when cut off (feedback.photos).
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    html = render_to_string("reports/briefing_print.html", briefing_context(version, printing=True))
    return HTML(string=html, base_url=base_url, url_fetcher=_fetch_nothing).write_pdf()


def _fetch_nothing(url, *args, **kwargs):
    """The briefing is self-contained (inline CSS and SVG, local fonts): WeasyPrint fetches
    nothing, so no text in it can make the server request a URL."""
    raise ValueError(f"the briefing fetches no resources ({url[:40]})")
