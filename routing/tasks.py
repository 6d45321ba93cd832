"""Thin task adapters: ids in, a service call, safe to run twice."""

import logging

from celery import shared_task

from routing.models import Notification
from routing.notify_backends import PermanentDeliveryError
from routing.selectors import submission_ids_without_case
from routing.services.intake import case_open_for_submission
from routing.services.notify import notification_deliver, notification_ids_to_resend

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def deliver_notification_task(self, notification_id: int) -> bool:
    """Deliver one outbox row; retried with backoff when the backend fails."""
    try:
        return notification_deliver(notification_id)
    except (Notification.DoesNotExist, PermanentDeliveryError):
        return False  # nothing to retry: the row is marked failed for an administrator
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc


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
                opened += case_open_for_submission(submission_id) is not None
            except Exception:
                # One bad row must not block every submission after it.
                logger.exception("could not open the case of submission %s", submission_id)
                failed.add(submission_id)
        if len(ids) < 500:
            break
    return opened


@shared_task
def resend_notifications_task() -> int:
    """Beat sweep: re-queue notifications whose delivery task was lost (broker down)."""
    ids = notification_ids_to_resend()
    for notification_id in ids:
        deliver_notification_task.delay(notification_id)
    return len(ids)


@shared_task(acks_late=True)
def deadline_sweep_task() -> dict[str, int]:
    """Beat sweep: reminders, deadline notices, overdue flags and escalations, each once per
    case and deadline (safe to run twice, or twice at once)."""
    from routing.services.deadlines import deadline_sweep

    counts = deadline_sweep()
    logger.info("deadline sweep %s", counts)
    return counts


@shared_task(acks_late=True)
def retrain_classifier_task() -> int | None:
    """Beat, nightly: a new classifier model when enough staff decisions are new; returns its
    version (None: not due)."""
    from routing.services.classifier_training import classifier_retrain_if_due

    model = classifier_retrain_if_due()
    return model.pk if model else None
