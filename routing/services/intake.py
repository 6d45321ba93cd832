"""Opening a case for a new submission (the routing issue adds joining and classification)."""

from django.db.models import F

from routing.models import Case, CaseEvent


def case_open_for_submission(*, area, category, request_type: str, summary: str) -> Case:
    """Open a new case in state ``new`` with its public "received" event.

    Called by ``feedback.services.submit`` inside its transaction; the submission is then
    linked to the returned case.
    """
    case = Case.objects.create(
        area=area,
        category=category,
        request_type=request_type,
        summary=summary[:200],
        submission_count=1,
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.RECEIVED, to_status=case.status, is_public=True
    )
    return case


def case_count_submission(case: Case) -> None:
    """Count one more submission on ``case`` (set-based, safe under concurrency)."""
    Case.objects.filter(pk=case.pk).update(submission_count=F("submission_count") + 1)
