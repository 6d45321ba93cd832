"""Each submission gets its case (DESIGN section 4).

With a worker, cases are opened after commit by a beat sweep that takes every submission
still without a case, in batches (``feedback.tasks.open_pending_cases_task``, every few
seconds). The intake request then touches neither the broker nor the case tables: one INSERT,
and a broker outage cannot lose or delay a submission's receipt. With embedded Celery (no
broker), the case is opened in the same transaction (decision 0004).
"""

from celery import current_app
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from feedback.models import RequestType, Submission
from routing.models import Case
from routing.search import clause_words
from routing.services.opening import case_open
from routing.services.workflow import case_merge


def submission_case_schedule(submission: Submission) -> None:
    """Open ``submission``'s case now when Celery is embedded; otherwise leave it to the
    sweep. Called by ``submission_create`` inside its transaction."""
    if current_app.conf.task_always_eager:
        submission.case = submission_case_open(submission.pk)


@transaction.atomic
def submission_case_open(submission_id: int) -> Case | None:
    """Open the case of one submission and link them. Idempotent: a submission that already
    has a case is left alone (the sweep may run twice, or twice at once: the row is locked).
    Called by the sweep and by ``submission_case_schedule``."""
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
            "site_id",
            "representative_id",
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or submission.case_id is not None:
        return None
    case = case_open(
        area=submission.area,
        text=submission.text,
        category_id=submission.category_id,
        request_type=submission.request_type,
        site_id=submission.site_id,
        representative_id=submission.representative_id,
    )
    Submission.objects.filter(pk=submission.pk).update(
        case=case, words=clause_words(submission.text)
    )
    return case


@transaction.atomic
def case_merge_with_submissions(*, case_id: int, into: Case, actor) -> Case:
    """A duplicate: the case is merged into ``into`` (``routing``'s side: counts, events,
    status) and its submissions follow, so their residents track the surviving case. Called by
    the workbench's merge action.

    A report of wrongdoing is never merged, either way: its reporter is protected on their
    own, and a merge would show one resident's replies to another (``ValidationError``)."""
    reported = Submission.objects.filter(
        case_id__in=[case_id, into.pk], request_type=RequestType.REPORT
    )
    if reported.exists():
        raise ValidationError(
            {"into": _("A report of wrongdoing is handled on its own and cannot be merged.")}
        )
    case = case_merge(case_id=case_id, into=into, actor=actor)
    # Their consent to publish stays behind: it was given for this case's result, not for
    # ``into``'s, which they have not read (decision 0024).
    Submission.objects.filter(case_id=case_id).update(case=into, publication_consent_at=None)
    return case
