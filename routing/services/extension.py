"""Extension requests (延期申请): a unit asks before the deadline; the committee decides."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_users
from routing.models import CaseEvent, ExtensionRequest
from routing.routes import Action, holder_body, policy_for
from routing.services.officials import (
    committee_public_name,
    committee_staff_for,
    unit_staff_for,
)
from routing.services.transition import case_lock
from routing.workdays import end_of_working_day


@transaction.atomic
def extension_request_create(
    *, case_id: int, actor, unit, reason: str, new_resolve_by: date
) -> ExtensionRequest:
    case = case_lock(case_id)
    policy = policy_for(case)
    if (
        policy is None
        or not policy.allows(Action.EXTEND, case.status, holder_body(case))
        or case.unit_id != unit.pk
    ):
        raise ValidationError(_("Only the unit handling an open case can ask for more time."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why more time is needed.")})
    now = timezone.now()
    if case.resolve_by and case.resolve_by < now:
        raise ValidationError(
            _("The deadline has passed: an extension must be asked for before it.")
        )
    if case.resolve_by and end_of_working_day(new_resolve_by) <= case.resolve_by:
        raise ValidationError(
            {"new_resolve_by": _("The new deadline must be later than the current one.")}
        )
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                case=case,
                unit=unit,
                requested_by=actor,
                reason=reason,
                new_resolve_by=new_resolve_by,
            )
    except IntegrityError:
        raise ValidationError(_("An extension request for this case is already waiting.")) from None
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.EXTENSION, actor=actor, note=reason)
    notify_users(users=committee_staff_for(case), case=case, template="extension_requested")
    return request


@transaction.atomic
def extension_request_decide(
    *, request_id: int, actor, approve: bool, note: str = ""
) -> ExtensionRequest:
    """Approve (the resolution deadline moves, and the resident sees the new date) or refuse."""
    request = ExtensionRequest.objects.select_for_update().get(pk=request_id)
    if request.state != ExtensionRequest.State.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the extension is refused.")})
    case = case_lock(request.case_id)
    request.state = ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        case.resolve_by = end_of_working_day(request.new_resolve_by)
        case.save(update_fields=["resolve_by", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.EXTENSION,
        actor=actor,
        is_public=approve,
        public_actor=committee_public_name() if approve else "",
        note=(
            _("New deadline: %(date)s") % {"date": request.new_resolve_by.isoformat()}
            if approve
            else note
        ),
    )
    notify_users(users=unit_staff_for(request.unit), case=case, template="extension_decided")
    return request
