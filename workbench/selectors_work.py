"""Read paths of the committee's workbench (DESIGN sections 4 and 6).

Kept apart from ``routing/selectors.py`` (shared with the desk and the reports) so that the
workbench's page-shaped reads do not churn the shared module. Every function starts from
``case_scope``: a case outside the user's scope does not exist for them.
"""

import re
import unicodedata
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.http import Http404
from django.utils import timezone

from common import crypto
from feedback.models import Submission, SubmissionPhoto, tracking_code_normalise
from feedback.selectors import rating_events_annotate
from feedback.selectors_similar import SimilarCase, case_households, similar_open_cases
from representatives.models import Area, Official, Role
from routing.models import (
    OPEN_STATUSES,
    TRIAGE_STATUSES,
    Case,
    CaseEvent,
    Category,
    DeadlineLevel,
    ExtensionRequest,
    HandlingUnit,
    MeetingDecision,
    ProgressMeeting,
    Supervision,
    SupervisionMilestone,
    UpwardReport,
)
from routing.routes import ROUTES, SUPERVISION
from routing.search import search_q
from routing.selectors import case_list_for_user, case_scope
from routing.similar import many_households

# What a list row shows; ``.only`` keeps the wide text columns (search_text, suggestion) out
# of a page of 25 rows.
LIST_FIELDS = (
    "pk",
    "status",
    "route",
    "summary",
    "urgent",
    "resolve_by",
    "submission_count",
    "created_at",
    "area__name",
    "category__name",
    "unit__name",
)


def committee_official_or_404(user) -> Official:
    """The signed-in user's committee-staff profile; 404 for everyone else (the workbench does
    not exist for them)."""
    official = getattr(user, "official", None) if user.is_authenticated else None
    if (
        official is None
        or not user.is_active
        or official.role != Role.COMMITTEE_STAFF
        or not official.area_id
    ):
        raise Http404
    return official


def workbench_area_choices(official: Official) -> QuerySet:
    """The areas under the official's own (districts, streets, communities), in tree order."""
    if official.area is None:
        return Area.objects.none()
    return (
        Area.objects.filter(path__startswith=official.area.path)
        .exclude(pk=official.area.pk)
        .only("pk", "name", "level", "path")
        .order_by("path")
    )


PHONE = re.compile(r"^(?:\+?86|0086)?(1[3-9]\d{9}|0\d{9,11})$")
# What a resident's name looks like in a search box once spaces are folded away (as
# ``crypto.name_hash`` folds them): two to six Han characters, or Arabic-script or Latin
# letters (a name given in Uyghur or English); the rest is only searched as words.
NAME = re.compile(
    r"^(?:[\u4e00-\u9fff·]{2,6}|[A-Za-z\u0600-\u06ff][A-Za-z\u0600-\u06ff.'-]{1,40})$"
)
NAMED_CASES = 100


def case_lookup(text: str) -> Q | None:
    """What a clerk with a resident on the phone types, as an exact look-up: a tracking code
    (KL-2611-7Q4M, kl26117q4m), a phone number (exact, by its keyed hash: contact details are
    encrypted and never scanned), or a case number (C-000301, 301). ``None`` for words."""
    code = tracking_code_normalise(text or "")
    if code is not None:
        return Q(pk__in=Submission.objects.filter(tracking_code=code).values("case_id"))
    compact = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text or ""))
    if PHONE.match(compact):
        phone = Submission.objects.filter(contact_phone_hash=crypto.phone_hash(compact))
        return Q(pk__in=phone.values("case_id"))
    pk = parse_reference(text)
    return Q(pk=pk) if pk is not None else None


def case_search_q(text: str) -> Q:
    """A search box's query: an exact look-up when it is one, else the cases whose text holds
    every word or whose resident gave this name (by its keyed hash)."""
    exact = case_lookup(text)
    if exact is not None:
        return exact
    words = search_q(text)
    if not NAME.match("".join(unicodedata.normalize("NFKC", text).split())):
        return words
    # A name's cases are read first, as a list: "words OR a subquery" made PostgreSQL scan
    # every case, where "words OR these ids" combines two index look-ups.
    named = Submission.objects.filter(contact_name_hash=crypto.name_hash(text)).exclude(case=None)
    return words | Q(pk__in=list(named.values_list("case_id", flat=True)[:NAMED_CASES]))


