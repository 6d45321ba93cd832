"""The dashboard's figures: the one place that chooses between the monthly roll-up and
counting the rows.

The roll-up answers periods of whole months once it has been built (11 queries,
``reports.rollup``); anything else, or a caller that needs the rows as they are now
(``live``: a briefing being compiled), is counted from the rows (16 queries,
``reports.metrics``). Neither grows with the number of cases."""

from datetime import datetime

from reports import metrics
from reports.periods import Period
from reports.rollup import rollup_dashboard
from representatives.models import Area


def dashboard_figures(
    period: Period, area: Area, *, at: datetime | None = None, live: bool = False
) -> dict:
    if not live and (figures := rollup_dashboard(period, area, at=at)) is not None:
        return figures
    return metrics.dashboard_counted(period, area, at=at)
