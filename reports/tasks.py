"""Thin task adapters for the briefing and the dashboards' roll-up."""

from celery import shared_task
from django.utils import timezone

from reports.periods import Period
from reports.rollup import rollup_refresh
from reports.services.briefing import briefing_compile, briefings_compile_requested
from representatives.models import Area


@shared_task(acks_late=True)
def compile_quarterly_briefing_task() -> int:
    """Beat, at the start of each quarter: a draft of the quarter that ended, for the city
    (the root area). Recompiling an existing draft keeps its narrative, so a rerun is safe."""
    period = Period.last_complete_quarter(timezone.localdate())
    root = Area.objects.filter(parent__isnull=True).order_by("path").first()
    if root is None:
        return 0
    briefing = briefing_compile(period=period, area=root)
    return briefing.pk


@shared_task(acks_late=True)
def compile_requested_briefings_task() -> int:
    """Staff's "compile" button, and beat every minute for a request whose task was lost."""
    return briefings_compile_requested()


@shared_task(acks_late=True)
def refresh_report_counts_task(full: bool = False) -> dict:
    """Beat: the dashboards' roll-up for the months that changed (every few minutes), and in
    full once a night (a safety net for changes no event announces)."""
    return rollup_refresh(full=full)
