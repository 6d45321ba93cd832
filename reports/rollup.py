"""The dashboards' monthly roll-up (decision 0011): counts kept per month, leaf area and value,
so that a dashboard sums a few thousand rows instead of counting a quarter's cases.

``rollup_refresh`` brings the table up to date: the first time (or with ``full=True``) it
counts every month; afterwards only the (month, leaf area) cells that rows written since the
last refresh fall in: where new opinions, ratings and events landed and, for every case with
an event since then, the month and area it was opened in and the months it was closed in (a
reopening takes a case out of an old month's closings). Each block of figures is recounted
for those cells with one ``GROUP BY``, set-based, and replaces their old rows; a refresh
with nothing new reads only what was written since and writes nothing. The Celery beat
runs it every few minutes and once a night in full; a briefing runs it before it counts.

``rollup_dashboard`` answers ``reports.metrics.dashboard_counted`` from the table for periods of whole
months (quarters, months, years) once it has been built: 11 queries whatever the number of
cases. Other periods are counted from the rows (``reports.metrics``). The definitions are the
same; a test builds both from the same hand-made cases and compares them.
"""

import logging
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import (
    CharField,
    Count,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from common.months import add_months
from feedback.models import Rating, Satisfaction, Submission
from reports import metrics
from reports.models import MonthlyCount, RollupState
from reports.periods import Period
from representatives.models import Area
from routing.models import Case, CaseEvent, CaseStatus, Category, HandlingUnit

logger = logging.getLogger(__name__)

S = CaseStatus
# A refresh looks this far behind the last one: an event written in a transaction that was
# still open when the last refresh ran is picked up by the next.
OVERLAP = timedelta(minutes=10)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _month_of(field: str) -> TruncMonth:
    return TruncMonth(field, tzinfo=_zone(), output_field=DateField())


# Which (month, leaf area) cells to count: each month maps to its areas, or to None for all.
Cells = dict[date, set[int] | None]


def _cells_q(cells: Cells, in_month, area_field: str) -> Q:
    """Rows ``in_month(month)`` of one of the months of ``cells`` whose ``area_field`` is one
    of that month's areas (any area where the month maps to None)."""
    condition = Q(pk__in=[])
    for month, areas in sorted(cells.items()):
        cell = in_month(month)
        if areas is not None:
            cell &= Q(**{f"{area_field}__in": sorted(areas)})
        condition |= cell
    return condition


def _in_cells(field: str, area_field: str, cells: Cells) -> Q:
    """Source rows of ``cells``: ``field`` in the month, ``area_field`` one of its areas."""

    def in_month(month: date) -> Q:
        start, end = Period(month, add_months(month, 1)).bounds()
        return Q(**{f"{field}__gte": start, f"{field}__lt": end})

    return _cells_q(cells, in_month, area_field)


def _rows(figure: str, groups, key) -> list[MonthlyCount]:
    """One ``MonthlyCount`` per group (``m``, ``a`` and ``n``, maybe ``t``); ``key(group)``
    names its value."""
    return [
        MonthlyCount(
            figure=figure,
            month=g["m"],
            area_id=g["a"],
            key=key(g),
            count=g["n"],
            total=g["t"].total_seconds() if g.get("t") else 0,
        )
        for g in groups
    ]


def _field(name: str):
    return lambda g: "" if g[name] is None else str(g[name])


def _present(name: str):
    """The value as a key, or None (not counted) where the row has none."""
    return lambda g: None if g[name] is None else str(g[name])


def _marginals(groups, keys: dict) -> list[MonthlyCount]:
    """One joint ``GROUP BY`` summed into each figure's own counts (one scan of the month
    instead of one per figure); ``keys[figure](group)`` names the value, None to skip."""
    sums = Counter()
    for g in groups:
        for figure, key in keys.items():
            if (value := key(g)) is not None:
                sums[figure, g["m"], g["a"], value] += g["n"]
    return [
        MonthlyCount(figure=figure, month=month, area_id=area, key=key, count=n)
        for (figure, month, area, key), n in sums.items()
    ]


def _opinions(cells: Cells) -> list[MonthlyCount]:
    """Submissions by channel, request type, and the site, representative and placement whose
    code brought them (亮码覆盖面), per month of receipt and area."""
    keys = {
        "opinions.channel": lambda g: metrics.channel_key(g["channel"], g["partner"]),
        "opinions.type": _field("request_type"),
        "opinions.site": _present("site_id"),
        "opinions.rep": _present("representative_id"),
        "opinions.placement": _present("placement_id"),
    }
    groups = (
        Submission.objects.filter(_in_cells("created_at", "area_id", cells))
        .annotate(m=_month_of("created_at"), a=F("area_id"))
        .values(
            "m",
            "a",
            "channel",
            "partner",
            "request_type",
            "site_id",
            "representative_id",
            "placement_id",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    return _marginals(groups, keys)


# A case opened in a month, as the unit table counts it.
UNIT_BUCKET = Choose(
    When(
        status=S.CLOSED,
        resolve_by__isnull=False,
        replied_at__lte=F("resolve_by"),
        then=Value("on_time"),
    ),
    When(status=S.CLOSED, resolve_by__isnull=False, then=Value("late")),
    When(status__in=metrics.RESOLVED, then=Value("resolved")),
    default=Value("open"),
    output_field=CharField(),
)


def _cases(cells: Cells) -> list[MonthlyCount]:
    """Cases opened in the month (merged ones count in the case they joined) by status,
    category, route, and unit with what became of them."""
    keys = {
        "cases.status": _field("status"),
        "cases.category": _field("category_id"),
        "cases.route": _field("route"),
        "cases.supervision": lambda g: g["supervision"] or None,
        "cases.unit": lambda g: None if g["unit_id"] is None else f"{g['unit_id']}:{g['bucket']}",
    }
    groups = (
        Case.objects.filter(_in_cells("created_at", "area_id", cells))
        .exclude(status=S.MERGED)
        .annotate(m=_month_of("created_at"), a=F("area_id"), bucket=UNIT_BUCKET)
        .values("m", "a", "status", "category_id", "route", "supervision", "unit_id", "bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _marginals(groups, keys)


def _closings(cells: Cells) -> list[MonthlyCount]:
    """Cases closed in the month (by the time they were closed): on time, late or without a
    deadline, with the time they took summed."""
    groups = (
        Case.objects.filter(_in_cells("closed_at", "area_id", cells), status=S.CLOSED)
        .annotate(
            m=_month_of("closed_at"),
            a=F("area_id"),
            bucket=Choose(
                When(resolve_by__isnull=True, then=Value("none")),
                When(replied_at__lte=F("resolve_by"), then=Value("on_time")),
                default=Value("late"),
                output_field=CharField(),
            ),
            took=ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField()),
        )
        .values("m", "a", "bucket")
        .annotate(n=Count("id"), t=Sum("took"))
        .order_by()
    )
    return _rows("closings", groups, _field("bucket"))


def _ratings(cells: Cells) -> list[MonthlyCount]:
    groups = (
        Rating.objects.filter(_in_cells("created_at", "case__area_id", cells))
        .annotate(m=_month_of("created_at"), a=F("case__area_id"))
        .values("m", "a", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _rows("ratings", groups, _field("value"))


def _events(cells: Cells) -> list[MonthlyCount]:
    """Reopenings, returns, escalations and (public) extensions, by the month they happened."""
    groups = (
        CaseEvent.objects.filter(
            metrics.COUNTED_EVENTS, _in_cells("created_at", "case__area_id", cells)
        )
        .annotate(
            m=_month_of("created_at"),
            a=F("case__area_id"),
            bucket=Choose(
                *(When(q, then=Value(name)) for name, q in metrics.EVENT_FIGURES.items()),
                default=Value(""),
                output_field=CharField(),
            ),
        )
        .values("m", "a", "bucket")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _rows("events", [g for g in groups if g["bucket"]], _field("bucket"))


# Each block recounts its figures for a set of months.
BLOCKS = {
    "opinions": (
        _opinions,
        [
            "opinions.channel",
            "opinions.type",
            "opinions.site",
            "opinions.rep",
            "opinions.placement",
        ],
    ),
    "cases": (
        _cases,
        ["cases.status", "cases.category", "cases.route", "cases.supervision", "cases.unit"],
    ),
    "closings": (_closings, ["closings"]),
    "ratings": (_ratings, ["ratings"]),
    "events": (_events, ["events"]),
}


def _months_between(first: datetime, last: datetime) -> set[date]:
    month = timezone.localtime(first, _zone()).date().replace(day=1)
    end = timezone.localtime(last, _zone()).date().replace(day=1)
    months = set()
    while month <= end:
        months.add(month)
        month = add_months(month, 1)
    return months


def _every_month(now: datetime) -> set[date]:
    """From the month of the first opinion or case to now: everything else happens later."""
    first = [
        Submission.objects.aggregate(first=Min("created_at"))["first"],
        Case.objects.aggregate(first=Min("created_at"))["first"],
    ]
    first = [when for when in first if when is not None]
    return _months_between(min(first), now) if first else set()


def _cells(queryset, field: str, area_field: str) -> Cells:
    """The (month of ``field``, ``area_field``) pairs of ``queryset``'s rows, one query."""
    cells: dict[date, set[int] | None] = defaultdict(set)
    pairs = queryset.annotate(m=_month_of(field)).values_list("m", area_field).distinct().order_by()
    for month, area in pairs:
        cells[month].add(area)  # type: ignore[union-attr]
    return dict(cells)


def _changed_cells(since: datetime) -> dict[str, Cells]:
    """The (month, leaf area) cells each block must recount after ``since``: where new
    opinions, ratings and counted events fell; for every case with an event since, the month
    and area it was opened in and every month it was closed in (a reopening takes it out of
    an old month's closings). 5 queries, each reading only the rows written since."""
    touched = CaseEvent.objects.filter(created_at__gte=since).values("case_id")
    return {
        "opinions": _cells(
            Submission.objects.filter(created_at__gte=since), "created_at", "area_id"
        ),
        "cases": _cells(Case.objects.filter(pk__in=touched), "created_at", "area_id"),
        "closings": _cells(
            CaseEvent.objects.filter(case_id__in=touched, to_status=S.CLOSED),
            "created_at",
            "case__area_id",
        ),
        "ratings": _cells(
            Rating.objects.filter(created_at__gte=since), "created_at", "case__area_id"
        ),
        "events": _cells(
            CaseEvent.objects.filter(metrics.COUNTED_EVENTS, created_at__gte=since),
            "created_at",
            "case__area_id",
        ),
    }


def _stored_in(cells: Cells) -> Q:
    """The roll-up's rows of ``cells``."""
    return _cells_q(cells, lambda month: Q(month=month), "area_id")


def rollup_refresh(*, full: bool = False, now: datetime | None = None) -> dict[str, int]:
    """Recount what may have changed: every month when ``full`` or the first time, else only
    the (month, area) cells that rows written since the last refresh fall in; return the
    number of rows written per block. One transaction; the state row's lock makes
    concurrent refreshes wait for each other. Callers: the beat tasks, the briefing,
    ``refresh_report_counts`` and the seeders."""
    now = now or timezone.now()
    with transaction.atomic():
        state, _ = RollupState.objects.select_for_update().get_or_create(pk=1)
        full = full or state.refreshed_at is None
        if full:
            every: Cells = dict.fromkeys(_every_month(now))
            changed = dict.fromkeys(BLOCKS, every)
            MonthlyCount.objects.all().delete()
        else:
            changed = _changed_cells(state.refreshed_at - OVERLAP)
        written = {}
        for block, cells in changed.items():
            count, figures = BLOCKS[block]
            written[block] = 0
            if not cells:
                continue
            if not full:
                MonthlyCount.objects.filter(_stored_in(cells), figure__in=figures).delete()
            ordered = sorted(cells)
            # A quarter at a time: each query's groups stay a few tens of thousands of rows.
            for first in range(0, len(ordered), 3):
                chunk = {month: cells[month] for month in ordered[first : first + 3]}
                written[block] += len(
                    MonthlyCount.objects.bulk_create(count(chunk), batch_size=5000)
                )
        state.refreshed_at = now
        state.save(update_fields=["refreshed_at"])
    logger.info("report counts refreshed (%s): %s", "full" if full else "changed cells", written)
    return written


def refreshed_at() -> datetime | None:
    return RollupState.objects.filter(pk=1).values_list("refreshed_at", flat=True).first()


def rollup_dashboard(period: Period, area: Area, *, at: datetime | None = None) -> dict | None:
    """``reports.metrics.dashboard_counted`` from the roll-up, or None when it cannot answer (a period
    that is not whole months, or a roll-up never built). 11 queries."""
    if period.start.day != 1 or period.end.day != 1:
        return None
    as_of = refreshed_at()
    if as_of is None:
        return None
    at = at or timezone.now()
    counts = MonthlyCount.objects.filter(metrics.within(area))
    previous, year_before = period.previous(), period.year_before()
    around = counts.filter(
        _months_of(period) | _months_of(previous) | _months_of(year_before),
        figure="opinions.type",
    ).aggregate(
        now=Sum("count", filter=_months_of(period), default=0),
        previous=Sum("count", filter=_months_of(previous), default=0),
        year_before=Sum("count", filter=_months_of(year_before), default=0),
    )
    in_period = counts.filter(_months_of(period))
    figures = defaultdict(Counter)
    seconds = 0.0
    for row in in_period.values("figure", "key").annotate(n=Sum("count"), t=Sum("total")):
        figures[row["figure"]][row["key"]] += row["n"]
        seconds += row["t"] if row["figure"] == "closings" else 0
    per_area = in_period.filter(figure="opinions.type").values("area_id").annotate(n=Sum("count"))
    return {
        "period": {"key": period.key, "label": period.label},
        "area": {"id": area.pk, "name": area.name},
        "volume": metrics.volume_result(around, _breakdowns(figures, per_area)),
        "handling": _handling(figures, seconds, as_of),
        "units": _units(figures, period, area, at),
        "coverage": metrics.coverage_result(
            area,
            {
                key: {int(pk): n for pk, n in figures[figure].items()}
                for key, figure in (
                    ("sites", "opinions.site"),
                    ("representatives", "opinions.rep"),
                    ("placements", "opinions.placement"),
                )
            },
        ),
    }


def _months_of(period: Period) -> Q:
    return Q(month__gte=period.start, month__lt=period.end)


def _breakdowns(figures, per_area) -> dict:
    """2 queries: the areas' district and street, the categories' names."""
    places = {a["pk"]: a for a in Area.objects.values("pk", "district__name", "street__name")}
    opinions = {
        "channel": figures["opinions.channel"],
        "request_type": figures["opinions.type"],
        "district": Counter(),
        "street": Counter(),
    }
    for row in per_area:
        place = places.get(row["area_id"], {})
        opinions["district"][place.get("district__name") or ""] += row["n"]
        opinions["street"][place.get("street__name") or ""] += row["n"]
    names = dict(Category.objects.values_list("pk", "name"))
    category = Counter()
    for key, n in figures["cases.category"].items():
        category[names.get(int(key), "") if key else ""] += n
    return metrics.breakdowns_result(
        opinions, {"category": category, "route": figures["cases.route"]}
    )


def _handling(figures, seconds: float, as_of: datetime) -> dict:
    status, closings = figures["cases.status"], figures["closings"]
    opened = sum(status.values())
    resolved = status[S.REPLIED] + status[S.CLOSED]
    counts = {
        "opened": opened,
        "responded": opened - status[S.NEW],
        "not_accepted": status[S.NOT_ACCEPTED],
        "resolved": resolved,
        "open": opened - resolved - status[S.NOT_ACCEPTED],
        "supervised": sum(figures["cases.supervision"].values()),
    }
    timing = {
        "closed": sum(closings.values()),
        "with_deadline": closings["on_time"] + closings["late"],
        "on_time": closings["on_time"],
        "seconds": seconds,
    }
    ratings = figures["ratings"]
    rated = {
        "given": sum(ratings.values()),
        "satisfied": ratings[Satisfaction.SATISFIED],
        "basically": ratings[Satisfaction.BASICALLY],
        "dissatisfied": ratings[Satisfaction.DISSATISFIED],
    }
    events = figures["events"]
    return metrics.handling_result(
        counts,
        timing,
        rated,
        {k: events[k] for k in ("reopened", "returned", "escalated", "extended")},
        as_of,
    )


def _units(figures, period: Period, area: Area, at: datetime) -> list[dict]:
    """The unit table: counts from the roll-up, what each unit holds past its deadline now
    from the open cases (it changes by the minute without any event). 2 queries."""
    rows = defaultdict(lambda: dict.fromkeys(("cases", "resolved", "closed", "on_time"), 0))
    for key, n in figures["cases.unit"].items():
        unit_id, bucket = key.split(":")
        row = rows[int(unit_id)]
        row["cases"] += n
        row["resolved"] += n if bucket != "open" else 0
        row["closed"] += n if bucket in ("on_time", "late") else 0
        row["on_time"] += n if bucket == "on_time" else 0
    overdue = dict(
        metrics.cases_within(area)
        .filter(
            metrics.in_period(period, "created_at"),
            status__in=metrics.HELD_BY_UNIT,
            resolve_by__lt=at,
            unit__isnull=False,
        )
        .values_list("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    names = dict(HandlingUnit.objects.filter(pk__in=[*rows, *overdue]).values_list("pk", "name"))
    return metrics.units_result(
        {
            names[pk]: {**rows[pk], "overdue": overdue.get(pk, 0)}
            for pk in sorted({*rows, *overdue})
            if pk in names
        }
    )
