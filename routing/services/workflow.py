"""The five routes, step by step (DESIGN section 4). Every status change goes through
``case_transition``; these services add what each step records and who is told.

Each takes the status the actor saw (``expected_status``) where a person acted on a page, so
that of two people acting on the same case at once the second gets a clear refusal.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from routing.models import (
    TRIAGE_STATUSES,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseStatus,
    Category,
    ClassificationDecision,
    DeadlineLevel,
    HandlingUnit,
    Route,
    UnitKind,
)
from routing.services.officials import (
    committee_staff_for,
    direct_responders_for,
    notify_users,
    unit_staff_for,
)
from routing.services.transition import IllegalTransition, case_reply, case_transition
from routing.workdays import deadlines_for

# The body a route's case is sent to after committee review.
CITY_GOVERNMENT_OFFICE = UnitKind.CITY_GOVERNMENT_OFFICE
HIGHER_CONGRESS = UnitKind.HIGHER_CONGRESS


def _unit_of_kind(kind: str) -> HandlingUnit:
    unit = HandlingUnit.objects.filter(kind=kind, is_active=True).order_by("pk").first()
    if unit is None:
        raise ValidationError(_("No active handling unit of this kind is set up."))
    return unit


def _locked(case_id: int, expected_status: str | None = None) -> Case:
    case = Case.objects.select_for_update().select_related("area").get(pk=case_id)
    if expected_status is not None and case.status != expected_status:
        raise IllegalTransition(
            _("This case was changed by someone else a moment ago. Reload the page and try again.")
        )
    return case


@transaction.atomic
def case_triage(
    *,
    case_id: int,
    actor,
    route: str,
    category: Category,
    unit: HandlingUnit | None = None,
    urgent: bool = False,
    deadline_level: str = "",
    supervisor=None,
    note: str = "",
    expected_status: str | None = None,
) -> Case:
    """Confirm or change the classifier's suggestion in one step, and send the case on.

    direct: waits for the representative's or station's reply (triaged). assign and
    supervise: dispatched to ``unit``. transfer and report: to committee review. The decision
    (with the suggestion beside it) is kept in ``ClassificationDecision``.
    """
    case = _locked(case_id, expected_status)
    if case.status not in TRIAGE_STATUSES:
        raise IllegalTransition(_("This case has already been routed."))
    if route in (Route.ASSIGN, Route.SUPERVISE) and unit is None:
        raise ValidationError({"unit": _("Choose the unit that will handle it.")})
    if route == Route.SUPERVISE and supervisor is None:
        raise ValidationError({"supervisor": _("A supervised case needs a named supervisor.")})
    if route == Route.DIRECT and not (case.representative_id or case.site_id):
        raise ValidationError(
            {
                "route": _(
                    "Nobody can reply directly: this case came in without a site or representative."
                )
            }
        )
    level = deadline_level or _default_level(
        route, urgent, reopened=case.status == CaseStatus.REOPENED
    )
    suggestion = case.suggestion or {}
    ClassificationDecision.objects.create(
        case=case,
        actor=actor,
        text=case.summary,
        suggested_route=suggestion.get("route", ""),
        suggested_category=suggestion.get("category", ""),
        suggested_unit=suggestion.get("unit") or "",
        suggested_urgent=bool(suggestion.get("urgent")),
        route=route,
        category=category,
        unit=unit,
        urgent=urgent,
        deadline_level=level,
        changed=(suggestion.get("route"), suggestion.get("category")) != (route, category.slug),
    )
    acknowledge_by, resolve_by = deadlines_for(level, timezone.now())
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.TRIAGED,
        actor=actor,
        kind=CaseEvent.Kind.TRIAGE,
        note=note,
        extra_updates={
            "route": route,
            "category": category,
            "urgent": urgent,
            "deadline_level": level,
            "acknowledge_by": acknowledge_by,
            "resolve_by": resolve_by,
            "supervisor": supervisor if route == Route.SUPERVISE else None,
            "unit": unit if route in (Route.ASSIGN, Route.SUPERVISE) else None,
        },
    )
    if route in (Route.ASSIGN, Route.SUPERVISE):
        return _dispatch(case, actor=actor, unit=unit)
    if route in (Route.TRANSFER, Route.REPORT):
        case, _event = case_transition(
            case_id=case.pk, to_status=CaseStatus.UNDER_REVIEW, actor=actor
        )
        notify_users(users=committee_staff_for(case), case=case, template="case_to_review")
        return case
    notify_users(users=direct_responders_for(case), case=case, template="case_to_reply")
    return case


def _default_level(route: str, urgent: bool, *, reopened: bool = False) -> str:
    if urgent:
        return DeadlineLevel.URGENT
    if reopened:
        return DeadlineLevel.REDO
    return {
        Route.DIRECT: DeadlineLevel.IMMEDIATE,
        Route.ASSIGN: DeadlineLevel.GENERAL,
        Route.TRANSFER: DeadlineLevel.COMPLEX,
        Route.REPORT: DeadlineLevel.DIFFICULT,
        Route.SUPERVISE: DeadlineLevel.COMPLEX,
    }[route]


def _dispatch(case: Case, *, actor, unit: HandlingUnit) -> Case:
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.DISPATCHED,
        actor=actor,
        public_actor=unit.name,
        is_public=True,
        extra_updates={"unit": unit},
    )
    notify_users(users=unit_staff_for(unit), case=case, template="case_dispatched")
    if case.supervisor_id:
        notify_users(
            users=get_user_model().objects.filter(pk=case.supervisor_id),
            case=case,
            template="case_supervised",
        )
    return case


@transaction.atomic
def case_review_approve(*, case_id: int, actor, note: str = "") -> Case:
    """Committee review passed: a transfer goes to the city government office, a report to
    the higher-level standing committee."""
    case = _locked(case_id, CaseStatus.UNDER_REVIEW)
    kind = CITY_GOVERNMENT_OFFICE if case.route == Route.TRANSFER else HIGHER_CONGRESS
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REVIEW, actor=actor, note=note)
    return _dispatch(case, actor=actor, unit=_unit_of_kind(kind))


@transaction.atomic
def case_review_send_back(*, case_id: int, actor, reason: str) -> Case:
    """Committee review refused: back to triage with the reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why it goes back.")})
    case, _event = case_transition(
        case_id=case_id,
        to_status=CaseStatus.RETURNED,
        actor=actor,
        kind=CaseEvent.Kind.REVIEW,
        note=reason,
        expected_status=CaseStatus.UNDER_REVIEW,
    )
    return case


