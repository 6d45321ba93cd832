"""The one writer of ``Case.status`` (STYLE: one choke point for the workflow)."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from common.forms import PageError
from routing.models import Case, CaseEvent, CaseStatus
from routing.routes import Action, Body, RoutePolicy, holder_body, policy_for
from routing.signals import case_replied


class IllegalTransition(PageError):
    """The move is not in the transition table, or the case moved under our feet (shown at
    the top of the page, not next to a field)."""


def case_lock(case_id: int, expected_status: str | None = None) -> Case:
    """The case row, locked for the rest of the transaction (``select_for_update``), with its
    area and unit; refused when it is no longer in the status the actor saw."""
    # Only the case row is locked ("self"): the unit is on the nullable side of a join.
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("area", "unit").get(pk=case_id)
    )
    if expected_status is not None and case.status != expected_status:
        raise IllegalTransition(
            _("This case was changed by someone else a moment ago. Reload the page and try again.")
        )
    return case


def case_require_step(case: Case, action: Action, body: Body | None = None) -> RoutePolicy:
    """The case's route policy, if it opens ``action`` at the case's status for ``body`` (for
    a unit's action: the body that holds the case); refused otherwise."""
    policy = policy_for(case)
    if body in (Body.UNIT, Body.DISPATCHER):
        body = holder_body(case)
    if policy is None or not policy.allows(action, case.status, body):
        raise IllegalTransition(_("This step is not open for this case at its current stage."))
    return policy


@transaction.atomic
def case_transition(
    *,
    case_id: int,
    to_status: str,
    actor=None,
    public_actor: str = "",
    note: str = "",
    is_public: bool = False,
    kind: str = CaseEvent.Kind.TRANSITION,
    expected_status: str | None = None,
    extra_updates: dict | None = None,
    note_translated: str = "",
    note_language: str = "",
) -> tuple[Case, CaseEvent]:
    """Move a case to ``to_status`` and append the event, in one transaction.

    Events are internal unless ``is_public``: a caller has to decide to show a note to
    residents. ``note_translated`` is the note in the resident's language ``note_language``
    (a reply to a resident who wrote in Uyghur), shown beside the Chinese note.

    Locks the row, checks the transition table (and ``expected_status`` when the caller acted on
    what it saw, so that of two people acting at once the second gets a clear refusal), saves
    with ``update_fields`` and writes the event. Callers: the services of ``routing`` and
    ``feedback``; never views or tasks directly.
    """
    case = Case.objects.select_for_update().get(pk=case_id)
    if expected_status is not None and case.status != expected_status:
        raise IllegalTransition(
            _("This case was changed by someone else a moment ago. Reload the page and try again.")
        )
    if not case.can_move_to(to_status):
        raise IllegalTransition(
            _("A case that is “%(from)s” cannot become “%(to)s”.")
            % {"from": CaseStatus(case.status).label, "to": CaseStatus(to_status).label}
        )
    if to_status == CaseStatus.REPLIED and kind != CaseEvent.Kind.REPLY:
        # Only a reply makes a case "replied": it is what the resident rates (case_reply).
        raise IllegalTransition(_("A case becomes “replied” only by publishing a reply."))
    from_status = case.status
    case.status = to_status
    fields = ["status", "updated_at"]
    if to_status == CaseStatus.CLOSED:
        case.closed_at = timezone.now()
        fields.append("closed_at")
    for name, value in (extra_updates or {}).items():
        setattr(case, name, value)
        fields.append(name)
    case.save(update_fields=fields)
    event = CaseEvent.objects.create(
        case=case,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        public_actor=public_actor,
        is_public=is_public,
        note=note,
        note_translated=note_translated.strip() if note_language else "",
        note_language=note_language if note_translated.strip() else "",
    )
    return case, event


@transaction.atomic
def case_reply(
    *,
    case_id: int,
    text: str,
    actor=None,
    public_actor: str = "",
    translated: str = "",
    language: str = "",
) -> Case:
    """Publish a reply to the resident(s): the case becomes ``replied`` and waits for a rating.
    ``translated``: the reply in the resident's ``language`` too, when staff wrote one.

    Tells the apps above (``routing.signals.case_replied``): the intake sends an SMS to every
    resident who asked for one (after commit).
    """
    case, _event = case_transition(
        case_id=case_id,
        to_status=CaseStatus.REPLIED,
        actor=actor,
        public_actor=public_actor,
        note=text,
        is_public=True,
        kind=CaseEvent.Kind.REPLY,
        extra_updates={"reply_count": F("reply_count") + 1, "replied_at": timezone.now()},
        note_translated=translated,
        note_language=language,
    )
    case.refresh_from_db(fields=["reply_count"])
    case_replied.send(sender=Case, case=case)
    return case