def workbench_case_list(
    user, *, queue: str = "all", since=None, until=None, search: str = "", **filters
) -> QuerySet:
    """``case_list_for_user`` with the list row's columns only, searched by ``case_search_q``.

    The date filters are applied here as a half-open range on ``created_at`` (local midnight
    to local midnight) rather than ``created_at__date``, so that the index on ``created_at``
    serves them: a ``__date`` cast in the WHERE clause cannot use it.
    """
    qs = case_list_for_user(user, queue=queue, **filters)
    if search.strip():
        qs = qs.filter(case_search_q(search))
    if since:
        qs = qs.filter(created_at__gte=timezone.make_aware(datetime.combine(since, time.min)))
    if until:
        end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
        qs = qs.filter(created_at__lt=end)
    photos = SubmissionPhoto.objects.filter(submission__case=OuterRef("pk"))
    return qs.only(*LIST_FIELDS).annotate(
        # The suggestion's route alone (a JSON key in SQL), not the whole suggestion column.
        suggested_route=KeyTextTransform("route", "suggestion"),
        has_photos=Exists(photos),
        # A resident wrote in Uyghur (or English): a badge on the row (decision 0025).
        other_language=Subquery(
            Submission.objects.filter(case=OuterRef("pk"))
            .exclude(language__startswith="zh")
            .values("language")[:1]
        ),
    )


def case_staff_detail(case: Case) -> dict:
    """Everything the committee's case page shows besides the case row itself, in a fixed
    number of queries however long the history is."""
    from feedback.models import Submission

    submissions = list(
        Submission.objects.filter(case=case)
        .select_related("area")
        .defer("contact_name_encrypted", "contact_phone_encrypted", "secret", "idempotency_key")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )
    events = list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor__official")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    extensions = list(
        ExtensionRequest.objects.filter(case=case)
        .select_related("unit", "requested_by", "decided_by")
        .order_by("-created_at")
    )
    last_rating = rating_events_annotate(case, events)
    suggestion = dict(case.suggestion or {})
    if suggestion.get("route") in ROUTES:
        suggestion["route_label"] = ROUTES[suggestion["route"]].label
    if suggestion.get("supervise"):
        suggestion["supervise_label"] = SUPERVISION.label
    if suggestion.get("deadline_level") in DeadlineLevel.values:
        suggestion["deadline_level_label"] = DeadlineLevel(suggestion["deadline_level"]).label
    if suggestion.get("confidence") is not None:
        suggestion["percent"] = round(float(suggestion["confidence"]) * 100)
    if suggestion.get("category"):
        category = Category.objects.filter(slug=suggestion["category"]).first()
        suggestion["category_name"] = category.name if category else suggestion["category"]
    households = case_households([case.pk]).get(case.pk, 0)
    return {
        "submissions": submissions,
        "households": households,
        # Many households on one open case not yet supervised: supervision is suggested (at
        # triage the route form's box is ticked; later, e.g. after a merge brought them, the
        # supervise form is opened). Staff confirm it either way.
        "households_suggest_supervision": many_households(households)
        and not case.supervision
        and case.status in OPEN_STATUSES,
        "timeline": events,
        "last_rating": last_rating,
        "pending_extensions": [e for e in extensions if e.state == ExtensionRequest.State.PENDING],
        "decided_extensions": [e for e in extensions if e.state != ExtensionRequest.State.PENDING],
        "upward_report": UpwardReport.objects.filter(case=case).first(),
        "milestones": list(SupervisionMilestone.objects.filter(case=case)),
        "meeting_decisions": list(
            MeetingDecision.objects.filter(case=case)
            .select_related("meeting")
            .order_by("-meeting__held_on", "-pk")
        ),
        "suggestion": suggestion,
        "result_event": next(
            (e for e in reversed(events) if e.kind == CaseEvent.Kind.RESULT), None
        ),
    }


