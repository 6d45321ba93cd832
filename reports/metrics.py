"""The figures of the dashboards and the quarterly briefing, each one SQL aggregate.

Every function takes a period and an area (the subtree whose cases count) and returns plain
values (numbers, strings, lists of dicts), so that a briefing can store them as issued. The
number of queries is fixed: it does not grow with the number of cases (tests pin it).
Definitions are in docs/reports.md; the tests recompute them from hand-made cases.
"""

from collections import Counter
from datetime import datetime

from django.db.models import (
    Avg,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import Channel, Rating, RequestType, Satisfaction, Submission
from reports.periods import Period
from representatives.models import Area, LiaisonSite, QRPlacement, Representative
from routing.models import Case, CaseEvent, CaseStatus, Route, Supervision

S = CaseStatus
HELD_BY_UNIT = [S.DISPATCHED, S.IN_PROGRESS]
RESOLVED = [S.REPLIED, S.CLOSED]


# The case events the figures count, one definition for the live figures and the roll-up. A
# reopening counts however it came about: a resident's 不满意 rating (a rating event) as much as
# staff sending a reply back.
EVENT_FIGURES = {
    "reopened": Q(to_status=S.REOPENED),
    "returned": Q(kind=CaseEvent.Kind.RETURN),
    "escalated": Q(kind=CaseEvent.Kind.ESCALATED),
    "extended": Q(kind=CaseEvent.Kind.EXTENSION, is_public=True),
}
COUNTED_EVENTS = Q(
    kind__in=[CaseEvent.Kind.RETURN, CaseEvent.Kind.ESCALATED, CaseEvent.Kind.EXTENSION]
) | Q(to_status=S.REOPENED)


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal; None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


def change(now: int, before: int) -> float | None:
    """Change on an earlier period, in per cent; None when the earlier one had none."""
    return round(100 * (now - before) / before, 1) if before else None


def in_period(period: Period, field: str) -> Q:
    start, end = period.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def within(area: Area, field: str = "area") -> Q:
    """Rows of ``area``'s subtree, as ``area_id IN (subtree)`` (a semi-join on the small area
    table, no join per row); no condition at all for the root (the whole city)."""
    if area.parent_id is None:
        return Q()
    return Q(**{f"{field}__in": Area.objects.filter(path__startswith=area.path)})


def _submissions(period: Period, area: Area):
    return Submission.objects.filter(in_period(period, "created_at"), within(area))


def cases_within(area: Area):
    return Case.objects.filter(within(area))


def channel_key(channel: str, partner: str = "") -> str:
    """A submission's line in the channel breakdown: each partner channel (the Open311 API's
    keys) by its name, ``partner:12345热线``; any other channel by itself."""
    return f"{channel}:{partner}" if partner else channel


def _channel_label(key: str) -> str:
    channel, _sep, partner = key.partition(":")
    label = str(Channel(channel).label) if channel in Channel.values else channel
    return f"{label}：{partner}" if partner else label


def _ranked(counts: Counter, labels: dict, empty: str) -> list[dict]:
    """``[{"key", "label", "count", "share"}]``, largest first."""
    whole = sum(counts.values())
    return [
        {
            "key": key,
            "label": str(labels.get(key, key)) if key else empty,
            "count": count,
            "share": rate(count, whole),
        }
        for key, count in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    ]


def _breakdowns(period: Period, area: Area) -> dict[str, list[dict]]:
    """Opinions by channel, district, street and request type (what a submission says of
    itself) in one ``GROUP BY`` on the submissions alone, the area's district and street
    looked up here; cases by category and route (what staff decided) in one ``GROUP BY`` on
    the cases opened in the period. 3 queries, a few thousand groups however many rows."""
    places = {a["pk"]: a for a in Area.objects.values("pk", "district__name", "street__name")}
    opinions = {name: Counter() for name in ("channel", "district", "street", "request_type")}
    groups = (
        _submissions(period, area)
        .values("channel", "partner", "area_id", "request_type")
        .annotate(count=Count("id"))
        .order_by()
    )
    for group in groups:
        place = places.get(group["area_id"], {})
        opinions["channel"][channel_key(group["channel"], group["partner"])] += group["count"]
        opinions["district"][place.get("district__name") or ""] += group["count"]
        opinions["street"][place.get("street__name") or ""] += group["count"]
        opinions["request_type"][group["request_type"]] += group["count"]
    decided = {"category": Counter(), "route": Counter()}
    cases = (
        cases_within(area)
        .filter(in_period(period, "created_at"))
        .exclude(status=S.MERGED)
        .values("category__name", "route")
        .annotate(count=Count("id"))
        .order_by()
    )
    for group in cases:
        decided["category"][group["category__name"] or ""] += group["count"]
        decided["route"][group["route"] or ""] += group["count"]
    return breakdowns_result(opinions, decided)


def breakdowns_result(opinions: dict[str, Counter], decided: dict[str, Counter]) -> dict:
    """The six rankings from counts by channel, district and street names, request type
    (opinions) and category name and route (cases)."""
    return {
        "by_channel": _ranked(
            opinions["channel"], {key: _channel_label(key) for key in opinions["channel"]}, ""
        ),
        "by_district": _ranked(opinions["district"], {}, _("City level")),
        "by_street": _ranked(opinions["street"], {}, _("District level or above")),
        "by_request_type": _ranked(opinions["request_type"], dict(RequestType.choices), ""),
        "by_category": _ranked(decided["category"], {}, _("Not yet classified")),
        "by_route": _ranked(decided["route"], dict(Route.choices), _("Not yet routed")),
    }


def volume(period: Period, area: Area) -> dict:
    """Opinions received in the period (submissions: one person, once, one channel), with the
    same period before and a year earlier, and broken down six ways. 4 queries."""
    previous, year_before = period.previous(), period.year_before()
    around = Submission.objects.filter(
        in_period(period, "created_at")
        | in_period(previous, "created_at")
        | in_period(year_before, "created_at"),
        within(area),
    ).aggregate(
        now=Count("id", filter=in_period(period, "created_at")),
        previous=Count("id", filter=in_period(previous, "created_at")),
        year_before=Count("id", filter=in_period(year_before, "created_at")),
    )
    return volume_result(around, _breakdowns(period, area))


def volume_result(around: dict, breakdowns: dict) -> dict:
    return {
        "total": around["now"],
        "previous": around["previous"],
        "year_before": around["year_before"],
        "change_previous": change(around["now"], around["previous"]),
        "change_year": change(around["now"], around["year_before"]),
        **breakdowns,
    }


def handling(period: Period, area: Area, *, at: datetime | None = None) -> dict:
    """How the period's cases were handled, as of ``at`` (now). 4 queries.

    Cases count once however many opinions they gathered; cases merged into another count in
    the one they joined.
    """
    at = at or timezone.now()
    opened = cases_within(area).filter(in_period(period, "created_at")).exclude(status=S.MERGED)
    counts = opened.aggregate(
        opened=Count("id"),
        responded=Count("id", filter=~Q(status=S.NEW)),
        not_accepted=Count("id", filter=Q(status=S.NOT_ACCEPTED)),
        resolved=Count("id", filter=Q(status__in=RESOLVED)),
        open=Count("id", filter=~Q(status__in=[*RESOLVED, S.NOT_ACCEPTED])),
        # Supervision is counted apart from the route ("by route" keeps the real route).
        supervised=Count("id", filter=~Q(supervision=Supervision.NONE)),
    )
    closed = (
        cases_within(area)
        .filter(in_period(period, "closed_at"), status=S.CLOSED)
        .annotate(
            took=ExpressionWrapper(F("closed_at") - F("created_at"), output_field=DurationField())
        )
    )
    timing = closed.aggregate(
        closed=Count("id"),
        with_deadline=Count("id", filter=Q(resolve_by__isnull=False)),
        on_time=Count("id", filter=Q(resolve_by__isnull=False, replied_at__lte=F("resolve_by"))),
        average=Avg("took"),
    )
    ratings = Rating.objects.filter(
        in_period(period, "created_at"), within(area, "case__area")
    ).aggregate(
        given=Count("id"),
        satisfied=Count("id", filter=Q(value=Satisfaction.SATISFIED)),
        basically=Count("id", filter=Q(value=Satisfaction.BASICALLY)),
        dissatisfied=Count("id", filter=Q(value=Satisfaction.DISSATISFIED)),
    )
    events = CaseEvent.objects.filter(
        COUNTED_EVENTS, in_period(period, "created_at"), within(area, "case__area")
    ).aggregate(**{name: Count("id", filter=q) for name, q in EVENT_FIGURES.items()})
    average = timing.pop("average")
    timing["seconds"] = average.total_seconds() * timing["closed"] if average else 0
    return handling_result(counts, timing, ratings, events, at)


def handling_result(counts: dict, timing: dict, ratings: dict, events: dict, at) -> dict:
    """The rates from the counts (definitions in docs/reports.md). ``timing`` holds the
    closings: ``closed``, ``with_deadline``, ``on_time`` and ``seconds`` (to close, summed)."""
    return {
        **counts,
        "response_rate": rate(counts["responded"], counts["opened"]),
        "resolution_rate": rate(counts["resolved"], counts["opened"] - counts["not_accepted"]),
        "supervised_rate": rate(counts["supervised"], counts["opened"]),
        "closed": timing["closed"],
        "closed_with_deadline": timing["with_deadline"],
        "on_time": timing["on_time"],
        "on_time_rate": rate(timing["on_time"], timing["with_deadline"]),
        "average_days": (
            round(timing["seconds"] / timing["closed"] / 86400, 1) if timing["closed"] else None
        ),
        **{f"ratings_{k}": v for k, v in ratings.items()},
        "satisfaction_rate": rate(ratings["satisfied"] + ratings["basically"], ratings["given"]),
        **events,
        "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M"),
    }


