"""Staff publish a closed case's result on the 公示 pages, or withdraw it (decision 0024)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import CasePublication
from notices.selectors import (
    case_consent_given,
    case_is_reported_wrongdoing,
    case_public_photos,
    case_public_reply,
)
from routing.models import CaseStatus
from routing.services.transition import case_lock


@transaction.atomic
def case_publish(*, case_id: int, actor, show_reply: bool, photo_ids) -> CasePublication:
    """Show the case's result publicly: the last reply the residents read (as they read it,
    never edited) if ``show_reply``, and those of the photos they were shown that staff
    ticked. A closed case only, never a report of wrongdoing, and only when every resident of
    the case agreed. Replaces a live publication (the old row is stamped withdrawn by the same
    person). Called by committee staff whose scope holds the case (the view checks)."""
    case = case_lock(case_id)
    if case.status != CaseStatus.CLOSED:
        raise ValidationError(_("Only a closed case can be published."))
    if case_is_reported_wrongdoing(case):
        raise ValidationError(_("A report of wrongdoing is never published."))
    if not case_consent_given(case):
        raise ValidationError(
            _("The resident has not agreed that the result may be shown publicly.")
        )
    reply = case_public_reply(case) if show_reply else None
    allowed = {p.pk: p for p in case_public_photos(case)}
    wanted = {int(pk) for pk in photo_ids}
    if wanted - allowed.keys():
        raise ValidationError({"photos": _("Choose among the photos the resident was shown.")})
    if reply is None and not wanted:
        raise ValidationError(_("Choose the reply, a photo, or both to publish."))
    now = timezone.now()
    CasePublication.objects.filter(case=case, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=actor
    )
    publication = CasePublication.objects.create(
        case=case, reply=reply, published_by=actor, published_at=now
    )
    publication.photos.set([allowed[pk] for pk in sorted(wanted)])
    return publication


@transaction.atomic
def case_publication_withdraw(*, case_id: int, actor) -> CasePublication:
    """Take the case's reply and photos off the 公示 pages at once (their photo URLs stop
    working); the case itself stays listed with its category, street and dates."""
    case = case_lock(case_id)
    live = CasePublication.objects.filter(case=case, withdrawn_at__isnull=True).first()
    if live is None:
        raise ValidationError(_("This case is not published."))
    live.withdrawn_at = timezone.now()
    live.withdrawn_by = actor
    live.save(update_fields=["withdrawn_at", "withdrawn_by"])
    return live
