"""Read paths of the handling units' desk and of the direct reply (DESIGN sections 4 and 6).

Every fetch goes through ``routing.selectors.case_scope``: a unit sees the cases currently
dispatched to it, a representative the cases that came in through them, station staff their
site's. Nothing here returns residents' contact details.
"""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.selectors import rating_events_annotate
from representatives.models import Role
from routing.models import (
    Case,
    CaseEvent,
    CaseStatus,
    ExtensionRequest,
    HandlingUnit,
    ReplyTemplate,
)
from routing.routes import ROUTES
from routing.selectors import (
    case_scope,
    get_case_for_user_or_404,
)

# The desk's tabs: key → the statuses it lists. Order is the order of the tabs.
DESK_TABS: dict[str, tuple[str, ...]] = {
    "to_accept": (CaseStatus.DISPATCHED,),
    "in_progress": (CaseStatus.IN_PROGRESS,),
    "reported": (CaseStatus.RESPONDED,),
}
# Not a status: the cases of every tab past their deadline (the desk's overdue banner).
OVERDUE_TAB = "overdue"
# Where a dispatching office sends a case on (case_forward accepts these).
FORWARD_KINDS = sorted(set().union(*(p.forward_kinds for p in ROUTES.values())))


def unit_official_or_404(user):
    """The signed-in unit staff member's ``Official`` (with its unit); 404 for anyone else."""
    official = getattr(user, "official", None) if user.is_authenticated else None
    if official is None or official.role != Role.UNIT_STAFF or not official.unit_id:
        raise Http404
    return official


def direct_responder_or_404(user):
    """The signed-in representative's or station staff member's ``Official``; 404 otherwise."""
    official = getattr(user, "official", None) if user.is_authenticated else None
    if official is None or official.role not in (Role.REPRESENTATIVE, Role.STATION_STAFF):
        raise Http404
    return official


def desk_tab_counts(user) -> dict[str, int]:
    """How many of the unit's cases wait in each tab, and how many are overdue: one query."""
    scope = case_scope(user)
    if scope is None:
        return {key: 0 for key in DESK_TABS} | {"overdue": 0}
    open_on_desk = [s for statuses in DESK_TABS.values() for s in statuses]
    aggregates = {
        key: Count("pk", filter=Q(status__in=statuses)) for key, statuses in DESK_TABS.items()
    }
    aggregates["overdue"] = Count(
        "pk", filter=Q(status__in=open_on_desk, resolve_by__lt=timezone.now())
    )
    # Only the desk's statuses are read: a unit's closed cases outnumber its open ones.
    return Case.objects.filter(scope, status__in=open_on_desk).aggregate(**aggregates)


def desk_case_list_for_user(user, *, tab: str) -> QuerySet:
    """The unit's cases in one tab, the nearest deadline first, with what a row shows (a fixed
    number of queries however many rows). Only unit staff get rows."""
    scope = case_scope(user)
    official = getattr(user, "official", None)
    if scope is None or official is None or official.role != Role.UNIT_STAFF:
        return Case.objects.none()
    if tab == OVERDUE_TAB:
        on_desk = [s for statuses in DESK_TABS.values() for s in statuses]
        cases = Case.objects.filter(scope, status__in=on_desk, resolve_by__lt=timezone.now())
    else:
        cases = Case.objects.filter(scope, status__in=DESK_TABS.get(tab, DESK_TABS["to_accept"]))
    return (
        cases.select_related("area", "category")
        .only(
            "pk",
            "status",
            "route",
            "summary",
            "urgent",
            "resolve_by",
            "acknowledge_by",
            "created_at",
            "area__name",
            "category__name",
        )
        .order_by("resolve_by", "-created_at", "-pk")
    )


def get_desk_case_or_404(user, case_id: int) -> Case:
    """One of the unit's cases; 404 for other units' cases and for anyone but unit staff."""
    unit_official_or_404(user)
    return get_case_for_user_or_404(user, case_id)


def case_submissions_without_contact(case) -> list:
    """The case's submissions with their photos: the words and pictures only. The encrypted
    and masked contact columns are not even loaded."""
    from feedback.models import Submission

    return list(
        Submission.objects.filter(case=case)
        .select_related("area")
        .only(
            "pk",
            "case_id",
            "text",
            "address_line",
            "request_type",
            "language",
            "chinese_summary",
            "created_at",
            "area__name",
        )
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )


def case_desk_timeline(case) -> list[CaseEvent]:
    """Every event of the case, oldest first, with attachments, as a unit may read it:
    internal notes included, the residents' ratings with their comments (``event.rating``),
    but each actor shown as a body (``event.shown_actor``), never a staff member's name."""
    events = list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor__official")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    for event in events:
        # Annotated for the page's history list.
        event.shown_actor = _shown_actor(event, case)  # type: ignore[attr-defined]
    rating_events_annotate(case, events)
    return events


def _shown_actor(event: CaseEvent, case: Case) -> str:
    if event.public_actor:
        return event.public_actor
    official = getattr(event.actor, "official", None) if event.actor_id else None
    if official is None:
        return ""
    if official.role == Role.UNIT_STAFF:
        return _("The handling unit")
    if official.role in (Role.REPRESENTATIVE, Role.STATION_STAFF):
        return _("The representative or liaison station")
    return _("Standing committee")


def pending_extension(case) -> ExtensionRequest | None:
    """The case's extension request still waiting for the committee, if any."""
    return case.extension_requests.filter(state=ExtensionRequest.State.PENDING).first()


def forward_unit_choices() -> QuerySet:
    """The bodies the city government office may forward a transferred case to."""
    return HandlingUnit.objects.filter(is_active=True, kind__in=FORWARD_KINDS).order_by(
        "kind", "name"
    )


def get_direct_case_or_404(user, case_id: int) -> Case:
    """A case of this representative (or this station's site); 404 for anyone else."""
    direct_responder_or_404(user)
    return get_case_for_user_or_404(user, case_id)


def reply_template_list() -> list[ReplyTemplate]:
    return list(ReplyTemplate.objects.only("pk", "title").order_by("title"))


def reply_template_text(template_id) -> str:
    """The text of a reply template chosen on the page (``?template=<id>``); "" if unknown."""
    try:
        pk = int(template_id)
    except (TypeError, ValueError):
        return ""
    template = ReplyTemplate.objects.filter(pk=pk).only("text").first()
    return template.text if template else ""
