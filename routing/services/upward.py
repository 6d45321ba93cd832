"""Report upward (报办): the record of the submission to the higher body and its reply."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from notifications.services import notify_users
from routing.models import CaseEvent, CaseStatus, UpwardReport
from routing.routes import Action, Body
from routing.services.officials import committee_staff_for
from routing.services.transition import case_lock, case_require_step, case_transition


@transaction.atomic
def case_report_upward(*, case_id: int, actor, body: str, reference_number: str, reported_on: date):
    """Recorded as submitted to the higher body: the case waits for its reply. Open on every
    case whose route reports upward, supervised or not."""
    case = case_lock(case_id, CaseStatus.DISPATCHED)
    case_require_step(case, Action.REPORT_UPWARD, Body.COMMITTEE)
    UpwardReport.objects.update_or_create(
        case=case,
        defaults={"body": body, "reference_number": reference_number, "reported_on": reported_on},
    )
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.IN_PROGRESS,
        actor=actor,
        kind=CaseEvent.Kind.REPORTED_UPWARD,
        public_actor=body,
        is_public=True,
        note=reference_number,
    )
    return case


@transaction.atomic
def case_upward_reply_record(*, case_id: int, actor, reply: str, replied_on: date):
    """The higher body answered: its reply is entered and staff check it before publishing."""
    if not reply.strip():
        raise ValidationError({"reply": _("Enter the reply of the higher body.")})
    case = case_lock(case_id, CaseStatus.IN_PROGRESS)
    case_require_step(case, Action.RECORD_UPWARD_REPLY, Body.COMMITTEE)
    report = UpwardReport.objects.filter(case=case).first()
    if report is None:
        raise ValidationError(_("This case has not been reported upward."))
    report.reply, report.replied_on = reply, replied_on
    report.save(update_fields=["reply", "replied_on"])
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.RESPONDED,
        actor=actor,
        kind=CaseEvent.Kind.RESULT,
        public_actor=report.body,
        note=reply,
    )
    notify_users(users=committee_staff_for(case), case=case, template="case_responded")
    return case