@transaction.atomic
def case_forward(*, case_id: int, actor, unit: HandlingUnit, note: str = "") -> Case:
    """The city government office sends a transferred case on to the department that handles
    it (the case stays "sent to the handling unit", now at the department)."""
    case = _locked(case_id, CaseStatus.DISPATCHED)
    if unit.kind != UnitKind.CITY_DEPARTMENT and unit.kind not in (
        UnitKind.SUPERVISORY_COMMISSION,
        UnitKind.COURT,
        UnitKind.PROCURATORATE,
    ):
        raise ValidationError({"unit": _("Choose a city department.")})
    office = case.unit
    case.unit = unit
    case.save(update_fields=["unit", "updated_at"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.FORWARDED,
        from_status=case.status,
        to_status=case.status,
        actor=actor,
        public_actor=unit.name,
        is_public=True,
    )
    if note:
        # The office's word to the department is internal: the resident reads only where the
        # case went.
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.PROGRESS,
            from_status=case.status,
            to_status=case.status,
            actor=actor,
            public_actor=office.name if office is not None else "",
            is_public=False,
            note=note,
        )
    notify_users(users=unit_staff_for(unit), case=case, template="case_dispatched")
    return case


@transaction.atomic
def case_accept(*, case_id: int, actor) -> Case:
    """The unit takes the case on (受理): the acknowledgement is recorded."""
    case = _locked(case_id, CaseStatus.DISPATCHED)
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.IN_PROGRESS,
        actor=actor,
        public_actor=case.unit.name if case.unit else "",
        is_public=True,
        extra_updates={"acknowledged_at": timezone.now()},
    )
    return case


@transaction.atomic
def case_return(*, case_id: int, actor, reason: str, expected_status: str) -> Case:
    """The unit says "not ours" (退回), with a reason: back to triage."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why this case is not yours to handle.")})
    case = _locked(case_id, expected_status)
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.RETURNED,
        actor=actor,
        kind=CaseEvent.Kind.RETURN,
        note=reason,
        extra_updates={"unit": None},
    )
    notify_users(users=committee_staff_for(case), case=case, template="case_returned")
    return case


@transaction.atomic
def case_progress(
    *, case_id: int, actor, note: str, is_public: bool, public_actor: str = ""
) -> CaseEvent:
    """A progress note, public (on the resident's timeline) or internal."""
    if not note.strip():
        raise ValidationError({"note": _("Write the progress note.")})
    case = _locked(case_id)
    if not case.is_open:
        raise IllegalTransition(_("This case is no longer open."))
    return CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.PROGRESS,
        actor=actor,
        public_actor=public_actor,
        is_public=is_public,
        note=note,
    )


@transaction.atomic
def case_respond(*, case_id: int, actor, result: str, photos=()) -> Case:
    """The unit reports its result, with photos (e.g. "after"); staff check it next."""
    if not result.strip():
        raise ValidationError({"result": _("Describe what was done.")})
    case = _locked(case_id, CaseStatus.IN_PROGRESS)
    case, event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.RESPONDED,
        actor=actor,
        kind=CaseEvent.Kind.RESULT,
        public_actor=case.unit.name if case.unit else "",
        note=result,
    )
    for photo in photos:
        CaseAttachment.objects.create(event=event, file=photo)
    notify_users(users=committee_staff_for(case), case=case, template="case_responded")
    return case


