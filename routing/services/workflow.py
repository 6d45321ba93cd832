"""The five routes, step by step (DESIGN section 4). Every status change goes through
``case_transition``; these services add what each step records and who is told.

Each takes the status the actor saw (``expected_status``) where a person acted on a page, so
that of two people acting on the same case at once the second gets a clear refusal.
"""

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_users
from routing.models import (
    TRIAGE_STATUSES,
    Case,
    CaseAttachment,
    CaseEvent,
    CaseStatus,
    Category,
    ClassificationDecision,
    HandlingUnit,
    SupervisionReason,
)
from routing.routes import ROUTES, Action, Body, RoutePolicy
from routing.services.officials import (
    committee_staff_for,
    direct_responders_for,
    unit_staff_for,
)
from routing.services.supervision import supervision_end, supervision_start
from routing.services.transition import (
    IllegalTransition,
    case_lock,
    case_reply,
    case_require_step,
    case_transition,
)
from routing.workdays import deadlines_for

# What a decision keeps of the text staff read: enough for the classifier to learn from.
DECISION_TEXT_CHARS = 4000


def _unit_of_kind(kind: str) -> HandlingUnit:
    unit = HandlingUnit.objects.filter(kind=kind, is_active=True).order_by("pk").first()
    if unit is None:
        raise ValidationError(_("No active handling unit of this kind is set up."))
    return unit


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
    supervise: bool = False,
    supervisor=None,
    note: str = "",
    expected_status: str | None = None,
) -> Case:
    """Confirm or change the classifier's suggestion in one step, and send the case on along
    its route (``routing.routes``): a direct case waits for the representative's or station's
    reply, a hand-off is dispatched to ``unit``, a transfer or report goes to committee review.

    ``supervise`` puts the case under supervision by ``supervisor`` on top of its route (or
    keeps it there); unticked, a supervision the case had is ended. The decision, with the
    suggestion beside it, is kept in ``ClassificationDecision`` (the classifier learns from it).
    """
    case = case_lock(case_id, expected_status)
    if case.status not in TRIAGE_STATUSES:
        raise IllegalTransition(_("This case has already been routed."))
    policy = ROUTES.get(route)
    if policy is None:
        raise ValidationError({"route": _("Choose the route.")})
    if policy.triage_unit_kinds:
        if unit is None:
            raise ValidationError({"unit": _("Choose the unit that will handle it.")})
        if unit.kind not in policy.triage_unit_kinds:
            raise ValidationError(
                {"unit": _("A hand-off goes to a street office or a township government.")}
            )
    if supervise and supervisor is None:
        raise ValidationError({"supervisor": _("A supervised case needs a named supervisor.")})
    if policy.needs_responder and not (case.representative_id or case.site_id):
        raise ValidationError(
            {
                "route": _(
                    "Nobody can reply directly: this case came in without a site or representative."
                )
            }
        )
    level = deadline_level or policy.deadline_level(
        urgent=urgent, reopened=case.status == CaseStatus.REOPENED, supervised=supervise
    )
    _decision_record(case, actor, route, supervise, category, unit, urgent, level)
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
            "unit": unit if policy.triage_unit_kinds else None,
        },
    )
    if supervise:
        reason = case.supervision_reason or SupervisionReason.RULE
        fields = supervision_start(case, actor=actor, supervisor=supervisor, reason=reason)
    else:
        fields = supervision_end(case, actor=actor, note=note)
    if fields:
        case.save(update_fields=fields)
    if policy.after_triage == CaseStatus.DISPATCHED and unit is not None:
        return _dispatch(case, actor=actor, unit=unit)
    if policy.after_triage != CaseStatus.TRIAGED:
        case, _event = case_transition(case_id=case.pk, to_status=policy.after_triage, actor=actor)
    _tell_first_body(policy, case)
    return case


def _decision_record(case, actor, route, supervise, category, unit, urgent, level) -> None:
    """What staff chose beside what was suggested: training data for the classifier (the
    resident's words as the case keeps them for search, up to ``DECISION_TEXT_CHARS``)."""
    suggestion = case.suggestion or {}
    suggested = (
        suggestion.get("route"),
        bool(suggestion.get("supervise")),
        suggestion.get("category"),
    )
    ClassificationDecision.objects.create(
        case=case,
        actor=actor,
        text=(case.search_text or case.summary)[:DECISION_TEXT_CHARS],
        suggested_route=suggestion.get("route", ""),
        suggested_supervise=bool(suggestion.get("supervise")),
        suggested_category=suggestion.get("category", ""),
        suggested_unit=suggestion.get("unit") or "",
        suggested_urgent=bool(suggestion.get("urgent")),
        model_version=suggestion.get("model_version"),
        route=route,
        supervise=supervise,
        category=category,
        unit=unit,
        urgent=urgent,
        deadline_level=level,
        changed=suggested != (route, supervise, category.slug),
    )


