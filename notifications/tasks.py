"""Thin task adapters for the outbox: ids in, a service call, safe to run twice."""

from celery import shared_task

from notifications.backends import PermanentDeliveryError
from notifications.delivery import notification_deliver, notification_ids_to_resend
from notifications.models import Notification


@shared_task(bind=True, max_retries=5, acks_late=True)
def deliver_notification_task(self, notification_id: int) -> bool:
    """Deliver one outbox row; retried with backoff when the backend fails."""
    try:
        return notification_deliver(notification_id)
    except (Notification.DoesNotExist, PermanentDeliveryError):
        return False  # nothing to retry: the row is marked failed for an administrator
    except Exception as exc:
        raise self.retry(exc=exc, countdown=min(60 * 2**self.request.retries, 3600)) from exc


@shared_task
def resend_notifications_task() -> int:
    """Beat sweep: re-queue notifications whose delivery task was lost (broker down)."""
    ids = notification_ids_to_resend()
    for notification_id in ids:
        deliver_notification_task.delay(notification_id)
    return len(ids)
