"""The resident's rating of a reply (回访), and reopening when not satisfied (重办)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from feedback.models import Rating, Satisfaction, Submission
from notifications.services import notify_users
from routing.models import CaseEvent, CaseStatus, SupervisionReason
from routing.services.officials import committee_staff_for, unit_staff_for
from routing.services.supervision import case_supervision_request
from routing.services.transition import case_transition


@transaction.atomic
def case_rate(*, submission: Submission, value: str, comment: str = "") -> Rating:
    """Record the resident's rating of the current reply of ``submission``'s case.

    Satisfied or basically satisfied closes the case; not satisfied reopens it for redo, with
    the comment, and takes back its residents' consent to publish the result. One rating per reply: a second attempt is refused. Called by the tracking
    page (the resident proved the code and its secret).
    """
    case = submission.case
    if case is None or case.status != CaseStatus.REPLIED:
        raise ValidationError(_("There is no reply to rate yet."))
    if value == Satisfaction.DISSATISFIED and not comment.strip():
        raise ValidationError(
            {"comment": _("Please tell us what is still wrong, so that it can be handled again.")}
        )
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                case=case,
                submission=submission,
                reply_number=case.reply_count,
                value=value,
                comment=comment,
            )
    except IntegrityError:
        raise ValidationError(_("This reply has already been rated.")) from None
    to_status = CaseStatus.REOPENED if value == Satisfaction.DISSATISFIED else CaseStatus.CLOSED
    if (
        value == Satisfaction.DISSATISFIED
        and case.ratings.filter(value=Satisfaction.DISSATISFIED).exclude(pk=rating.pk).exists()
    ):
        # A second dissatisfied rating: the redo is supervised (DESIGN 4); the committee names
        # the supervisor from its 待督办 queue or at triage.
        with translation.override(settings.LANGUAGE_CODE):
            note = str(SupervisionReason.DISSATISFIED_AGAIN.label)
        case_supervision_request(
            case_id=case.pk, reason=SupervisionReason.DISSATISFIED_AGAIN, note=note
        )
    # The public event says only what happened (the rating value, rendered in each reader's
    # language); the comment is the resident's own words and stays on the rating, for staff.
    case, _event = case_transition(
        case_id=case.pk,
        to_status=to_status,
        note=value,
        kind=CaseEvent.Kind.RATING,
        is_public=True,
        expected_status=CaseStatus.REPLIED,
    )
    if to_status == CaseStatus.REOPENED:
        # The redo brings a new result nobody has read: consent to publish the old one does
        # not carry over to it (decision 0024); residents agree again once it is there.
        Submission.objects.filter(case_id=case.pk).update(publication_consent_at=None)
        # The committee of the area routes the redo; the unit that answered hears why.
        users = committee_staff_for(case)
        if case.unit_id:
            users = users | unit_staff_for(case.unit)
        notify_users(users=users, case=case, template="case_reopened_by_rating", note=comment)
    return rating
