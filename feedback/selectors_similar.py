"""Similar open cases (相似意见) and the households on a case (decision 0023).

At triage, staff see the open cases of the same street whose residents wrote much the same
thing, to merge a duplicate in one click. Read here, where both the cases and the opinions'
stored words are known; the measure and its figures are ``routing.similar``'s. A fixed number
of queries whatever the street holds: the candidates (the street's newest open cases, at most
``candidates`` of them, ``window_days`` back), their words, and the households of those shown.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q

from feedback.models import RequestType, Submission
from routing.models import OPEN_STATUSES, Case, CaseEvent, CaseStatus
from routing.search import CLAUSE_BREAK, clause_words
from routing.similar import SimilarSettings, similar_settings, similarity_scores

# What the list row shows of a candidate; the wide columns (texts, suggestion) stay out.
CANDIDATE_FIELDS = (
    "pk",
    "status",
    "summary",
    "created_at",
    "area_id",
    "street_id",
    "area__name",
    "street__name",
    "category__name",
)
FINISHED = frozenset(CaseStatus.values) - OPEN_STATUSES  # closed, merged, refused


@dataclass
class SimilarCase:
    case: Case
    score: float  # 0 to 1
    households: int = 0

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def case_households(case_ids) -> dict[int, int]:
    """How many households wrote on each case: distinct phone numbers (by their keyed hash)
    among its submissions, each submission without a number counting as one. One query;
    a case without submissions is left out."""
    no_phone = Q(contact_phone_hash="")
    rows = (
        Submission.objects.filter(case_id__in=list(case_ids))
        .order_by()
        .values("case_id")
        .annotate(
            phones=Count("contact_phone_hash", distinct=True, filter=~no_phone),
            anonymous=Count("pk", filter=no_phone),
        )
    )
    return {r["case_id"]: r["phones"] + r["anonymous"] for r in rows}


def similar_candidates(
    case: Case,
    *,
    scope: Q | None = None,
    as_of: datetime | None = None,
    settings: SimilarSettings | None = None,
) -> list[Case]:
    """The cases ``case`` is compared with, newest first: open, in the same street (a case
    filed above a street: the same area), within ``scope`` (the user's; None: all), received
    at most ``window_days`` before it, at most ``candidates`` of them; never a report of
    wrongdoing, on either side (none for a report, none that holds one). One query.

    ``as_of`` asks for the cases as they stood at that moment (received before it, not closed,
    merged or refused by then, by their events): the benchmark's view of a duplicate when it
    came in (bench/similar.py)."""
    settings = settings or similar_settings()
    if case.request_type == RequestType.REPORT:
        return []  # a report of wrongdoing is handled on its own (``case_merge_with_submissions``)
    place = Q(street_id=case.street_id) if case.street_id else Q(area_id=case.area_id)
    since = (as_of or case.created_at) - timedelta(days=settings.window_days)
    reported = Submission.objects.filter(case=OuterRef("pk"), request_type=RequestType.REPORT)
    qs = Case.objects.filter(place, created_at__gte=since).exclude(pk=case.pk)
    qs = qs.exclude(Exists(reported))
    if scope is not None:
        qs = qs.filter(scope)
    if as_of is None:
        qs = qs.filter(status__in=OPEN_STATUSES)
    else:
        finished = CaseEvent.objects.filter(
            case=OuterRef("pk"), to_status__in=FINISHED, created_at__lte=as_of
        )
        qs = qs.filter(created_at__lt=as_of).exclude(Exists(finished))
    return list(
        qs.select_related("area", "street", "category")
        .only(*CANDIDATE_FIELDS)
        .order_by("-created_at", "-pk")[: settings.candidates]
    )


def case_words(case_ids, *, before: datetime | None = None) -> dict[int, str]:
    """Each case's stored words (its submissions' ``words``, oldest first, joined by a clause
    break); with ``before``, only the submissions received before then. One query."""
    qs = Submission.objects.filter(case_id__in=list(case_ids))
    if before is not None:
        qs = qs.filter(created_at__lt=before)
    words: dict[int, list[str]] = {}
    for case_id, text in qs.order_by("created_at", "pk").values_list("case_id", "words"):
        words.setdefault(case_id, []).append(text)
    return {pk: f" {CLAUSE_BREAK} ".join(texts) for pk, texts in words.items()}


def place_words(names) -> frozenset[str]:
    """The words of area names (金山路, 社区, 村 …): every case of a street says where it is,
    which tells nothing of what it is about."""
    return frozenset(
        w for name in names if name for w in clause_words(name).split() if w != CLAUSE_BREAK
    )


def similar_ranked(
    words: str,
    candidates: list[Case],
    words_by_case: dict[int, str],
    settings: SimilarSettings | None = None,
    *,
    places=(),
) -> list[SimilarCase]:
    """The candidates at least ``threshold`` alike to ``words``, most alike first (the newer
    of two equal ones first), at most ``top``; the words of the data's ``ignore``, of the
    candidates' areas and of ``places`` (area names) left out. No queries."""
    settings = settings or similar_settings()
    if not words.strip() or not candidates:
        return []
    names = {*places}
    for c in candidates:
        names |= {c.area.name, c.street.name if c.street else ""}
    scores = similarity_scores(
        words,
        [words_by_case.get(c.pk, "") for c in candidates],
        ignore=settings.ignore | place_words(names),
        passage_words=settings.passage_words,
    )
    found = [
        SimilarCase(case=c, score=s)
        for c, s in zip(candidates, scores, strict=True)
        if s >= settings.threshold
    ]
    found.sort(key=lambda s: -s.score)  # stable: newest first among equals
    return found[: settings.top]


def similar_open_cases(
    case: Case, *, scope: Q | None = None, settings: SimilarSettings | None = None
) -> list[SimilarCase]:
    """The open cases of ``case``'s street (within ``scope``) whose residents wrote much the
    same, most alike first, with their households: what the workbench's case page lists at
    triage. Three queries at most, whatever the street holds."""
    settings = settings or similar_settings()
    candidates = similar_candidates(case, scope=scope, settings=settings)
    if not candidates:
        return []
    words = case_words([case.pk, *(c.pk for c in candidates)])
    # The area's street (a street is its own): what the case page has read with the case.
    places = (case.area.name, case.area.street.name if case.area.street else "")
    found = similar_ranked(words.get(case.pk, ""), candidates, words, settings, places=places)
    if found:
        households = case_households(s.case.pk for s in found)
        for similar in found:
            similar.households = households.get(similar.case.pk, 0)
    return found
