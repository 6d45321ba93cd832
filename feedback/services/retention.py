"""Retention: residents' contact details do not outlive the case that needed them."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from feedback.models import ContactPreference, Submission

logger = logging.getLogger(__name__)

BATCH = 5000


def contact_details_purge(*, now: datetime | None = None, batch: int = BATCH) -> int:
    """Erase the name and number of every resident whose case ended more than
    ``CONTACT_RETENTION_DAYS`` ago (closed, merged or not accepted), in batches.

    The submission itself stays (text, area, category, channel, times), so every statistic
    and briefing is unchanged; only the contact details and the preference go, and
    ``contact_purged_at`` records when. Called by the daily beat task and by operators;
    safe to run twice or twice at once (a purged row no longer matches). Returns how many
    submissions were anonymised, and logs the count (no personal data).
    """
    from routing.models import CaseStatus

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CONTACT_RETENTION_DAYS)
    ended = Q(case__status=CaseStatus.CLOSED, case__closed_at__lt=cutoff) | Q(
        case__status__in=[CaseStatus.MERGED, CaseStatus.NOT_ACCEPTED], case__updated_at__lt=cutoff
    )
    holds_contact = (
        ~Q(contact_name_encrypted="") | ~Q(contact_phone_encrypted="") | ~Q(contact_phone_masked="")
    )
    due = Submission.objects.filter(ended, holds_contact, contact_purged_at__isnull=True)
    purged = 0
    while ids := list(due.order_by("pk").values_list("pk", flat=True)[:batch]):
        purged += Submission.objects.filter(pk__in=ids, contact_purged_at__isnull=True).update(
            contact_name_encrypted="",
            contact_phone_encrypted="",
            contact_phone_masked="",
            contact_phone_hash="",
            contact_name_hash="",
            contact_preference=ContactPreference.NONE,
            contact_purged_at=now,
        )
    logger.info(
        "retention: contact details erased from %s submissions (cases ended before %s)",
        purged,
        cutoff.date().isoformat(),
    )
    return purged