def by_unit(period: Period, area: Area, *, at: datetime | None = None) -> list[dict]:
    """Per handling unit, the period's cases sent to it: how many, resolved, on time, and
    how many it holds past the deadline now. 1 query."""
    at = at or timezone.now()
    rows = (
        cases_within(area)
        .filter(in_period(period, "created_at"), unit__isnull=False)
        .exclude(status=S.MERGED)
        .values("unit__name")
        .annotate(
            cases=Count("id"),
            resolved=Count("id", filter=Q(status__in=RESOLVED)),
            closed=Count("id", filter=Q(status=S.CLOSED, resolve_by__isnull=False)),
            on_time=Count(
                "id",
                filter=Q(
                    status=S.CLOSED, resolve_by__isnull=False, replied_at__lte=F("resolve_by")
                ),
            ),
            overdue=Count("id", filter=Q(status__in=HELD_BY_UNIT, resolve_by__lt=at)),
        )
        .order_by()
    )
    return units_result({r.pop("unit__name"): r for r in rows})


def units_result(rows: dict[str, dict]) -> list[dict]:
    """``{unit name: {cases, resolved, closed, on_time, overdue}}`` as the table's rows, the
    units holding most cases past their deadline first."""
    ranked = sorted(rows.items(), key=lambda kv: (-kv[1]["overdue"], -kv[1]["cases"], kv[0]))
    return [
        {
            "unit": name,
            "cases": r["cases"],
            "resolved": r["resolved"],
            "on_time_rate": rate(r["on_time"], r["closed"]),
            "overdue": r["overdue"],
        }
        for name, r in ranked
    ]


