"""Read paths for the resident's tracking page and for representatives' lists."""

import hmac
import operator
from functools import reduce

from django.db.models import Q
from django.http import Http404

from feedback.models import (
    PendingPhoto,
    Rating,
    Submission,
    SubmissionPhoto,
    secret_normalise,
    tracking_code_normalise,
)
from routing.models import CaseAttachment, CaseEvent, CaseStatus


def submission_get_for_tracking(code: str, secret: str) -> Submission | None:
    """The submission with this tracking code, if ``secret`` matches; ``None`` otherwise.

    Wrong code and wrong secret are indistinguishable to the caller (and so to the resident).
    """
    code = tracking_code_normalise(code) or code.strip().upper()
    secret = secret_normalise(secret)
    submission = (
        Submission.objects.select_related("case", "case__unit", "area", "site", "representative")
        .filter(tracking_code=code)
        .first()
    )
    if submission is None:
        hmac.compare_digest(secret, "000000")  # same work either way
        return None
    if not hmac.compare_digest(secret.encode(), submission.secret.encode()):
        return None
    return submission


def submission_get_by_key(key) -> Submission | None:
    """The submission made with this one-time form key, if any."""
    return Submission.objects.filter(idempotency_key=key).only("tracking_code", "secret").first()


def pending_photo_list(form_key) -> list[PendingPhoto]:
    """Photos kept under a form's one-time key from an earlier failed attempt."""
    return list(PendingPhoto.objects.filter(form_key=form_key))


def pending_photo_or_404(form_key, pk: int) -> PendingPhoto:
    """A photo kept with an unfinished form: only for whoever holds the form's one-time key."""
    photo = PendingPhoto.objects.filter(form_key=form_key, pk=pk).first()
    if photo is None:
        raise Http404
    return photo


def case_awaits_rating(case) -> bool:
    """True when the case's current reply has not been rated yet."""
    return (
        case.status == CaseStatus.REPLIED
        and not case.ratings.filter(reply_number=case.reply_count).exists()
    )


def case_public_timeline(case) -> list[CaseEvent]:
    """The public events of a case, oldest first: no staff names, no internal notes."""
    return list(
        CaseEvent.objects.filter(case=case, is_public=True)
        .only(
            "kind",
            "from_status",
            "to_status",
            "public_actor",
            "note",
            "note_translated",
            "note_language",
            "created_at",
        )
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


def resident_language(submissions) -> str | None:
    """The language other than Chinese the first of these submissions written in one was
    written in (what a reply may be translated into), or None (decision 0025)."""
    return next((s.language for s in submissions if s.in_other_language), None)


def case_resident_language(case) -> str | None:
    """``resident_language`` of the case's submissions, in one query."""
    return (
        Submission.objects.filter(case=case)
        .exclude(language__startswith="zh")
        .order_by("created_at", "pk")
        .values_list("language", flat=True)
        .first()
    )


def photo_for_resident_or_404(submission, kind: str, pk: int):
    """A photo the resident's tracking page shows: one they attached, or one attached to a
    public event of their case (the unit's result). 404 for anything else."""
    photo: SubmissionPhoto | CaseAttachment | None = None
    if kind == SubmissionPhoto.PHOTO_KIND:
        photo = SubmissionPhoto.objects.filter(submission=submission, pk=pk).first()
    elif kind == CaseAttachment.PHOTO_KIND and submission.case_id is not None:
        photo = CaseAttachment.objects.filter(
            event__case_id=submission.case_id, event__is_public=True, pk=pk
        ).first()
    if photo is None:
        raise Http404
    return photo


def rating_events_annotate(case, events, *, submission=None) -> Rating | None:
    """Give each rating event of ``events`` (a case's, oldest first) its ``rating``: the value
    and the resident's comment, which the event itself does not carry (its public note is the
    value alone). Each rating wrote exactly one rating event, in order, so they pair one to
    one. With ``submission`` (the resident's own tracking page) only that resident's ratings
    are given: a co-submitter's comment is theirs. One query (none before the first rating);
    returns the latest rating."""
    rating_events = [e for e in events if e.kind == CaseEvent.Kind.RATING]
    if not rating_events:
        return None  # no rating yet: no query
    query = Rating.objects.filter(case=case).order_by("created_at", "pk")
    ratings = list(query.only("pk", "submission_id", "value", "comment", "created_at"))
    for event, rating in zip(rating_events, ratings, strict=False):
        mine = submission is None or rating.submission_id == submission.pk
        event.rating = rating if mine else None
    return ratings[-1] if ratings else None


def _visible_branches(user) -> list[Q] | None:
    """What a representative or station staff member may see, as the separate ways a
    submission reaches them (None: nothing): each branch has its own index (rep, site or
    logger, then the date)."""
    from representatives.models import Role

    official = getattr(user, "official", None)
    if official is None:
        return None
    branches = [Q(logged_by=user)]
    if official.role == Role.REPRESENTATIVE:
        rep = getattr(user, "representative", None)
        if rep is not None:
            # Their own code, and the codes of the sites where they receive residents (the
            # site ids read first: as a subquery, PostgreSQL walked every submission by date).
            sites = list(rep.sites.values_list("pk", flat=True))
            branches += [Q(representative=rep), Q(site_id__in=sites)]
        return branches
    if official.role == Role.STATION_STAFF and official.site_id:
        return [*branches, Q(site_id=official.site_id)]
    return None


def _visible_to_official(user) -> Q | None:
    branches = _visible_branches(user)
    return reduce(operator.or_, branches) if branches else None


def get_submission_for_official_or_404(user, tracking_code: str) -> Submission:
    """One submission the official may see; 404 otherwise (visibility equals existence)."""
    visible = _visible_to_official(user)
    submission = (
        Submission.objects.filter(visible, tracking_code=tracking_code).first() if visible else None
    )
    if submission is None:
        raise Http404
    return submission


def submission_list_for_official(user, *, limit: int = 100) -> list[Submission]:
    """What a representative or station staff member may see, newest first, with status.

    A representative: what came in through their own codes or their sites' codes, and what
    they logged. Station staff: what came in through their site and what was logged for it.
    Others: nothing. One query per branch (two or three), each reading its own index for
    the newest ``limit`` rows, merged here: the branches joined by OR made PostgreSQL walk
    every submission by date at a million cases (docs/benchmarks.md).
    """
    rows: dict[int, Submission] = {}
    for branch in _visible_branches(user) or []:
        newest = (
            Submission.objects.filter(branch)
            .select_related("case", "area", "site", "representative")
            .order_by("-created_at", "-pk")[:limit]
        )
        rows.update((s.pk, s) for s in newest)
    return sorted(rows.values(), key=lambda s: (s.created_at, s.pk), reverse=True)[:limit]


def submission_ids_without_case(*, limit: int = 500) -> list[int]:
    """Oldest submissions that have no case yet: the case-opening sweep's next batch."""
    return list(
        Submission.objects.filter(case__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
