"""Read paths of the routing app: cases scoped to who is asking (DESIGN section 6)."""

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from representatives.models import AreaLevel, Role
from representatives.selectors import area_ids_under
from routing.models import OPEN_STATUSES, Case, CaseStatus, ExtensionRequest, Supervision
from routing.routes import ROUTES, Action, Body
from routing.search import search_q


def case_scope(user) -> Q | None:
    """The cases ``user`` may see, as a filter; None when they may see none.

    Committee staff: their area and everything under it (a street working committee its
    street, a district its district, the city everything). A unit: the cases currently
    dispatched to it. A representative: what came in through their codes or log, and what
    was routed to them. Station staff: their site's. Leaders read aggregates, not cases.
    """
    official = getattr(user, "official", None) if user.is_authenticated else None
    if official is None or not user.is_active:
        return None
    if official.role == Role.COMMITTEE_STAFF and official.area_id:
        return cases_in_area(official.area)
    if official.role == Role.UNIT_STAFF and official.unit_id:
        return Q(unit_id=official.unit_id)
    if official.role == Role.REPRESENTATIVE:
        rep = getattr(user, "representative", None)
        return Q(representative=rep) if rep is not None else None
    if official.role == Role.STATION_STAFF and official.site_id:
        return Q(site_id=official.site_id)
    return None


def cases_in_area(area) -> Q:
    """The cases of ``area`` and of every area under it. A street's by the cases' own street
    column (its indexes list a street's cases in date order); any other area's by the ids of
    its subtree."""
    if area.tier == area.TIERS[AreaLevel.STREET]:  # a street or a township: its own street
        return Q(street_id=area.pk)
    return Q(area_id__in=area_ids_under(area))


def get_case_for_user_or_404(user, case_id: int) -> Case:
    """One case the user may see, with what its page shows; 404 otherwise (visibility
    equals existence)."""
    scope = case_scope(user)
    if scope is None:
        raise Http404
    case = (
        Case.objects.filter(scope, pk=case_id)
        .select_related(
            "area",
            "area__district",
            "area__street",
            "category",
            "unit",
            "site",
            "representative",
            "supervisor__official",
            "merged_into",
        )
        .first()
    )
    if case is None:
        raise Http404
    return case


QUEUES: dict[str, Callable[[datetime], Q]] = {
    # key: (label is in the view; the filter here)
    "to_classify": lambda now: Q(status__in=[CaseStatus.NEW, CaseStatus.REOPENED]),
    "to_review": lambda now: Q(status=CaseStatus.UNDER_REVIEW),
    "to_verify": lambda now: Q(status=CaseStatus.RESPONDED),
    "overdue": lambda now: Q(status__in=OPEN_STATUSES, resolve_by__lt=now),
    "due_soon": lambda now: Q(
        status__in=OPEN_STATUSES, resolve_by__gte=now, resolve_by__lt=now + timedelta(days=3)
    ),
    # 待督办: supervision called for (overdue, a second dissatisfied rating, a leader's
    # instruction), no supervisor named yet.
    "to_supervise": lambda now: Q(status__in=OPEN_STATUSES, supervision=Supervision.REQUESTED),
    "supervised": lambda now: Q(status__in=OPEN_STATUSES, supervision=Supervision.ACTIVE),
    "returned": lambda now: Q(status=CaseStatus.RETURNED),
    "awaiting_rating": lambda now: Q(status=CaseStatus.REPLIED),
    # The few cases with a pending request, found from that side (an EXISTS per case made
    # PostgreSQL walk every case in date order looking for them).
    "extensions": lambda now: Q(
        pk__in=ExtensionRequest.objects.filter(state=ExtensionRequest.State.PENDING).values(
            "case_id"
        )
    ),
    "all": lambda now: Q(),
}


NEWEST = ("-created_at", "-pk")
# The deadline queues list the nearest deadline first (the most overdue at the top); the
# others the newest case first.
QUEUE_ORDER = {"overdue": ("resolve_by", "pk"), "due_soon": ("resolve_by", "pk")}