def coverage(period: Period, area: Area) -> dict:
    """亮码覆盖面: which sites, representatives and placements brought opinions in during the
    period, and which brought none. 6 queries: each list, and the period's opinions counted
    per site, representative and placement (index range on the time, then a small GROUP BY).
    """
    subs = _submissions(period, area)
    counts = {
        key: dict(
            subs.filter(**{f"{field}__isnull": False})
            .values_list(field)
            .annotate(n=Count("id"))
            .order_by()
        )
        for key, field in COVERAGE_FIELDS.items()
    }
    return coverage_result(area, counts)


COVERAGE_FIELDS = {
    "sites": "site_id",
    "representatives": "representative_id",
    "placements": "placement_id",
}


def coverage_result(area: Area, counts: dict[str, dict]) -> dict:
    """Every active site, representative and placement of ``area`` with the opinions it
    brought (``counts``: per list, by primary key). 3 queries, one per list."""
    lists = {
        "sites": (
            LiaisonSite.objects.filter(is_active=True, **_path(area, "area__path"))
            .order_by("name")
            .values_list("pk", "name", Value(""))
        ),
        "representatives": (
            Representative.objects.filter(is_active=True, **_path(area, "sites__area__path"))
            .distinct()
            .order_by("name")
            .values_list("pk", "name", Value(""))
        ),
        "placements": (
            QRPlacement.objects.filter(
                Q(**_path(area, "code__site__area__path"))
                | Q(**_path(area, "code__representative__sites__area__path")),
                revoked_at__isnull=True,
            )
            .distinct()
            .order_by("name")
            .values_list("pk", "name", Coalesce("code__site__name", "code__representative__name"))
        ),
    }
    result = {}
    for key, items in lists.items():
        brought = counts[key]
        rows = sorted(
            ({"name": name, "of": of or "", "count": brought.get(pk, 0)} for pk, name, of in items),
            key=lambda r: (-r["count"], r["name"]),
        )
        reached = sum(1 for r in rows if r["count"])
        result[key] = {
            "rows": rows,
            "total": len(rows),
            "reached": reached,
            "rate": rate(reached, len(rows)),
        }
    return result


def _path(area: Area, path: str) -> dict:
    return {} if area.parent_id is None else {f"{path}__startswith": area.path}


def dashboard_counted(period: Period, area: Area, *, at: datetime | None = None) -> dict:
    """Everything the dashboard shows, counted from the rows: 16 queries, whatever the number
    of cases (``reports.dashboard`` chooses between this and the roll-up)."""
    return {
        "period": {"key": period.key, "label": period.label},
        "area": {"id": area.pk, "name": area.name},
        "volume": volume(period, area),
        "handling": handling(period, area, at=at),
        "units": by_unit(period, area, at=at),
        "coverage": coverage(period, area),
    }