@transaction.atomic
def case_verify_publish(*, case_id: int, actor, reply: str, public_actor: str) -> Case:
    """Staff checked the result: the reply (and the result's photos) go to the resident."""
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply the resident will read.")})
    case = _locked(case_id, CaseStatus.RESPONDED)
    result = case.events.filter(kind=CaseEvent.Kind.RESULT).order_by("-created_at", "-pk").first()
    # The log is append-only: the checked result's photos are shown to the resident on a new
    # public event (the unit's own report stays internal).
    verified = CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.VERIFIED,
        actor=actor,
        public_actor=case.unit.name if case.unit else public_actor,
        is_public=True,
    )
    if result is not None:
        CaseAttachment.objects.bulk_create(
            CaseAttachment(event=verified, file=a.file.name, width=a.width, height=a.height)
            for a in result.attachments.all()
        )
    return case_reply(case_id=case.pk, text=reply, actor=actor, public_actor=public_actor)


@transaction.atomic
def case_verify_send_back(*, case_id: int, actor, reason: str) -> Case:
    """The result is not good enough: back to the unit."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say what is still missing.")})
    case, _event = case_transition(
        case_id=case_id,
        to_status=CaseStatus.IN_PROGRESS,
        actor=actor,
        kind=CaseEvent.Kind.VERIFIED,
        note=reason,
        expected_status=CaseStatus.RESPONDED,
    )
    notify_users(users=unit_staff_for(case.unit), case=case, template="case_sent_back")
    return case


@transaction.atomic
def case_direct_reply(*, case_id: int, actor, reply: str, public_actor: str) -> Case:
    """The representative or station answers a direct-route case."""
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply the resident will read.")})
    case = _locked(case_id, CaseStatus.TRIAGED)
    if case.route != Route.DIRECT:
        raise IllegalTransition(_("Only a direct-reply case is answered here."))
    return case_reply(case_id=case.pk, text=reply, actor=actor, public_actor=public_actor)


@transaction.atomic
def case_not_accept(*, case_id: int, actor, reply: str, public_actor: str) -> Case:
    """Not for this channel (e.g. in litigation): the public reply explains the proper one."""
    if not reply.strip():
        raise ValidationError({"reply": _("Explain to the resident where this can be handled.")})
    case = _locked(case_id)
    if case.status not in TRIAGE_STATUSES and case.status != CaseStatus.TRIAGED:
        raise IllegalTransition(_("Only a case still being routed can be declined."))
    case, _event = case_transition(
        case_id=case.pk,
        to_status=CaseStatus.NOT_ACCEPTED,
        actor=actor,
        public_actor=public_actor,
        note=reply,
        is_public=True,
        extra_updates={"closed_at": timezone.now()},
    )
    return case


@transaction.atomic
def case_merge(*, case_id: int, into: Case, actor) -> Case:
    """A duplicate: its submissions join ``into`` (which counts them) and it is closed as
    merged. The residents follow the surviving case from then on."""
    from feedback.models import Submission

    if into.pk == case_id:
        raise ValidationError({"into": _("A case cannot be merged into itself.")})
    # Lock both rows in id order, so two merges the other way round cannot deadlock.
    locked = {
        c.pk: c
        for c in Case.objects.select_for_update().filter(pk__in=[case_id, into.pk]).order_by("pk")
    }
    target = locked.get(into.pk)
    if target is None or not target.is_open:
        raise ValidationError({"into": _("Merge into a case that is still open.")})
    moved = Submission.objects.filter(case_id=case_id).update(case=target)
    Case.objects.filter(pk=target.pk).update(submission_count=F("submission_count") + moved)
    CaseEvent.objects.create(
        case=target,
        kind=CaseEvent.Kind.JOINED,
        actor=actor,
        is_public=True,
        note="",
    )
    case, _event = case_transition(
        case_id=case_id,
        to_status=CaseStatus.MERGED,
        actor=actor,
        kind=CaseEvent.Kind.MERGED,
        note=target.reference,
        extra_updates={"merged_into": target, "submission_count": 0},
    )
    return case


def case_suggest_supervision(*, case_id: int, reason: str) -> None:
    """Turn the suggestion shown at triage into "supervise", with the reason (a second
    dissatisfied rating, an overdue escalation); staff still decide."""
    case = _locked(case_id)
    suggestion = dict(case.suggestion or {})
    suggestion["route"] = Route.SUPERVISE
    suggestion["reasons"] = [reason, *suggestion.get("reasons", [])]
    case.suggestion = suggestion
    case.save(update_fields=["suggestion", "updated_at"])
