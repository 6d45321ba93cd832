"""Opening a case for a new submission (the routing issue adds joining and classification).

With a worker, cases are opened after commit by a beat sweep that takes every submission
still without a case, in batches (``open_pending_cases_task``, every few seconds). The intake
request then touches neither the broker nor the case tables: one INSERT, and a broker outage
cannot lose or delay a submission's receipt. With embedded Celery (no broker), the case is
opened in the same transaction.
"""

from celery import current_app
from django.db import transaction

from routing.models import Case, CaseEvent


def case_schedule_opening(submission) -> None:
    """Open ``submission``'s case now when Celery is embedded; otherwise leave it to the sweep.

    Called by ``feedback.services.submit`` inside its transaction.
    """
    if current_app.conf.task_always_eager:
        case = case_open_for_submission(submission.pk)
        submission.case = case


@transaction.atomic
def case_open_for_submission(submission_id: int) -> Case | None:
    """Open a new case in state ``new`` for the submission, with its public "received" event.

    Idempotent: a submission that already has a case is left alone (the task may run twice).
    Called by the sweep (``open_pending_cases_task``) and by ``case_schedule_opening``.
    """
    from feedback.models import Submission

    submission = (
        Submission.objects.select_for_update()
        .select_related("area")
        .only(
            "pk",
            "case_id",
            "area",
            "category_id",
            "request_type",
            "text",
            "created_at",
            "site_id",
            "representative_id",
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or submission.case_id is not None:
        return None
    case = Case.objects.create(
        area_id=submission.area_id,
        category_id=submission.category_id,
        request_type=submission.request_type,
        site_id=submission.site_id,
        representative_id=submission.representative_id,
        summary=submission.text[:200],
        search_text=submission.text.lower(),
        submission_count=1,
        suggestion=case_suggestion(submission.text, submission.area),
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.RECEIVED, to_status=case.status, is_public=True
    )
    Submission.objects.filter(pk=submission.pk).update(case=case)
    return case


def case_suggestion(text: str, area) -> dict:
    """The classifier's suggestion, as stored on the case for staff to confirm or change."""
    from routing import classifier

    suggestion = classifier.classify(text)
    unit = classifier.unit_for(suggestion, area)
    return {
        "route": suggestion.route,
        "supervise": suggestion.supervise,
        "category": suggestion.category,
        "urgent": suggestion.urgent,
        "deadline_level": suggestion.deadline_level,
        "unit": unit.name if unit else None,
        "unit_id": unit.pk if unit else None,
        "confidence": round(suggestion.confidence, 2),
        "needs_review": suggestion.needs_review,
        "model_version": suggestion.model_version,
        "model_words": list(suggestion.model_words),
        "reasons": list(suggestion.reasons),
    }