def case_similar_for_user(user, case: Case) -> list[SimilarCase]:
    """The open cases of the case's street that the user may see and whose residents wrote
    much the same (``feedback.selectors_similar``): the case page's 相似意见 at triage."""
    scope = case_scope(user)
    if scope is None:
        return []
    return similar_open_cases(case, scope=scope)


def committee_staff_users() -> QuerySet:
    """Who may be named supervisor: active committee staff."""
    return (
        get_user_model()
        .objects.filter(is_active=True, official__role=Role.COMMITTEE_STAFF)
        .select_related("official")
        .order_by("last_name", "first_name", "username")
    )


def active_units() -> QuerySet:
    return HandlingUnit.objects.filter(is_active=True).only("pk", "name", "kind")


def triage_unit_choices() -> QuerySet:
    """The units triage may send a case to on some route (street offices and townships)."""
    kinds = set().union(*(p.triage_unit_kinds for p in ROUTES.values()))
    return active_units().filter(kind__in=kinds).order_by("name")


REFERENCE = re.compile(r"^\s*(?:C-?)?0*(\d{1,12})\s*$", re.IGNORECASE)


def parse_reference(text: str) -> int | None:
    """C-000123, c123 or 123 → 123."""
    match = REFERENCE.match(text or "")
    return int(match.group(1)) if match else None


def case_by_reference_for_user(user, text: str) -> Case | None:
    """The case a person typed the reference of, if they may see it (None otherwise: a case
    outside the scope and a missing one look the same)."""
    pk = parse_reference(text)
    scope = case_scope(user)
    if pk is None or scope is None:
        return None
    return Case.objects.filter(scope, pk=pk).first()


def cases_in_scope(user, ids) -> QuerySet:
    scope = case_scope(user)
    if scope is None:
        return Case.objects.none()
    return Case.objects.filter(scope, pk__in=list(ids))


def cases_for_bulk_triage(user, ids) -> tuple[list[Case], dict, dict]:
    """The chosen cases still waiting for triage, with the categories and units their
    suggestions name (three queries whatever the number of cases)."""
    cases = list(
        cases_in_scope(user, ids)
        .filter(status__in=TRIAGE_STATUSES)
        .only("pk", "status", "suggestion", "route", "supervision")
        .order_by("pk")
    )
    slugs = {c.suggestion.get("category") for c in cases if c.suggestion.get("category")}
    unit_ids = {c.suggestion.get("unit_id") for c in cases if c.suggestion.get("unit_id")}
    categories = {c.slug: c for c in Category.objects.filter(slug__in=slugs)}
    units = {u.pk: u for u in HandlingUnit.objects.filter(pk__in=unit_ids, is_active=True)}
    return cases, categories, units


def meeting_candidates(user, *, extra_ids=(), limit: int = 40) -> list[Case]:
    """The open overdue or supervised cases in scope (most overdue first), plus any picked by
    reference: what a progress meeting reviews."""
    scope = case_scope(user)
    if scope is None:
        return []
    now = timezone.now()
    stuck = Q(status__in=OPEN_STATUSES) & (Q(resolve_by__lt=now) | ~Q(supervision=Supervision.NONE))
    picked = Q(pk__in=list(extra_ids))
    return list(
        Case.objects.filter(scope)
        .filter(stuck | picked)
        .select_related("area", "unit")
        .only(*LIST_FIELDS)
        .order_by("resolve_by", "pk")[:limit]
    )


def meeting_list_for_user(official: Official) -> QuerySet:
    """Meetings held for the official's area or anywhere under it, newest first."""
    visible = Q(created_by=official.user_id)
    if official.area is not None:
        visible |= Q(area__path__startswith=official.area.path)
    return (
        ProgressMeeting.objects.filter(visible)
        .select_related("area")
        .annotate(decision_count=Count("decisions"))
        .order_by("-held_on", "-pk")
    )
