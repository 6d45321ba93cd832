"""Thin task adapters for accounts: the audit log's retention."""

from celery import shared_task

from representatives.services.audit import audit_log_purge


@shared_task(acks_late=True)
def audit_log_purge_task() -> int:
    """Daily: sign-in and admin records beyond ``AUDIT_LOG_RETENTION_DAYS``."""
    return audit_log_purge()
