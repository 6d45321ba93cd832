"""Supervision (督办): an overlay on the case's route, with a named supervisor, a plan with dated
milestones and follow-up records. The route is never touched here: a supervised case keeps
following its own route's steps (``routing.routes``).

Supervision is called for at triage (the rules: a hazard, wage arrears, many households,
repeated complaints), by the deadline sweep (overdue; set-based, in
``routing.services.deadlines``), by a second dissatisfied rating, by a leader's instruction,
or by staff on the case page. Until the committee names a supervisor it waits in the
workbench's 待督办 queue (``Supervision.REQUESTED``).
"""

from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import notify_users
from representatives.models import person_name
from routing.models import Case, CaseEvent, Supervision, SupervisionMilestone, SupervisionReason
from routing.services.officials import committee_public_name, committee_staff_for
from routing.services.transition import case_lock


def supervision_start(case: Case, *, actor, supervisor, reason: str, note: str = "") -> list:
    """Put ``case`` (locked by the caller) under supervision by ``supervisor``, or change its
    supervisor. A requested supervision keeps the reason it was requested for. Returns the
    fields changed, for the caller's save; writes the events and tells the supervisor."""
    starting = case.supervision != Supervision.ACTIVE
    changed = case.supervisor_id != supervisor.pk
    if not (starting or changed):
        return []
    if not case.supervision:
        case.supervision_reason = reason
        case.supervised_since = timezone.now()
    case.supervision = Supervision.ACTIVE
    case.supervisor = supervisor
    if starting:
        # What the resident reads: the committee follows the case closely now.
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.SUPERVISION,
            actor=actor,
            is_public=True,
            public_actor=committee_public_name(),
        )
    if note or changed:
        with translation.override(settings.LANGUAGE_CODE):
            named = _("Supervisor: %(name)s") % {"name": _display(supervisor)}
        CaseEvent.objects.create(
            case=case, kind=CaseEvent.Kind.SUPERVISION, actor=actor, note=note or named
        )
    notify_users(
        users=get_user_model().objects.filter(pk=supervisor.pk),
        case=case,
        template="case_supervised",
    )
    return ["supervision", "supervision_reason", "supervised_since", "supervisor"]


def supervision_end(case: Case, *, actor, note: str) -> list:
    """Staff decide at triage that a supervised (or requested) case is not supervised any
    more. Returns the fields changed; writes the internal event."""
    if not case.supervision:
        return []
    case.supervision = Supervision.NONE
    case.supervision_reason = ""
    case.supervised_since = None
    case.supervisor = None
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.SUPERVISION,
        actor=actor,
        note=note or _("Not supervised any more."),
    )
    return ["supervision", "supervision_reason", "supervised_since", "supervisor"]


def _display(user) -> str:
    return person_name(user)


@transaction.atomic
def case_supervise(*, case_id: int, actor, supervisor, reason: str) -> Case:
    """Staff put an open case under supervision (or name its supervisor, or another one);
    it keeps its route, unit and status. ``reason`` is staff's own words, kept internal."""
    case = case_lock(case_id)
    if not case.is_open:
        raise ValidationError(_("Only an open case can be supervised."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is supervised.")})
    fields = supervision_start(
        case, actor=actor, supervisor=supervisor, reason=SupervisionReason.STAFF, note=reason
    )
    if fields:
        case.save(update_fields=[*fields, "updated_at"])
    return case


@transaction.atomic
def case_supervision_request(*, case_id: int, reason: str, note: str, actor=None) -> Case:
    """Supervision is called for (a second dissatisfied rating, a leader's instruction): the
    case waits in the 待督办 queue for a supervisor, and the committee staff of its area are
    told. A case already supervised keeps its supervision; its supervisor is told instead."""
    case = case_lock(case_id)
    if not case.is_open:
        raise ValidationError(_("Only an open case can be put under supervision."))
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.SUPERVISION, actor=actor, note=note)
    if case.supervision == Supervision.ACTIVE and case.supervisor_id is not None:
        notify_users(
            users=get_user_model().objects.filter(pk=case.supervisor_id),
            case=case,
            template="case_supervision_requested",
        )
        return case
    if not case.supervision:
        case.supervision = Supervision.REQUESTED
        case.supervision_reason = reason
        case.supervised_since = timezone.now()
        case.save(
            update_fields=["supervision", "supervision_reason", "supervised_since", "updated_at"]
        )
    notify_users(users=committee_staff_for(case), case=case, template="case_supervision_requested")
    return case


@transaction.atomic
def milestone_add(*, case_id: int, actor, title: str, due_on: date) -> SupervisionMilestone:
    """A dated step of a supervised case's plan; committee staff only (the view checks)."""
    case = case_lock(case_id)
    if case.supervision != Supervision.ACTIVE:
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
    """A milestone of the plan is done; recorded as a follow-up."""
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
    case = case_lock(case_id)
    if case.supervision != Supervision.ACTIVE:
        raise ValidationError(_("Only a supervised case has follow-up records."))
    if not note.strip():
        raise ValidationError({"note": _("Write what the follow-up found.")})
    return CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.FOLLOW_UP, actor=actor, note=note
    )


@transaction.atomic
def case_instruction_record(*, case_id: int, actor, note: str) -> CaseEvent:
    """A leader's instruction on a case, in its history for the committee to follow up (one
    that asks for supervision goes through ``case_supervision_request`` instead)."""
    case = case_lock(case_id)
    return CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.FOLLOW_UP, actor=actor, note=note
    )
