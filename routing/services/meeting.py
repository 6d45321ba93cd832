"""Progress meetings (推进会): the decisions go into each case's log."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from routing.models import CaseEvent, MeetingDecision, ProgressMeeting


@transaction.atomic
def meeting_record(
    *, actor, held_on: date, title: str, participants: str, area=None, decisions: dict
) -> ProgressMeeting:
    """``decisions`` maps case → decision text (the caller fetched the cases in its scope)."""
    decisions = {case: text.strip() for case, text in decisions.items() if text.strip()}
    if not decisions:
        raise ValidationError({"decisions": _("Record the decision on at least one case.")})
    meeting = ProgressMeeting.objects.create(
        held_on=held_on, title=title, participants=participants, area=area, created_by=actor
    )
    MeetingDecision.objects.bulk_create(
        MeetingDecision(meeting=meeting, case=case, decision=text)
        for case, text in decisions.items()
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.MEETING,
            actor=actor,
            note=f"{title}（{held_on.isoformat()}）：{text}",
        )
        for case, text in decisions.items()
    )
    return meeting
