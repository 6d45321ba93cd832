"""Supervision (督办): a named supervisor, a plan with dated milestones, follow-ups."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from routing.models import CaseEvent, Route, SupervisionMilestone
from routing.services.officials import committee_public_name, notify_users
from routing.services.workflow import _locked


@transaction.atomic
def case_supervise(*, case_id: int, actor, supervisor, reason: str):
    """Put an open case under supervision (from an overdue escalation, a leader's
    instruction, or staff judgement); it keeps its unit and status."""
    case = _locked(case_id)
    if not case.is_open:
        raise ValidationError(_("Only an open case can be supervised."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is supervised.")})
    case.supervisor = supervisor
    fields = ["supervisor", "updated_at"]
    if case.route:
        case.route = Route.SUPERVISE
        fields.append("route")
    case.save(update_fields=fields)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.SUPERVISION,
        actor=actor,
        is_public=True,
        public_actor=committee_public_name(),
        note="",
    )
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SUPERVISION, actor=actor, note=reason)
    notify_users(
        users=get_user_model().objects.filter(pk=supervisor.pk),
        case=case,
        template="case_supervised",
    )
    return case


@transaction.atomic
def milestone_add(*, case_id: int, actor, title: str, due_on: date) -> SupervisionMilestone:
    case = _locked(case_id)
    if case.supervisor_id is None:
        raise ValidationError(_("Only a supervised case has a plan."))
    if not title.strip():
        raise ValidationError({"title": _("Name the milestone.")})
    milestone = SupervisionMilestone.objects.create(case=case, title=title, due_on=due_on)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.SUPERVISION,
        actor=actor,
        note=f"{due_on.isoformat()} {title}",
    )
    return milestone


@transaction.atomic
def milestone_done(*, milestone_id: int, actor, done_on: date) -> SupervisionMilestone:
    milestone = SupervisionMilestone.objects.select_for_update().get(pk=milestone_id)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    CaseEvent.objects.create(
        case_id=milestone.case_id, kind=CaseEvent.Kind.FOLLOW_UP, actor=actor, note=milestone.title
    )
    return milestone


@transaction.atomic
def case_follow_up(*, case_id: int, actor, note: str) -> CaseEvent:
    """A supervisor's follow-up record (visit, call, check on site)."""
    case = _locked(case_id)
    if case.supervisor_id is None:
        raise ValidationError(_("Only a supervised case has follow-up records."))
    if not note.strip():
        raise ValidationError({"note": _("Write what the follow-up found.")})
    return CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.FOLLOW_UP, actor=actor, note=note
    )
