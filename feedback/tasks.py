"""Thin task adapters for intake housekeeping."""

from celery import shared_task

from feedback.services.housekeeping import pending_photos_purge


@shared_task
def clean_pending_photos_task() -> int:
    """Hourly: delete photos kept for forms that were never sent (older than a day)."""
    return pending_photos_purge()


@shared_task(acks_late=True)
def contact_details_purge_task() -> int:
    """Daily: erase residents' contact details a retention period after their case ended."""
    from feedback.services.retention import contact_details_purge

    return contact_details_purge()
