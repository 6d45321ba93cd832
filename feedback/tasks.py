"""Thin task adapters for intake housekeeping."""

from celery import shared_task

from feedback.services.housekeeping import pending_photos_purge


@shared_task
def clean_pending_photos_task() -> int:
    """Hourly: delete photos kept for forms that were never sent (older than a day)."""
    return pending_photos_purge()