def _tell_first_body(policy: RoutePolicy, case: Case) -> None:
    users = {
        Body.COMMITTEE: lambda: committee_staff_for(case),
        Body.RESPONDER: lambda: direct_responders_for(case),
    }[policy.first_body()]()
    template = "case_to_review" if policy.first_body() == Body.COMMITTEE else "case_to_reply"
    notify_users(users=users, case=case, template=template)


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
    return case


@transaction.atomic
def case_review_approve(*, case_id: int, actor, note: str = "") -> Case:
    """Committee review passed: the case goes to the body its route names after review (a
    transfer to the city government office, a report to the higher-level standing
    committee), supervised or not."""
    case = case_lock(case_id, CaseStatus.UNDER_REVIEW)
    policy = case_require_step(case, Action.REVIEW, Body.COMMITTEE)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REVIEW, actor=actor, note=note)
    if policy.after_review is None:
        raise ImproperlyConfigured(f"route {policy.route} has a review step but no body after it")
    return _dispatch(case, actor=actor, unit=_unit_of_kind(policy.after_review))


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
    case = case_lock(case_id, CaseStatus.DISPATCHED)
    policy = case_require_step(case, Action.FORWARD, Body.DISPATCHER)
    if unit.kind not in policy.forward_kinds:
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
    case = case_lock(case_id, CaseStatus.DISPATCHED)
    case_require_step(case, Action.ACCEPT, Body.UNIT)
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
    case = case_lock(case_id, expected_status)
    case_require_step(case, Action.RETURN, Body.UNIT)
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
    case = case_lock(case_id)
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
    case = case_lock(case_id, CaseStatus.IN_PROGRESS)
    case_require_step(case, Action.RESPOND, Body.UNIT)
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
def case_verify_publish(
    *,
    case_id: int,
    actor,
    reply: str,
    public_actor: str,
    reply_translated: str = "",
    reply_language: str = "",
) -> Case:
    """Staff checked the result: the reply (and the result's photos) go to the resident;
    ``reply_translated``: the reply in the resident's language besides (decision 0025)."""
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply the resident will read.")})
    case = case_lock(case_id, CaseStatus.RESPONDED)
    case_require_step(case, Action.VERIFY, Body.COMMITTEE)
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
            CaseAttachment(
                event=verified,
                file=a.file.name,
                width=a.width,
                height=a.height,
                thumbnail=a.thumbnail.name,
                view=a.view.name,
            )
            for a in result.attachments.all()
        )
    return case_reply(
        case_id=case.pk,
        text=reply,
        actor=actor,
        public_actor=public_actor,
        translated=reply_translated,
        language=reply_language,
    )


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
def case_direct_reply(
    *,
    case_id: int,
    actor,
    reply: str,
    public_actor: str,
    reply_translated: str = "",
    reply_language: str = "",
) -> Case:
    """The representative or station answers a direct-route case (``reply_translated``: in
    the resident's language besides, decision 0025)."""
    if not reply.strip():
        raise ValidationError({"reply": _("Write the reply the resident will read.")})
    case = case_lock(case_id, CaseStatus.TRIAGED)
    if case.route not in ROUTES or not ROUTES[case.route].allows(
        Action.DIRECT_REPLY, case.status, Body.RESPONDER
    ):
        raise IllegalTransition(_("Only a direct-reply case is answered here."))
    return case_reply(
        case_id=case.pk,
        text=reply,
        actor=actor,
        public_actor=public_actor,
        translated=reply_translated,
        language=reply_language,
    )


@transaction.atomic
def case_not_accept(*, case_id: int, actor, reply: str, public_actor: str) -> Case:
    """Not for this channel (e.g. in litigation): the public reply explains the proper one."""
    if not reply.strip():
        raise ValidationError({"reply": _("Explain to the resident where this can be handled.")})
    case = case_lock(case_id)
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
    """A duplicate, on the case side: ``into`` counts its submissions and is told one joined,
    and the case is closed as merged. Moving the submissions themselves is the intake's
    (``feedback.services.cases.case_merge_with_submissions`` calls this in its transaction)."""
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
    moved = locked[case_id].submission_count
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
