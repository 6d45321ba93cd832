"""The resident's consent to show the result of their opinion on the public 公示 page."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from feedback.models import RequestType, Submission
from routing.models import CaseStatus

# The result is known (the reply was given, or the matter closed): what the resident agrees
# to show is there for them to read first.
RESULT_STATUSES = frozenset({CaseStatus.REPLIED, CaseStatus.CLOSED})


def _reported_wrongdoing(submission: Submission) -> bool:
    # A report is never published (decision 0024), and asking its reporter whether to show
    # it would alarm them: the box is not offered at all.
    case = submission.case
    return RequestType.REPORT in (submission.request_type, case and case.request_type)


def publication_consent_possible(submission: Submission) -> bool:
    """True when the tracking page offers the consent box: the case has a result to show and
    is not a report of wrongdoing."""
    case = submission.case
    return (
        case is not None and case.status in RESULT_STATUSES and not _reported_wrongdoing(submission)
    )


def submission_publication_consent_set(*, submission: Submission, agree: bool) -> Submission:
    """Record (``agree``) or take back the resident's consent that the unit's reply and result
    photos of their case may be shown publicly (docs/gongshi.md). Taking it back is always
    possible and hides them at once (the public pages read consent live); giving it needs a
    result. Called by the tracking page: the caller proved the code and its key."""
    if agree and _reported_wrongdoing(submission):
        raise ValidationError(
            {"publication_consent": _("A report of wrongdoing is never shown publicly.")}
        )
    if agree and not publication_consent_possible(submission):
        raise ValidationError(
            {"publication_consent": _("You can agree once there is a result to show.")}
        )
    value = timezone.now() if agree else None
    if agree and submission.publication_consent_at is not None:
        return submission  # already given: keep the first date
    Submission.objects.filter(pk=submission.pk).update(publication_consent_at=value)
    submission.publication_consent_at = value
    return submission