# How long the queue counts of one scope may be reused while no case changes (decision 0020).
COUNTS_FRESH_FOR = 60


def queue_counts(user) -> dict[str, int]:
    """How many cases wait in each queue. The open-case counts are one aggregate, kept in the
    cache for ``COUNTS_FRESH_FOR`` seconds under the scope and the time of the last change to
    any case (a city's count reads every open case: ≈90 ms at a million cases), so a change
    shows at once and the passing of a deadline within a minute; the pending extension
    requests are counted live. A cache miss costs one query more than the aggregate alone."""
    scope = case_scope(user)
    if scope is None:
        return {}
    now = timezone.now()
    changed = Case.objects.aggregate(at=Max("updated_at"))["at"]
    scope_key = hashlib.blake2b(repr(scope).encode(), digest_size=12).hexdigest()
    key = f"queue-counts:{scope_key}:{changed.timestamp() if changed else 0}"
    counts = cache.get(key)
    if counts is None:
        aggregates = {
            key: Count("pk", filter=make(now))
            for key, make in QUEUES.items()
            if key not in ("all", "extensions")
        }
        # Every counted queue holds open cases only: the filter lets PostgreSQL read the
        # partial index case_open_by_area instead of the whole table.
        counts = Case.objects.filter(scope, status__in=OPEN_STATUSES).aggregate(**aggregates)
        cache.set(key, counts, COUNTS_FRESH_FOR)
    counts["extensions"] = ExtensionRequest.objects.filter(
        state=ExtensionRequest.State.PENDING, case__in=Case.objects.filter(scope)
    ).count()
    return counts


def case_list_for_user(
    user,
    *,
    queue: str = "all",
    area=None,
    category=None,
    route: str = "",
    unit=None,
    status: str = "",
    since=None,
    until=None,
    search: str = "",
) -> QuerySet:
    """A scoped, filtered list of cases, newest first, with what a list row shows (a fixed
    number of queries however many rows)."""
    scope = case_scope(user)
    if scope is None:
        return Case.objects.none()
    qs = Case.objects.filter(scope).filter(QUEUES.get(queue, QUEUES["all"])(timezone.now()))
    if area is not None:
        qs = qs.filter(cases_in_area(area))
    if category is not None:
        qs = qs.filter(category=category)
    if route:
        qs = qs.filter(route=route)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if status:
        qs = qs.filter(status=status)
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    if search:
        qs = qs.filter(search_q(search))
    return qs.select_related("area", "category", "unit").order_by(*QUEUE_ORDER.get(queue, NEWEST))


# The routes a representative or station answers directly, and at which status.
DIRECT_REPLY_AT = [
    (p.route, s.status)
    for p in ROUTES.values()
    for s in p.steps
    if s.action == Action.DIRECT_REPLY and s.body == Body.RESPONDER
]


def direct_reply_cases_for_user(user, *, limit: int = 50) -> QuerySet:
    """Direct-route cases waiting for this representative's or station's reply, oldest
    first (they have the nearest deadline)."""
    scope = case_scope(user)
    official = getattr(user, "official", None)
    if (
        scope is None
        or official is None
        or official.role
        not in (
            Role.REPRESENTATIVE,
            Role.STATION_STAFF,
        )
    ):
        return Case.objects.none()
    return (
        Case.objects.filter(scope)
        .filter(_awaiting_direct_reply())
        .select_related("area")
        .only("pk", "status", "summary", "resolve_by", "created_at", "area__name")
        .order_by("resolve_by", "created_at", "pk")[:limit]
    )


def _awaiting_direct_reply() -> Q:
    condition = Q(pk__in=[])
    for route, status in DIRECT_REPLY_AT:
        condition |= Q(route=route, status=status)
    return condition


def case_awaits_direct_reply(case: Case) -> bool:
    return (case.route, case.status) in DIRECT_REPLY_AT
