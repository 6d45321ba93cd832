"""Thin task adapters for the intake: opening cases, housekeeping, retention."""

import logging

from celery import shared_task

from feedback.selectors import submission_ids_without_case
from feedback.services.cases import submission_case_open
from feedback.services.housekeeping import pending_photos_purge

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def open_pending_cases_task() -> int:
    """Beat sweep: open the cases of new submissions, in batches until none is left.

    Each submission is locked while its case is opened and skipped if it already has one,
    so overlapping sweeps (two beats, a retry) open each case once.
    """
    opened, failed = 0, set()
    while ids := [i for i in submission_ids_without_case() if i not in failed]:
        for submission_id in ids:
            try:
                opened += submission_case_open(submission_id) is not None
            except Exception:
                # One bad row must not block every submission after it.
                logger.exception("could not open the case of submission %s", submission_id)
                failed.add(submission_id)
        if len(ids) < 500:
            break
    return opened


@shared_task
def clean_pending_photos_task() -> int:
    """Hourly: delete photos kept for forms that were never sent (older than a day)."""
    return pending_photos_purge()


@shared_task(acks_late=True)
def contact_details_purge_task() -> int:
    """Daily: erase residents' contact details a retention period after their case ended."""
    from feedback.services.retention import contact_details_purge

    return contact_details_purge()
