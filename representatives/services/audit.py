"""The audit log's own retention: sign-in records and admin changes.

Case events and contact reveals are part of their case and are never deleted; sign-ins
(django-axes' ``AccessLog`` with the sign-out time, ``AccessFailureLog``) and the admin site's
``LogEntry`` rows are deleted ``AUDIT_LOG_RETENTION_DAYS`` after they were written (at least
six months: ``liaison.checks``). Export: ``manage.py export_audit_log``.
"""

from datetime import datetime, timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.utils import timezone

# Six months, the least an auditor may ask to see.
AUDIT_MIN_RETENTION_DAYS = 183


def audit_log_purge(*, now: datetime | None = None) -> int:
    """Delete the sign-in and admin records older than the retention period, one DELETE per
    table (nothing refers to these rows); returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    deleted = 0
    for rows in (
        AccessLog.objects.filter(attempt_time__lt=cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        LogEntry.objects.filter(action_time__lt=cutoff),
    ):
        deleted += rows.delete()[0]
    return deleted
