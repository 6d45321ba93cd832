"""What the reports' pages read: the reader's area, and the briefings, instructions,
suggestions and motions within it. Visibility equals existence: a view looks an object up
in these querysets, so one outside the reader's area is a 404."""

from django.db.models import Count, Prefetch, Q, QuerySet

from reports.models import Briefing, BriefingVersion, Instruction, Motion, Suggestion
from representatives.models import Area, Role
from routing.models import Case

READERS = {Role.COMMITTEE_STAFF, Role.LEADER}


def reporting_scope(user) -> Area | None:
    """The area whose figures ``user`` may read (committee staff and leaders), or None."""
    official = getattr(user, "official", None)
    if official is None or official.role not in READERS or not official.area_id:
        return None
    return official.area


def is_staff(user) -> bool:
    return user.official.role == Role.COMMITTEE_STAFF


def briefings_visible(scope: Area) -> QuerySet[Briefing]:
    return Briefing.objects.filter(area__path__startswith=scope.path).select_related("area")


def briefing_list(scope: Area, *, staff: bool) -> QuerySet[Briefing]:
    """Newest period first, with their versions' numbers; readers who are not staff see only
    briefings issued at least once."""
    briefings = (
        briefings_visible(scope)
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=BriefingVersion.objects.only(
                    "briefing_id", "number", "issued_at", "superseded_at"
                ).order_by("-number"),
            )
        )
        .order_by("-period", "area__path")
    )
    if not staff:
        briefings = briefings.filter(versions__isnull=False).distinct()
    return briefings


def versions_of(briefing: Briefing) -> QuerySet[BriefingVersion]:
    """With the version that superseded it and the one it corrects (one query)."""
    return BriefingVersion.objects.select_related(
        "briefing__area", "superseded_by", "supersedes"
    ).filter(briefing=briefing)


def current_version(briefing: Briefing) -> BriefingVersion | None:
    """The version leaders should read: the newest, unless none was issued."""
    return (
        BriefingVersion.objects.filter(briefing=briefing, superseded_at__isnull=True)
        .only("briefing_id", "number", "issued_at")
        .order_by("-number")
        .first()
    )


def instructions_visible(scope: Area) -> QuerySet[Instruction]:
    return Instruction.objects.select_related("version__briefing").filter(
        version__briefing__area__path__startswith=scope.path
    )


def briefing_case(version: BriefingVersion, reference: str) -> Case | None:
    """The case ``C-000123`` of a briefing's item, if it lies in the briefing's area."""
    try:
        pk = int(reference.removeprefix("C-"))
    except ValueError:
        return None
    return Case.objects.filter(pk=pk, area__path__startswith=version.briefing.area.path).first()


def _city_wide(scope: Area) -> bool:
    return scope.level == Area.Level.CITY


def suggestions_visible(scope: Area) -> QuerySet[Suggestion]:
    """Suggestions of the reader's area, scoped like cases: by their street. One without a
    street belongs to no street committee: city-level staff and leaders only see it."""
    visible = Q(street__path__startswith=scope.path)
    if _city_wide(scope):
        visible |= Q(street__isnull=True)
    return Suggestion.objects.filter(visible)


def suggestion_list(scope: Area) -> QuerySet[Suggestion]:
    return (
        suggestions_visible(scope)
        .select_related("street", "category", "unit")
        .annotate(
            case_count=Count("cases", distinct=True), motion_count=Count("motions", distinct=True)
        )
        .order_by("-created_at")
    )


def motions_visible(scope: Area) -> QuerySet[Motion]:
    """Motions drafted from a suggestion the reader sees; one drafted from none, city-level
    readers only."""
    visible = Q(suggestions__in=suggestions_visible(scope))
    if _city_wide(scope):
        visible |= Q(suggestions__isnull=True)
    return Motion.objects.filter(visible).distinct()


def motion_list(scope: Area) -> QuerySet[Motion]:
    return motions_visible(scope).annotate(signers=Count("co_signers", distinct=True))


def suggestion_candidates(scope: Area) -> QuerySet[Suggestion]:
    """What a motion may be drafted from: suggestions with a category."""
    return (
        suggestions_visible(scope)
        .filter(category__isnull=False)
        .select_related("street", "category")
    )
